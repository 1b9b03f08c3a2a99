"""Rows read in SQL written once per process (adherents/rows.py): the same objects the ORM would give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from adherents.models import Organisation
from adherents.rows import organisation_row

pytestmark = pytest.mark.django_db


def test_an_organisation_comes_with_its_delegation_in_one_query(organisation):
    with CaptureQueriesContext(connection) as queries:
        found = organisation_row("default").load("default", organisation.pk)
        delegation_name = found.delegation.name
    assert len(queries) == 1
    expected = Organisation.objects.select_related("delegation").get(pk=organisation.pk)
    assert found == expected and delegation_name == expected.delegation.name
    for field in Organisation._meta.concrete_fields:  # every column, converted as the ORM converts it
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name


@pytest.mark.parametrize("pk", [0, -1, 2**63, -(2**63) - 1, 10**30])
def test_an_id_no_organisation_has_is_none(organisation, pk):
    assert organisation_row("default").load("default", pk) is None


@pytest.mark.parametrize("path", ["organisation", "employees"])
def test_staff_opening_an_organisation_that_does_not_exist_get_404(client, staff_user, path):
    client.force_login(staff_user)
    for pk in (4242, 10**30):
        assert client.get(reverse(f"adherents:{path}", args=[pk])).status_code == 404


def test_staff_see_the_organisation_and_its_delegation(client, staff_user, organisation):
    client.force_login(staff_user)
    page = client.get(reverse("adherents:organisation", args=[organisation.pk])).content.decode()
    assert organisation.legal_name in page and organisation.delegation.name in page
