"""Each request reads a member HR user, their organisation and its standing this year in one query."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from adherents.auth import MemberAwareBackend
from adherents.models import Membership, MemberUser, Organisation
from tests.factories import MembershipFactory, MemberUserFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
backend = MemberAwareBackend()


def test_a_member_comes_with_the_organisation_and_its_standing(hr_user, organisation, django_assert_num_queries):
    today = timezone.localdate()
    with django_assert_num_queries(1):
        user = backend.get_user(hr_user.pk)
    with django_assert_num_queries(0):
        assert user.member.organisation == organisation
        assert user.member.organisation.is_in_good_standing(today)


@pytest.mark.parametrize("status", [Membership.Status.LAPSED, Membership.Status.SUSPENDED, None])
def test_a_member_without_an_active_membership_this_year_is_not_in_good_standing(status, django_assert_num_queries):
    organisation = OrganisationFactory()
    if status is not None:
        MembershipFactory(organisation=organisation, status=status)
    user = backend.get_user(MemberUserFactory(organisation=organisation).user.pk)
    with django_assert_num_queries(0):
        assert not user.member.organisation.is_in_good_standing(timezone.localdate())


def test_another_year_is_read_from_the_database(hr_user, organisation):
    last_year = timezone.localdate().year - 1
    MembershipFactory(organisation=organisation, year=last_year, status=Membership.Status.LAPSED)
    organisation_read = backend.get_user(hr_user.pk).member.organisation
    assert not organisation_read.is_in_good_standing(datetime.date(last_year, 6, 1))
    assert organisation_read.is_in_good_standing(timezone.localdate())


def test_staff_have_no_organisation(staff_user, django_assert_num_queries):
    user = backend.get_user(staff_user.pk)
    with django_assert_num_queries(0):
        assert not hasattr(user, "member")


def values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_hand_written_query_reads_what_the_orm_reads(hr_user, organisation):
    """Every column, converted as the ORM converts it (dates, booleans, decimals on SQLite too)."""
    user = backend.get_user(hr_user.pk)
    assert values(user) == values(type(hr_user).objects.get(pk=hr_user.pk))
    assert values(user.member) == values(MemberUser.objects.get(pk=hr_user.pk))
    assert values(user.member.organisation) == values(Organisation.objects.get(pk=organisation.pk))
    assert user.member.user is user
    assert not user._state.adding and user._state.db == "default"
    assert model_to_dict(user.member.organisation) == model_to_dict(organisation)


def test_an_unknown_or_malformed_id_is_no_user(hr_user):
    assert backend.get_user(hr_user.pk + 1000) is None
    assert backend.get_user("not-a-number") is None


def test_an_inactive_user_is_not_logged_in(hr_user):
    hr_user.is_active = False
    hr_user.save()
    assert backend.get_user(hr_user.pk) is None


def test_the_login_session_uses_this_backend(hr_client, organisation):
    response = hr_client.get(f"/adherents/organisations/{organisation.pk}/salaries/")
    assert response.status_code == 200
    assert response.wsgi_request.user.member.organisation_id == organisation.pk
