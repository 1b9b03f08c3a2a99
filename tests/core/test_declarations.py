"""Each request's table and filter set get their own copies of the declared columns and filters (core/declarations)."""

import pytest
from django.http import QueryDict

from adherents.filters import EmployeeFilter, OrganisationFilter
from adherents.models import Employee
from adherents.tables import EmployeeTable
from core.declarations import copy_of

pytestmark = pytest.mark.django_db


def test_a_column_hidden_on_one_table_stays_on_the_next():
    hidden = EmployeeTable(Employee.objects.none(), organisation_id=1, may_edit=False)
    shown = EmployeeTable(Employee.objects.none(), organisation_id=1, may_edit=True)
    assert not hidden.columns["actions"].visible
    assert shown.columns["actions"].visible
    assert EmployeeTable.base_columns["actions"].visible


def test_each_table_has_its_own_columns_and_their_settings():
    first = EmployeeTable(Employee.objects.none(), organisation_id=1)
    second = EmployeeTable(Employee.objects.none(), organisation_id=1)
    declared = EmployeeTable.base_columns["last_name"]
    copies = first.columns["last_name"].column, second.columns["last_name"].column
    assert copies[0] is not copies[1] and declared not in copies
    assert copies[0].attrs == declared.attrs and copies[0].attrs is not declared.attrs
    assert copies[0].verbose_name == declared.verbose_name


def test_each_filter_set_has_its_own_filters():
    first = EmployeeFilter(QueryDict("q=martin"), queryset=Employee.objects.all())
    second = EmployeeFilter(QueryDict(), queryset=Employee.objects.all())
    assert first.filters["q"] is not second.filters["q"]
    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    assert not hasattr(EmployeeFilter.base_filters["q"], "parent")
    assert first.filters["population"].extra is not EmployeeFilter.base_filters["population"].extra
    assert first.is_valid() and first.form.cleaned_data["q"] == "martin"


def test_a_filter_with_a_method_runs_it_for_its_own_filter_set(organisation):
    from tests.factories import EmployeeFactory

    EmployeeFactory(organisation=organisation, last_name="Martin")
    EmployeeFactory(organisation=organisation, last_name="Diallo")
    found = EmployeeFilter(QueryDict("q=martin"), queryset=Employee.objects.all())
    assert found.filters["q"].filter.f is found.filters["q"]
    assert [employee.last_name for employee in found.qs] == ["Martin"]


def test_a_model_choice_filter_lists_the_rows_of_each_request(organisation):
    from tests.factories import DelegationFactory

    before = OrganisationFilter(QueryDict()).form.fields["delegation"].queryset.count()
    DelegationFactory()
    after = OrganisationFilter(QueryDict()).form.fields["delegation"].queryset.count()
    assert after == before + 1


def test_a_copy_has_its_own_dictionaries_and_lists():
    class Declared:
        def __init__(self):
            self.extra, self.names, self.label = {"choices": [1]}, ["a"], "x"

    declared = Declared()
    twin = copy_of(declared)
    twin.extra["queryset"] = "changed"
    twin.names.append("b")
    assert declared.extra == {"choices": [1]} and declared.names == ["a"] and twin.label == "x"
