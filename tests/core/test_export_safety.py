import csv
import datetime
import io
from decimal import Decimal

import django_tables2 as tables
import openpyxl
import pytest
from django.urls import reverse

from core.columns import DateColumn, DateTimeColumn
from core.exports import SafeTableExport, neutralise_formula
from tests.factories import EmployeeFactory

HYPERLINK = '=HYPERLINK("http://evil","x")'


class LedgerTable(tables.Table):
    label = tables.Column()
    amount = tables.Column()


def ledger_export(export_format: str, label: str, amount=Decimal("-12.50")):
    return SafeTableExport(export_format, LedgerTable([{"label": label, "amount": amount}])).export()


@pytest.mark.parametrize("value, expected", [
    (HYPERLINK, "'" + HYPERLINK),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),   # a phone number: nothing a spreadsheet could run
    ("-12,50", "-12,50"),
    ("+33 6 =1+1", "'+33 6 =1+1"),
    ("Diallo", "Diallo"),
    ("Jean-Paul", "Jean-Paul"),
    ("", ""),
    (Decimal("-12.50"), Decimal("-12.50")),
    (-3, -3),
    (datetime.date(2026, 3, 15), datetime.date(2026, 3, 15)),
    (None, None),
])
def test_only_text_a_spreadsheet_would_run_gets_an_apostrophe(value, expected):
    assert neutralise_formula(value) == expected


def test_csv_export_neutralises_text_and_keeps_negative_amounts_as_numbers():
    rows = list(csv.reader(io.StringIO(ledger_export("csv", HYPERLINK).removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["Label", "Amount"], ["'" + HYPERLINK, "-12,50"]]


def test_xlsx_export_writes_text_not_a_formula_and_keeps_amounts_as_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(ledger_export("xlsx", HYPERLINK))).active
    label, amount = sheet.cell(row=2, column=1), sheet.cell(row=2, column=2)
    assert (label.value, label.data_type) == ("'" + HYPERLINK, "s")
    assert (amount.value, amount.data_type) == (-12.5, "n")


@pytest.mark.django_db
class TestListExports:
    """The lists export through FilteredTableView; the employee list stands for all of them."""

    def export(self, client, organisation, export_format):
        return client.get(reverse("adherents:employees", args=[organisation.pk]), {"_export": export_format})

    def test_an_imported_formula_comes_out_of_the_csv_export_as_text(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, last_name=HYPERLINK, first_name="@Awa")
        content = self.export(hr_client, organisation, "csv").content.decode("utf-8-sig")
        row = list(csv.reader(io.StringIO(content), delimiter=";"))[1]
        assert row[:2] == ["'" + HYPERLINK, "'@Awa"]

    def test_an_imported_formula_comes_out_of_the_xlsx_export_as_text(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, last_name=HYPERLINK)
        sheet = openpyxl.load_workbook(io.BytesIO(self.export(hr_client, organisation, "xlsx").content)).active
        cell = sheet.cell(row=2, column=1)
        assert (cell.value, cell.data_type) == ("'" + HYPERLINK, "s")

    @pytest.mark.parametrize("export_format", ["ods", "xls", "yaml", "json", "tsv", "latex", "html"])
    def test_a_format_the_lists_do_not_offer_shows_the_page(self, hr_client, organisation, export_format):
        EmployeeFactory(organisation=organisation, last_name="Diallo")
        response = self.export(hr_client, organisation, export_format)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert "Diallo" in response.content.decode()

    def test_the_csv_is_french_excel_s(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, last_name="Hélène")
        content = self.export(hr_client, organisation, "csv").content
        assert content.startswith("\ufeff".encode())
        header = content.decode("utf-8-sig").splitlines()[0]
        assert header.startswith("Nom;Prénom;")


class DatedTable(tables.Table):
    """Explicit house columns, and the columns django-tables2 makes for a model's date fields (the same ones)."""

    day = DateColumn(format="d/m/Y")
    at = DateTimeColumn(format="d/m/Y H:i")


DATED_ROW = {"day": datetime.date(2026, 11, 18),
             "at": datetime.datetime(2026, 11, 18, 16, 12, 4, 123456, tzinfo=datetime.UTC)}


def test_csv_dates_are_french_and_times_local_to_the_second():
    body = SafeTableExport("csv", DatedTable([DATED_ROW])).export()
    assert body.splitlines()[1] == "18/11/2026;18/11/2026 17:12:04"  # Paris is UTC+1 in November


def test_xlsx_dates_are_date_cells():
    sheet = openpyxl.load_workbook(io.BytesIO(SafeTableExport("xlsx", DatedTable([DATED_ROW])).export())).active
    assert sheet["A2"].value == datetime.datetime(2026, 11, 18, 0, 0)
    assert sheet["B2"].value == datetime.datetime(2026, 11, 18, 17, 12, 4)


def test_a_model_s_date_fields_get_the_house_columns():
    from core.models import AuditEntry
    from mutualisation.models import Entry

    class ModelTable(tables.Table):
        class Meta:
            model = Entry
            fields = ("date",)

    class AuditTable(tables.Table):
        class Meta:
            model = AuditEntry
            fields = ("at",)

    assert type(ModelTable.base_columns["date"]) is DateColumn
    assert type(AuditTable.base_columns["at"]) is DateTimeColumn
