"""Authentication backend that loads a member HR user's organisation with the user.

Every member page needs the user's organisation (to scope the data, price the catalogue, draw the
navigation) and whether its membership is active this year (member or public rates): reading both
in the same query as the user, once per request, saves two queries a page. The session store
(adherents/sessions.py) reads that row in the same query as the session itself, and this module's
middleware hands it to the backend: a logged-in page makes one query to know who is asking.

The query runs on every request of a logged-in person, so its SQL is written once per process from the
models' own metadata (adherents.rows.UserRow) rather than compiled by the ORM each time: compiling the
equivalent `select_related(...).annotate(...)` cost twice as much as running it.
"""

from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.exceptions import ValidationError
from django.db import router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from adherents.rows import user_row

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
