"""The exports read their values column by column (core.export_values.table_values): the same values as django-tables2's
Table.as_values(), cell by cell and type by type, on the house lists and on the cases its generic reading handles."""

import datetime
import io
from decimal import Decimal

import django_tables2 as tables
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tables2.rows import BoundRow
from tablib import Dataset

from catalogue.models import Modality
from core.export_values import table_values
from core.exports import SafeTableExport
from core.roles import Role
from mutualisation import services
from mutualisation.services import credit, debit
from tests.catalogue.factories import CourseFactory, ThemeFactory
from tests.factories import EmployeeFactory, OrganisationFactory, UserFactory
from tests.formation.factories import SessionFactory
from tests.mutualisation.factories import AccountFactory, ContributionFactory, FiscalYearFactory, RuleSetFactory


def typed(row: list) -> list:
    """Each value with its type: 14 and Decimal("14.0"), a date and a datetime, are different cells."""
    return [(type(value), value) for value in row]


def assert_as_values(table, exclude_columns=None) -> None:
    """table_values() gives Table.as_values()'s headers and rows, cell by cell."""
    expected = [typed(row) for row in table.as_values(exclude_columns=exclude_columns)]
    actual = [typed(row) for row in table_values(table, exclude_columns)]
    assert len(actual) == len(expected) > 1
    for number, (fast, reference) in enumerate(zip(actual, expected, strict=True)):
        assert fast == reference, f"row {number}"


def refuse_generic_reading(row, name):
    raise AssertionError(f"{name} read by BoundRow.get_cell_value")


@pytest.fixture
def exported_tables(monkeypatch) -> list:
    """The (table, excluded columns) of each export the test asks a list for."""
    exported = []
    to_dataset = SafeTableExport.table_to_dataset

    def recording(self, table, exclude_columns, dataset_kwargs=None):
        exported.append((table, exclude_columns))
        return to_dataset(self, table, exclude_columns, dataset_kwargs)

    monkeypatch.setattr(SafeTableExport, "table_to_dataset", recording)
    return exported


def assert_export_is_as_values(client, url: str, exported_tables: list) -> None:
    assert client.get(url, {"_export": "csv"}).status_code == 200
    [(table, exclude_columns)] = exported_tables
    assert_as_values(table, exclude_columns)


def courses() -> None:
    """Courses with and without themes, sessions, an certification, published or not."""
    starts = timezone.now() + datetime.timedelta(days=10)
    themed = CourseFactory(code="NUM-1", title="=Bureautique", themes=[ThemeFactory(name="Numérique"), ThemeFactory()],
                           modality=Modality.REMOTE, member_price=Decimal("175.50"), certification_code="RS1234")
    SessionFactory(course=themed, starts_at=starts, ends_at=starts + datetime.timedelta(hours=7))
    CourseFactory(code="BARE", themes=[], duration_hours=Decimal("3.5"))
    CourseFactory(code="DRAFT", published=False)


@pytest.mark.django_db
class TestHouseListsExportWhatDjangoTables2Would:
    def test_the_public_catalogue(self, client, exported_tables):
        courses()
        assert_export_is_as_values(client, reverse("catalogue:list"), exported_tables)

    def test_the_staff_catalogue(self, client, staff_user, exported_tables):
        courses()
        client.force_login(staff_user)
        assert_export_is_as_values(client, reverse("catalogue:manage"), exported_tables)

    def test_the_employee_list(self, hr_client, organisation, exported_tables):
        EmployeeFactory(organisation=organisation, last_name="@Diallo", mobile="+33612345678")
        EmployeeFactory(organisation=organisation, job_title="", email="")
        assert_export_is_as_values(hr_client, reverse("adherents:employees", args=[organisation.pk]),
                                   exported_tables)

    def test_the_fund_s_entries(self, client, exported_tables):
        finance = UserFactory(username="finance", role=Role.FINANCE)
        today = timezone.localdate()
        FiscalYearFactory(year=today.year)
        source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
        services.post_transaction(date=today, code="transfer", label="Virement", legs=[debit(source, 12_345),
                                  credit(envelope, 12_345)], idempotency_key="t", by=finance)
        client.force_login(finance)
        assert_export_is_as_values(client, reverse("mutualisation:entries"), exported_tables)

    def test_the_contributions(self, client, exported_tables):
        finance = UserFactory(username="finance", role=Role.FINANCE)
        year = timezone.localdate().year
        ContributionFactory(organisation=OrganisationFactory(), year=year, rate_percent=Decimal("0.6000"),
                            ruleset=RuleSetFactory())
        client.force_login(finance)
        assert_export_is_as_values(client, reverse("mutualisation:contributions") + f"?year={year}", exported_tables)


def test_the_catalogue_export_reads_no_cell_the_generic_way(client, db, monkeypatch):
    """Every catalogue column takes the fast path: django-tables2's per-cell reading is what made it slow."""
    courses()
    monkeypatch.setattr(BoundRow, "get_cell_value", refuse_generic_reading)
    assert client.get(reverse("catalogue:list"), {"_export": "csv"}).status_code == 200


class Person:
    """Not a model instance: django-tables2 reads it itself."""

    name = "Awa"


class Refused:
    """What django-tables2 neither calls (do_not_call_in_templates) nor exports (alters_data)."""

    alters_data = do_not_call_in_templates = True

    def __call__(self):
        return "called"


class UnusualTable(tables.Table):
    """Columns whose reading the fast path leaves to django-tables2, or reproduces in its own way."""

    name = tables.Column()
    initial = tables.Column(accessor="name__0")
    shouted = tables.Column(accessor="name__upper")
    missing = tables.Column(accessor="nothing__here")
    linked = tables.Column(accessor="name", linkify=lambda record: "/x/")
    link_text = tables.LinkColumn(viewname="catalogue:list", accessor="nothing", text="link")
    with_row = tables.Column(accessor="name", empty_values=())
    wants_unknown = tables.Column(accessor="name")
    rendered = tables.Column(accessor="name")
    date = tables.DateColumn(format="d/m/Y")
    url = tables.Column(accessor="get_absolute_url")  # a method django-tables2 calls
    saved = tables.Column(accessor="save")  # a method that alters data: django-tables2 refuses to call it
    refused = tables.Column()
    audience = tables.Column()

    def value_with_row(self, bound_row, value):
        return f"{type(bound_row.record).__name__}:{value}"

    def value_wants_unknown(self, value, nonsense):
        return "never called"

    def render_rendered(self, value, record):
        return f"<b>{value}</b>"


def unusual_records() -> list:
    from catalogue.models import Course

    course = CourseFactory(code="C1", title="Titre")
    course.name, course.date, course.refused = "Diallo", datetime.date(2026, 11, 18), Refused()
    retired = Course.objects.get(pk=course.pk)
    retired.audience = "retired"  # a value no longer among the field's choices
    return [course, {"name": "Awa", "date": None}, Person(), Course.objects.get(pk=course.pk), retired]


def test_unusual_columns_and_records_get_django_tables2_s_values(db):
    assert_as_values(UnusualTable(unusual_records()))


class AudienceTable(tables.Table):
    audience = tables.Column()


def test_a_model_s_own_display_method_is_called_the_fast_way(db, monkeypatch):
    from catalogue.models import Course

    monkeypatch.setattr(Course, "get_audience_display", lambda course: f"custom {course.code}")
    table = AudienceTable([record for record in unusual_records() if isinstance(record, Course)])
    expected = [typed(row) for row in table.as_values()]
    monkeypatch.setattr(BoundRow, "get_cell_value", refuse_generic_reading)
    assert [typed(row) for row in table_values(table)] == expected


def ledger_xlsx() -> bytes:
    class PriceTable(tables.Table):
        label = tables.Column()
        price = tables.Column()
        hours = tables.Column()

    rows = [{"label": "SST", "price": Decimal("175.50"), "hours": Decimal("14.0")},
            {"label": "Line\nbreak", "price": Decimal("1234.00"), "hours": Decimal("7.5")}]
    return SafeTableExport("xlsx", PriceTable(rows)).export()


def test_xlsx_amounts_to_the_cent_show_two_decimals_and_other_numbers_keep_general():
    sheet = openpyxl.load_workbook(io.BytesIO(ledger_xlsx())).active
    assert [(cell.value, cell.number_format) for cell in sheet["B"][1:]] == [(175.5, "#,##0.00"),
                                                                              (1234, "#,##0.00")]
    assert [cell.number_format for cell in sheet["C"][1:]] == ["General", "General"]


def test_the_xlsx_file_is_otherwise_tablib_s():
    """Sheet title, values, bold headers, frozen first row, wrapped text and column widths as tablib writes them."""
    ours = openpyxl.load_workbook(io.BytesIO(ledger_xlsx())).active
    dataset = Dataset(headers=["Label", "Price", "Hours"], title="Export Data")
    dataset.append(["SST", Decimal("175.50"), Decimal("14.0")])
    dataset.append(["Line\nbreak", Decimal("1234.00"), Decimal("7.5")])
    reference = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx"))).active
    assert (ours.title, ours.freeze_panes) == (reference.title, reference.freeze_panes)
    assert list(ours.values) == list(reference.values)
    assert [(cell.font.b, cell.alignment.wrap_text) for row in ours for cell in row] == [
        (cell.font.b, cell.alignment.wrap_text) for row in reference for cell in row]
    assert {letter: dimension.width for letter, dimension in ours.column_dimensions.items()} == {
        letter: dimension.width for letter, dimension in reference.column_dimensions.items()}
