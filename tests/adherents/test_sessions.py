"""A session is read in the same query as the person logged in with it (adherents/sessions.py, adherents/auth.py)."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.utils import timezone

from adherents.auth import get_user, session_being_read
from adherents.sessions import SessionStore
from core.models import LoginSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EMPLOYEES = "/adherents/organisations/{}/salaries/"


def session_of(client) -> LoginSession:
    return LoginSession.objects.get(session_key=client.cookies["sessionid"].value)


def request_with(session_key: str):
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key)
    return request


def test_the_session_row_names_who_logged_in_with_it(hr_client, hr_user):
    assert session_of(hr_client).user_id == hr_user.pk


def test_a_visitor_s_session_names_nobody(client):
    session = SessionStore()
    session["seen"] = True
    session.save()
    assert LoginSession.objects.get(session_key=session.session_key).user_id is None
    reread = SessionStore(session.session_key)
    assert reread["seen"] is True and reread.user_read_with_it is None


def test_the_session_and_the_member_with_their_organisation_are_one_query(hr_client, hr_user, organisation,
                                                                           django_assert_num_queries):
    request = request_with(session_of(hr_client).session_key)
    with django_assert_num_queries(1):
        user = get_user(request)
        assert user == hr_user
        assert user.member.organisation == organisation
        assert user.member.organisation.is_in_good_standing(timezone.localdate())
    assert session_being_read.get() is None  # nothing of this request is left for the next one


def test_a_logged_in_page_makes_one_query_to_know_who_asks(hr_client, organisation, django_assert_max_num_queries):
    hr_client.get(EMPLOYEES.format(organisation.pk))  # the layout's parts drawn once
    with django_assert_max_num_queries(2):  # who asks, then the page of employees with their total
        response = hr_client.get(EMPLOYEES.format(organisation.pk))
    assert response.status_code == 200


def test_logging_out_ends_the_session(hr_client, organisation):
    key = session_of(hr_client).session_key
    hr_client.post("/accounts/logout/")
    assert not LoginSession.objects.filter(session_key=key).exists()
    assert hr_client.get(EMPLOYEES.format(organisation.pk)).status_code == 302


def test_a_deleted_person_s_sessions_go_with_them(client):
    user = UserFactory()
    client.force_login(user)
    user.delete()
    assert not LoginSession.objects.exists()


def test_an_expired_session_is_nobody(hr_client, organisation):
    LoginSession.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert hr_client.get(EMPLOYEES.format(organisation.pk)).status_code == 302


def test_a_password_changed_elsewhere_still_logs_the_session_out(hr_client, hr_user, organisation):
    hr_user.set_password("un autre mot de passe")
    hr_user.save()
    assert hr_client.get(EMPLOYEES.format(organisation.pk)).status_code == 302


def test_a_deactivated_person_is_nobody(hr_client, hr_user, organisation):
    hr_user.is_active = False
    hr_user.save()
    assert hr_client.get(EMPLOYEES.format(organisation.pk)).status_code == 302


def test_a_session_whose_row_names_someone_else_is_read_for_the_person_in_its_data(hr_client, hr_user):
    """The backend takes the user read with the session only when they are the one its data names."""
    someone_else = UserFactory()
    LoginSession.objects.update(user=someone_else)
    request = request_with(session_of(hr_client).session_key)
    assert request.session[SESSION_KEY] == str(hr_user.pk)
    assert request.session.user_read_with_it == someone_else
    assert get_user(request) == hr_user
