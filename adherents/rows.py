"""Rows read on every visit of some page, in hand-written SQL built once per process from the models' metadata.

Compiling the equivalent ORM query (select_related, a slice, ...) costs more than running it: the person asking
(UserRow, with their session: adherents.auth, adherents.sessions), and an organisation with its delegation for the
staff's pages (adherents.access).
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections

from adherents.models import Delegation, Membership, MemberUser, Organisation
from core.models import LoginSession


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


class UserRow:
    """The user, their member link, its organisation and this year's membership status, in one statement:
    found by the user's id, or by the key of a session they are logged in with (the session's data first)."""

    def __init__(self, connection):
        quote = connection.ops.quote_name
        user_model = get_user_model()
        self.user = Columns(user_model, "u", connection)
        self.member = Columns(MemberUser, "m", connection)
        self.organisation = Columns(Organisation, "o", connection)

        def column(model, field: str) -> str:
            return quote(model._meta.get_field(field).column)

        def table(model) -> str:
            return quote(model._meta.db_table)

        user_pk = quote(user_model._meta.pk.column)
        # Names and columns come from the models' metadata, quoted; the values are bound parameters.
        columns = (
            f"{self.user.sql}, {self.member.sql}, {self.organisation.sql}, "  # noqa: S608
            f"(SELECT ms.{column(Membership, 'status')} FROM {table(Membership)} ms "
            f"WHERE ms.{column(Membership, 'organisation')} = m.{column(MemberUser, 'organisation')} "
            f"AND ms.{column(Membership, 'year')} = %s)"
        )
        joins = (
            f"LEFT JOIN {table(MemberUser)} m ON m.{column(MemberUser, 'user')} = u.{user_pk} "
            f"LEFT JOIN {table(Organisation)} o ON o.{quote(Organisation._meta.pk.column)} = "
            f"m.{column(MemberUser, 'organisation')}"
        )
        self.sql = f"SELECT {columns} FROM {table(user_model)} u {joins} WHERE u.{user_pk} = %s"  # noqa: S608
        self.session_sql = (
            f"SELECT ls.{column(LoginSession, 'session_data')}, {columns} "  # noqa: S608
            f"FROM {table(LoginSession)} ls "
            f"LEFT JOIN {table(user_model)} u ON u.{user_pk} = ls.{column(LoginSession, 'user')} {joins} "
            f"WHERE ls.{column(LoginSession, 'session_key')} = %s AND ls.{column(LoginSession, 'expire_date')} > %s"
        )

    def load(self, alias: str, user_id, year: int):
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [year, user_id])
            row = cursor.fetchone()
        return None if row is None else self.user_in(alias, connection, row, year)

    def load_with_session(self, alias: str, session_key: str, now, year: int) -> tuple[str, object] | None:
        """The data of the session `session_key` if it has not expired, and the user logged in with it (None for
        a visitor's session); None when there is no such session."""
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.session_sql, [year, session_key, connection.ops.adapt_datetimefield_value(now)])
            row = cursor.fetchone()
        if row is None:
            return None
        session_data, row = row[0], row[1:]
        return session_data, None if row[0] is None else self.user_in(alias, connection, row, year)

    def user_in(self, alias: str, connection, row: tuple, year: int):
        ends = self.user.width, self.user.width + self.member.width
        user = self.user.instance(alias, connection, row[: ends[0]])
        member = None
        if row[ends[0]] is not None:  # the member link's primary key (LEFT JOIN: NULL for staff)
            member = self.member.instance(alias, connection, row[ends[0] : ends[1]])
            organisation = self.organisation.instance(alias, connection, row[ends[1] : -1])
            organisation.remember_membership_status(year, row[-1])
            MemberUser.organisation.field.set_cached_value(member, organisation)
            MemberUser.user.field.set_cached_value(member, user)
        # As select_related does: `user.member` answers from here, raising DoesNotExist without a query for staff.
        MemberUser.user.field.remote_field.set_cached_value(user, member)
        return user


@cache
def user_row(alias: str) -> UserRow:
    return UserRow(connections[alias])


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
