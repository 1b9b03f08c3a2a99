"""Authentication backend that loads a member HR user's organisation with the user.

Every member page needs the user's organisation (to scope the data, price the catalogue, draw the
navigation) and whether its membership is active this year (member or public rates): reading both
in the same query as the user, once per request, saves two queries a page.

The query runs on every request of a logged-in person, so its SQL is written once per process from the
models' own metadata (UserRow below) rather than compiled by the ORM each time: compiling the
equivalent `select_related(...).annotate(...)` cost twice as much as running it.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from adherents.models import Membership, MemberUser, Organisation


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
    """The user, their member link, its organisation and this year's membership status, in one statement."""

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

        # Names and columns come from the models' metadata, quoted; the two values are bound parameters.
        self.sql = (
            f"SELECT {self.user.sql}, {self.member.sql}, {self.organisation.sql}, "  # noqa: S608
            f"(SELECT s.{column(Membership, 'status')} FROM {table(Membership)} s "
            f"WHERE s.{column(Membership, 'organisation')} = m.{column(MemberUser, 'organisation')} "
            f"AND s.{column(Membership, 'year')} = %s) "
            f"FROM {table(user_model)} u "
            f"LEFT JOIN {table(MemberUser)} m ON m.{column(MemberUser, 'user')} = u.{quote(user_model._meta.pk.column)} "
            f"LEFT JOIN {table(Organisation)} o ON o.{quote(Organisation._meta.pk.column)} = "
            f"m.{column(MemberUser, 'organisation')} "
            f"WHERE u.{quote(user_model._meta.pk.column)} = %s"
        )

    def load(self, alias: str, user_id, year: int):
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [year, user_id])
            row = cursor.fetchone()
        if row is None:
            return None
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


class MemberAwareBackend(ModelBackend):
    def get_user(self, user_id):
        alias = router.db_for_read(get_user_model())
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id is no user
            return None
        user = user_row(alias).load(alias, user_id, timezone.localdate().year)
        return user if user is not None and self.user_can_authenticate(user) else None
