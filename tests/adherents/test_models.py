import datetime

import pytest
from django.db import IntegrityError, transaction

from adherents.models import Membership, Organisation
from tests.factories import EmployeeFactory, MembershipFactory, OrganisationFactory


@pytest.mark.django_db
class TestConstraints:
    def test_an_insertion_contract_for_permanent_staff_is_refused_by_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            EmployeeFactory(population="permanent", contract_type="CDDI")

    def test_a_siret_that_is_not_14_digits_is_refused_by_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganisationFactory(siret="1234")

    def test_one_membership_per_organisation_and_year(self):
        membership = MembershipFactory(year=2026)
        with pytest.raises(IntegrityError), transaction.atomic():
            MembershipFactory(organisation=membership.organisation, year=2026)

    def test_two_employees_of_one_organisation_cannot_share_an_email(self, organisation):
        EmployeeFactory(organisation=organisation, email="a@example.org")
        EmployeeFactory(organisation=organisation, email="")
        EmployeeFactory(organisation=organisation, email="")  # many without e-mail is fine
        with pytest.raises(IntegrityError), transaction.atomic():
            EmployeeFactory(organisation=organisation, email="a@example.org")


@pytest.mark.django_db
class TestGoodStanding:
    @pytest.mark.parametrize("status, expected", [
        (Membership.Status.ACTIVE, True), (Membership.Status.LAPSED, False), (Membership.Status.SUSPENDED, False),
    ])
    def test_good_standing_follows_the_membership_of_that_year(self, status, expected):
        organisation = MembershipFactory(year=2026, status=status).organisation
        assert organisation.is_in_good_standing(datetime.date(2026, 6, 1)) is expected
        assert organisation.is_in_good_standing(datetime.date(2027, 1, 1)) is False
        in_standing = Organisation.objects.in_good_standing(datetime.date(2026, 6, 1))
        assert (organisation in in_standing) is expected


@pytest.mark.django_db
def test_active_employees_leave_out_those_archived_and_keep_to_the_conditions(organisation, other_organisation):
    from adherents.models import Employee

    kept = EmployeeFactory(organisation=organisation)
    EmployeeFactory(organisation=organisation, archived_at="2026-01-01T00:00Z")
    EmployeeFactory(organisation=other_organisation)
    assert list(Employee.objects.active(organisation_id=organisation.pk)) == [kept]
    assert Employee.objects.active().count() == 2


def test_an_employee_s_name_and_mobile_read_the_same_with_or_without_the_model():
    from adherents.models import Employee, full_name, mobile_for_display

    employee = Employee(first_name="Awa", last_name="Diallo", mobile="+33612345678")
    assert str(employee) == full_name("Awa", "Diallo") == "Awa Diallo"
    assert employee.mobile_display == mobile_for_display("+33612345678") == "06 12 34 56 78"
    assert mobile_for_display("+3225551234") == "+3225551234"  # not a French mobile: as stored
