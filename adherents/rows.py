"""Rows read on every visit of some page, in hand-written SQL built once per process from the models' metadata.

Compiling the equivalent ORM query (select_related, a slice, ...) costs more than running it: the person asking
(adherents.auth.UserRow, with their session), and an organisation with its delegation for the staff's pages.
"""

from functools import cache

from django.db import connections

from adherents.models import Delegation, Organisation


class Columns:
    """One model's concrete columns in a joined row, and how to turn them back into an instance."""

    def __init__(self, model, alias: str, connection):
        self.model = model
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
        self.width = len(fields)
        self.converters = []
        for position, field in enumerate(fields):
            column = field.get_col(alias)
            for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
                self.converters.append((position, converter, column))

    def instance(self, alias: str, connection, values: tuple):
        values = list(values)
        for position, converter, column in self.converters:
            values[position] = converter(values[position], column, connection)
        return self.model.from_db(alias, None, values)


class OrganisationRow:
    """An organisation and its regional delegation, in one statement."""

    def __init__(self, connection):
        quote = connection.ops.quote_name
        self.organisation = Columns(Organisation, "o", connection)
        self.delegation = Columns(Delegation, "d", connection)
        delegation_column = quote(Organisation._meta.get_field("delegation").column)
        # Names and columns come from the models' metadata, quoted; the value is a bound parameter.
        self.sql = (
            f"SELECT {self.organisation.sql}, {self.delegation.sql} "  # noqa: S608
            f"FROM {quote(Organisation._meta.db_table)} o "
            f"INNER JOIN {quote(Delegation._meta.db_table)} d ON d.{quote(Delegation._meta.pk.column)} = o.{delegation_column} "
            f"WHERE o.{quote(Organisation._meta.pk.column)} = %s"
        )

    def load(self, alias: str, pk: int) -> Organisation | None:
        connection = connections[alias]
        lowest, highest = connection.ops.integer_field_range(Organisation._meta.pk.get_internal_type())
        if not lowest <= pk <= highest:  # an id no key holds (the address is any number): no such organisation
            return None
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        organisation = self.organisation.instance(alias, connection, row[: self.organisation.width])
        delegation = self.delegation.instance(alias, connection, row[self.organisation.width :])
        Organisation.delegation.field.set_cached_value(organisation, delegation)
        return organisation


@cache
def organisation_row(alias: str) -> OrganisationRow:
    return OrganisationRow(connections[alias])
