import datetime

import pytest
from django.core.management import CommandError, call_command

from mutualisation import checks, services
from mutualisation.fec import COLUMNS, fec_filename, fec_lines
from mutualisation.models import FiscalYear, Transaction
from tests.mutualisation.factories import ContributionFactory, FiscalYearFactory


@pytest.fixture
def books(organisation, rules, finance_user, today):
    """A closed year with contributions, a commitment paid and one still open, and the next year opened."""
    last = FiscalYearFactory(year=today.year - 1)
    day = datetime.date(last.year, 3, 14)
    contribution = ContributionFactory(organisation=organisation, year=last.year, amount_due_cents=123_456,
                                       ruleset=rules)
    services.record_grant(amount=500_000, date=day, label="Subvention\tOPCO", idempotency_key="g", by=finance_user)
    services.record_contribution_payment(contribution_id=contribution.pk, amount_cents=123_456, date=day,
                                         reference="VIR-1", idempotency_key="p", by=finance_user)
    drawing = contribution.organisation.fund_accounts.get()
    paid = services.commit_funding(source_id=drawing.pk, amount=50_000, date=day, label="SST", idempotency_key="c1",
                                   by=finance_user)
    services.pay_commitment(reservation_id=paid.pk, amount=40_000, date=day, by=finance_user)
    services.commit_funding(source_id=drawing.pk, amount=10_000, date=day, label="CACES", idempotency_key="c2",
                            by=finance_user)
    services.close_fiscal_year(year=last.year, by=finance_user)
    return last


def parse(fiscal_year):
    lines = list(fec_lines(fiscal_year))
    assert all(line.endswith("\r\n") for line in lines)
    rows = [line.rstrip("\r\n").split("\t") for line in lines]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def cents(text: str) -> int:
    whole, decimals = text.split(",")
    assert len(decimals) == 2
    return int(whole) * 100 + int(decimals)


@pytest.mark.django_db
def test_the_fec_has_18_columns_a_header_and_balanced_entries(books):
    header, rows = parse(books)
    assert tuple(header) == COLUMNS and len(header) == 18
    assert rows and all(len(row) == 18 for row in rows)
    assert sum(cents(row["Debit"]) for row in rows) == sum(cents(row["Credit"]) for row in rows)
    numbers = {row["EcritureNum"] for row in rows}
    assert numbers == {str(n) for n in Transaction.objects.filter(fiscal_year=books).values_list("number", flat=True)}
    for number in numbers:
        lines = [row for row in rows if row["EcritureNum"] == number]
        assert sum(cents(row["Debit"]) - cents(row["Credit"]) for row in lines) == 0
        assert len({row["EcritureDate"] for row in lines}) == 1
    assert all(len(row["EcritureDate"]) == 8 and row["EcritureDate"].startswith(str(books.year)) for row in rows)
    receipt = next(row for row in rows if row["JournalCode"] == "BQ" and row["CompteNum"] == "512000"
                   and cents(row["Debit"]) == 123_456)
    assert receipt["Debit"] == "1234,56" and receipt["Credit"] == "0,00" and receipt["EcritureDate"] == f"{books.year}0314"
    drawing = next(row for row in rows if row["CompteNum"] == "467400")
    assert len(drawing["CompAuxNum"]) == 14 and drawing["CompAuxNum"].isdigit()
    assert drawing["CompteLib"] == "Droits de tirage des adhérents" and drawing["CompAuxLib"].startswith("Droit de tirage")
    assert "Subvention OPCO" in {row["EcritureLib"] for row in rows}  # a tab in a label never breaks a line
    assert {"CLO"} <= {row["JournalCode"] for row in rows}


@pytest.mark.django_db
def test_the_next_year_opens_with_its_carried_balances(books):
    _header, rows = parse(FiscalYear.objects.get(year=books.year + 1))
    assert {row["JournalCode"] for row in rows} == {"AN"}
    assert sum(cents(row["Debit"]) for row in rows) == sum(cents(row["Credit"]) for row in rows) > 0


@pytest.mark.django_db
def test_export_fec_command_writes_the_file(books, tmp_path):
    target = tmp_path / "fec.txt"
    call_command("export_fec", "--year", str(books.year), "-o", str(target))
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("JournalCode\tJournalLib\tEcritureNum") and text.count("\r\n") == len(list(fec_lines(books)))
    with pytest.raises(CommandError, match="No fiscal year 1990"):
        call_command("export_fec", "--year", "1990", "-o", str(target))


@pytest.mark.django_db
def test_the_file_name_starts_with_the_siren_of_whoever_keeps_the_books(books, settings):
    assert fec_filename(books) == f"FEC{books.year}1231.txt"
    settings.TRAINING_BODY = settings.TRAINING_BODY | {"siren": "732829320"}
    assert fec_filename(books) == f"732829320FEC{books.year}1231.txt"


@pytest.mark.parametrize(("siren", "errors"), [("", 0), ("732829320", 0), ("732829321", 1), ("73282932", 1),
                                               ("7328293AB", 1)])
def test_a_wrong_siren_stops_the_start(settings, siren, errors):
    settings.TRAINING_BODY = settings.TRAINING_BODY | {"siren": siren}
    found = checks.training_body_siren(None)
    assert len(found) == errors and all(error.id == "mutualisation.E001" for error in found)
