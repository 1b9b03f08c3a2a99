"""The session engine: Django's database sessions (core.LoginSession), each read in the same query as the person
logged in with it, their organisation and its standing this year (adherents.rows.UserRow).

A page used to read the session (from the shared cache or the database), then the person: two round trips
before anything else, each costing more than the query itself when the server has been idle a moment. The
session's row names its user (set on every save from the session's data), so one query finds both;
adherents.auth.SessionUserMiddleware hands the user to the authentication backend, and django.contrib.auth still
checks the session against the user's password hash as usual.
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import router
from django.utils import timezone

from adherents.rows import user_row
from core.models import LoginSession


def logged_in_user_id(data: dict):
    """The id of the person logged in with this session's data, or None."""
    try:
        return get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
    except ValidationError:
        return None


class SessionStore(db.SessionStore):
    user_read_with_it = None  # the user this session's row named when it was read (adherents.auth)

    @classmethod
    def get_model_class(cls):
        return LoginSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = logged_in_user_id(data)
        return instance

    def load(self):
        alias = router.db_for_read(self.model)
        found = None
        if self.session_key is not None:
            found = user_row(alias).load_with_session(alias, self.session_key, timezone.now(), timezone.localdate().year)
        if found is None:
            self._session_key = None
            return {}
        session_data, self.user_read_with_it = found
        return self.decode(session_data)
