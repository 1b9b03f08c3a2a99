import datetime
from decimal import Decimal

import pytest

from adherents.models import Membership
from catalogue.pricing import Price, PriceBasis, Viewer, rates_for
from core.roles import Role
from tests.catalogue.factories import CourseFactory
from tests.factories import MembershipFactory, MemberUserFactory, OrganisationFactory, UserFactory

DAY = datetime.date(2026, 3, 15)


@pytest.fixture
def course(db):
    return CourseFactory(member_price=Decimal("300.00"), public_price=Decimal("450.00"))


@pytest.mark.django_db
class TestPriceFor:
    def test_member_in_good_standing_pays_the_member_price(self, course):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, year=2026, status=Membership.Status.ACTIVE)
        assert course.price_for(organisation, on=DAY) == Price(Decimal("300.00"), PriceBasis.MEMBER)

    @pytest.mark.parametrize("status", [Membership.Status.LAPSED, Membership.Status.SUSPENDED])
    def test_lapsed_or_suspended_member_pays_the_public_price(self, course, status):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, year=2026, status=status)
        assert course.price_for(organisation, on=DAY) == Price(Decimal("450.00"), PriceBasis.PUBLIC)

    def test_the_membership_of_the_enrolment_year_counts_not_last_year(self, course):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, year=2025, status=Membership.Status.ACTIVE)
        assert course.price_for(organisation, on=DAY).basis == PriceBasis.PUBLIC
        assert course.price_for(organisation, on=datetime.date(2025, 12, 31)).basis == PriceBasis.MEMBER

    def test_no_organisation_pays_the_public_price(self, course):
        assert course.price_for(None, on=DAY) == Price(Decimal("450.00"), PriceBasis.PUBLIC)

    def test_a_price_is_frozen(self, course):
        price = course.price_for(None, on=DAY)
        with pytest.raises(AttributeError):
            price.amount = Decimal("0")


@pytest.mark.django_db
class TestRatesFor:
    def test_anonymous_visitors_see_public_rates(self, client):
        request_user = client.get("/").wsgi_request.user
        rates = rates_for(request_user, on=DAY)
        assert rates.viewer == Viewer.PUBLIC and rates.basis == PriceBasis.PUBLIC

    def test_member_hr_in_good_standing_sees_member_rates(self):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, year=2026)
        user = MemberUserFactory(organisation=organisation).user
        rates = rates_for(user, on=DAY)
        assert rates.viewer == Viewer.MEMBER and rates.price_field == "member_price"

    def test_lapsed_member_hr_sees_public_rates_and_the_membership_why(self):
        organisation = OrganisationFactory()
        membership = MembershipFactory(organisation=organisation, year=2026, status=Membership.Status.LAPSED)
        user = MemberUserFactory(organisation=organisation).user
        rates = rates_for(user, on=DAY)
        assert rates.viewer == Viewer.LAPSED and rates.price_field == "public_price"
        assert rates.membership == membership

    @pytest.mark.parametrize("role", [Role.TRAINING, Role.ADMIN, Role.FINANCE])
    def test_coorace_staff_see_both_rates(self, role):
        assert rates_for(UserFactory(role=role), on=DAY).viewer == Viewer.STAFF

    def test_a_trainer_sees_public_rates(self):
        assert rates_for(UserFactory(role=Role.TRAINER), on=DAY).viewer == Viewer.PUBLIC
