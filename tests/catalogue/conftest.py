import pytest

from adherents.models import Membership
from tests.factories import MembershipFactory, MemberUserFactory, OrganisationFactory


@pytest.fixture
def lapsed_hr_client(client, db):
    """An HR user whose organisation's membership for this year has lapsed."""
    organisation = OrganisationFactory(legal_name="Passerelle Lapsed")
    MembershipFactory(organisation=organisation, status=Membership.Status.LAPSED)
    client.force_login(MemberUserFactory(organisation=organisation, user__username="rh-lapsed").user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
