"""Authentication backend that loads a member HR user's organisation with the user.

Every member page needs the user's organisation (to scope the data, price the catalogue, draw the
navigation) and whether its membership is active this year (member or public rates): reading both
in the same query as the user, once per request, saves two queries a page. The session store
(adherents/sessions.py) reads that row in the same query as the session itself, and this module's
middleware hands it to the backend: a logged-in page makes one query to know who is asking.

The query runs on every request of a logged-in person, so its SQL is written once per process from the
models' own metadata (UserRow below) rather than compiled by the ORM each time: compiling the
equivalent `select_related(...).annotate(...)` cost twice as much as running it.
"""

from contextvars import ContextVar
from functools import cache

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from adherents.models import Membership, MemberUser, Organisation
from adherents.rows import Columns
from core.models import LoginSession


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


# The session of the request whose user django.contrib.auth is finding, while it does (see get_user below).
session_being_read = ContextVar("session_being_read", default=None)


class MemberAwareBackend(ModelBackend):
    def get_user(self, user_id):
        alias = router.db_for_read(get_user_model())
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id is no user
            return None
        user = getattr(session_being_read.get(), "user_read_with_it", None)
        if user is None or user.pk != user_id:
            user = user_row(alias).load(alias, user_id, timezone.localdate().year)
        return user if user is not None and self.user_can_authenticate(user) else None


def get_user(request):
    """django.contrib.auth's get_user (which checks the session's password hash), the backend taking the user read
    with the session when there is one, rather than reading them again."""
    if not hasattr(request, "_cached_user"):
        token = session_being_read.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            session_being_read.reset(token)
    return request._cached_user


class SessionUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, finding the user with get_user above."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
