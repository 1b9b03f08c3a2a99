"""Each role's navigation: what this person does here, built once per profile."""

import pytest
from django.utils import translation

from core.navigation import links_for
from core.roles import Role
from tests.factories import MemberUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def labels(user) -> list[str]:
    with translation.override("en"):
        return [str(link.label) for link in links_for(user)]


def test_a_member_sees_their_own_organisation():
    first, second = MemberUserFactory(), MemberUserFactory()
    for member in (first, second):
        urls = [link.url for link in links_for(member.user)]
        assert f"/adherents/organisations/{member.organisation_id}/salaries/" in urls
    assert links_for(first.user) != links_for(second.user)
    assert labels(first.user) == ["Home", "Catalogue", "My organisation", "Employees", "Sessions", "Enrolments",
                                  "My calendar"]


@pytest.mark.parametrize("role, expected", [
    (Role.TRAINER, ["Home", "Catalogue", "My sessions", "My calendar"]),
    (Role.TRAINING, ["Home", "Catalogue", "Sessions", "Member organisations", "Manage courses"]),
    (Role.FINANCE, ["Home", "Catalogue", "Sessions", "Member organisations", "Shared training fund",
                    "Contributions"]),
    (Role.ADMIN, ["Home", "Catalogue", "Sessions", "Member organisations", "Shared training fund",
                  "Contributions", "Manage courses", "Audit log", "Administration"]),
])
def test_each_role_sees_its_links(role, expected):
    assert labels(UserFactory(role=role)) == expected


def test_the_anonymous_visitor_sees_the_catalogue():
    from django.contrib.auth.models import AnonymousUser

    assert labels(AnonymousUser()) == ["Catalogue"]


def test_labels_follow_the_language_of_each_page():
    user = UserFactory(role=Role.TRAINER)
    with translation.override("fr"):
        assert str(links_for(user)[0].label) == "Accueil"
    with translation.override("en"):
        assert str(links_for(user)[0].label) == "Home"


def test_a_member_whose_role_changed_loses_the_member_links():
    member = MemberUserFactory()
    member.user.role = Role.TRAINING
    assert "Employees" not in labels(member.user)


def test_the_page_marks_where_the_member_is(hr_client, organisation):
    page = hr_client.get(f"/adherents/organisations/{organisation.pk}/salaries/").content.decode()
    here = f"/adherents/organisations/{organisation.pk}/salaries/"
    assert f'<a class="nav-link active" aria-current="page" href="{here}">Salariés</a>' in page
    assert page.count('aria-current="page"') == 1
    assert f'<a class="nav-link" href="/adherents/organisations/{organisation.pk}/">Ma structure</a>' in page


def test_the_anonymous_catalogue_page_has_one_link(client):
    page = client.get("/catalogue/").content.decode()
    assert '<li class="nav-item"><a class="nav-link active" aria-current="page" href="/catalogue/">Catalogue</a></li>' in page
