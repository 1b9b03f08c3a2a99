import datetime
import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from mutualisation import checks, services
from mutualisation.fec import COLUMNS, fec_filename, fec_lines
from mutualisation.models import FiscalYear, Transaction
from tests.mutualisation.factories import ContributionFactory, FiscalYearFactory


@pytest.fixture
def books(organisation, rules, finance_user, preparer, today):
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
                                   by=finance_user, prepared_by=preparer)
    services.pay_commitment(reservation_id=paid.pk, amount=40_000, date=day, by=finance_user)
    services.commit_funding(source_id=drawing.pk, amount=10_000, date=day, label="CACES", idempotency_key="c2",
                            by=finance_user, prepared_by=preparer)
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
    ledger_numbers = Transaction.objects.filter(fiscal_year=books).values_list("number", flat=True)
    assert numbers == {str(n) for n in range(1, len(ledger_numbers) + 1)}
    assert {row["PieceRef"] for row in rows} == {f"T{n}" for n in ledger_numbers}
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
    target, out = tmp_path / "fec.txt", io.StringIO()
    call_command("export_fec", "--year", str(books.year), "-o", str(target), stdout=out)
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("JournalCode\tJournalLib\tEcritureNum") and text.count("\r\n") == len(list(fec_lines(books)))
    entry_lines = text.count("\r\n") - 1
    assert out.getvalue().strip() == f"{target} : {entry_lines} lignes d’écriture de l’exercice {books.year}."
    with translation.override("en"), pytest.raises(CommandError, match="^Aucun exercice 1990 dans le grand livre.$"):
        call_command("export_fec", "--year", "1990", "-o", str(target))  # in French whatever the thread's language


@pytest.fixture
def late_postings(finance_user, today):
    """Last year: a grant of June, then one of March posted after it; the next year: grants of 1 January and
    of February posted before last year's closing, so that the closing's and the opening's numbers come after."""
    last = FiscalYearFactory(year=today.year - 1)
    following = FiscalYearFactory(year=today.year)
    for key, day in (("june", datetime.date(last.year, 6, 1)), ("march", datetime.date(last.year, 3, 1)),
                     ("new-year", following.start), ("february", datetime.date(following.year, 2, 1))):
        services.record_grant(amount=10_000, date=day, label=key, idempotency_key=key, by=finance_user)
    services.close_fiscal_year(year=last.year, by=finance_user)
    return last, following


def sequence(rows) -> list[int]:
    """EcritureNum down the file, asserting it starts at 1, never goes back and never skips a number."""
    numbers = [int(row["EcritureNum"]) for row in rows]
    assert numbers[0] == 1 and all(later - earlier in (0, 1) for earlier, later in itertools.pairwise(numbers))
    return numbers


def ledger_number(row) -> int:
    assert row["PieceRef"].startswith("T")
    return int(row["PieceRef"][1:])


@pytest.mark.django_db
def test_ecriture_num_is_the_continuous_sequence_of_the_file_in_date_order(late_postings):
    last, _following = late_postings
    _header, rows = parse(last)
    numbers = sequence(rows)
    assert numbers[-1] == Transaction.objects.filter(fiscal_year=last).count()
    dates = [row["EcritureDate"] for row in rows]
    assert dates == sorted(dates)
    grants = {row["EcritureLib"]: row for row in rows if row["JournalCode"] == "BQ"}
    assert ledger_number(grants["march"]) > ledger_number(grants["june"])  # posted later, dated earlier…
    assert int(grants["march"]["EcritureNum"]) < int(grants["june"]["EcritureNum"])  # …comes first in the file
    for row in rows:
        assert Transaction.objects.get(number=ledger_number(row)).date.strftime("%Y%m%d") == row["EcritureDate"]


@pytest.mark.django_db
def test_the_opening_entries_come_first_in_the_next_years_file(late_postings):
    last, following = late_postings
    _header, rows = parse(following)
    sequence(rows)
    journals = [row["JournalCode"] for row in rows]
    opening = journals.count("AN")
    assert opening and journals[:opening] == ["AN"] * opening
    assert {row["EcritureNum"] for row in rows[:opening]} == {"1"}
    new_year = next(row for row in rows if row["EcritureLib"] == "new-year")
    assert new_year["EcritureDate"] == rows[0]["EcritureDate"] == f"{following.year}0101"
    assert ledger_number(new_year) < ledger_number(rows[0])  # posted before the closing, still after the AN
    assert [row["EcritureLib"] for row in rows[opening:] if row["JournalCode"] == "BQ"] == [
        "new-year", "new-year", "february", "february"]
    closing = Transaction.objects.get(fiscal_year=last, code="closing")
    assert ledger_number(rows[0]) > closing.number


@pytest.mark.django_db
def test_each_transaction_is_in_its_journal(books):
    _header, rows = parse(books)
    journals = {}
    for row in rows:
        journals.setdefault(Transaction.objects.get(number=ledger_number(row)).code, set()).add(row["JournalCode"])
    assert journals["grant"] == journals["receipt"] == journals["disbursement"] == {"BQ"}
    assert journals["carry"] == journals["closing"] == {"CLO"}
    assert journals["settlement"] == journals["distribution"] == {"OD"}


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


@pytest.mark.parametrize(("siren", "infos"), [("", 1), ("732829320", 0)])
def test_a_deployment_without_siren_is_told_its_fec_files_lack_their_legal_name(settings, siren, infos):
    settings.TRAINING_BODY = settings.TRAINING_BODY | {"siren": siren}
    assert [info.id for info in checks.training_body_siren_set(None)] == ["mutualisation.I001"] * infos


@pytest.mark.django_db
def test_a_reversal_goes_to_its_originals_journal(fiscal_year, finance_user, today):
    grant = services.record_grant(amount=10_000, date=today, label="Subvention", idempotency_key="g", by=finance_user)
    reversal = services.reverse_transaction(transaction_id=grant.pk, date=today, reason="erreur", by=finance_user)
    _header, rows = parse(fiscal_year)
    journals = {row["PieceRef"]: row["JournalCode"] for row in rows}
    assert journals[f"T{grant.number}"] == journals[f"T{reversal.number}"] == "BQ"


@pytest.mark.django_db
def test_export_fec_to_a_folder_that_does_not_exist_says_so_in_french(books, tmp_path):
    target = tmp_path / "absent" / "fec.txt"
    with pytest.raises(CommandError, match="ne peut pas être écrit"):
        call_command("export_fec", "--year", str(books.year), "-o", str(target))
