import datetime
import io
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from adherents.models import OrganisationKind
from core.roles import Role
from mutualisation import services
from mutualisation.models import (
    Account,
    AccountKind,
    ChainHead,
    Contribution,
    ContributionPayment,
    FiscalYear,
    Reservation,
    RuleSet,
    Transaction,
)
from mutualisation.services import credit, debit
from mutualisation.verification import verify_ledger
from tests.factories import OrganisationFactory, UserFactory
from tests.mutualisation.factories import AccountFactory, ContributionFactory, FiscalYearFactory, RuleSetFactory

PAGES = [
    ("mutualisation:dashboard", []), ("mutualisation:accounts", []), ("mutualisation:entries", []),
    ("mutualisation:contributions", []), ("mutualisation:contribution_call", []), ("mutualisation:payment_import", []),
    ("mutualisation:commitments", []), ("mutualisation:commitment_create", []), ("mutualisation:envelope_funding", []),
    ("mutualisation:grant", []), ("mutualisation:rulesets", []), ("mutualisation:ruleset_create", []),
    ("mutualisation:verification", []), ("mutualisation:contribution_call_template", []),
]


@pytest.fixture
def books(organisation, rules, fiscal_year, finance_user, preparer, today, funded):
    """A pool with money, an envelope funded from it, a contribution half paid and a commitment open."""
    funded(1_000_000)
    envelope = services.envelope_account(code="bretagne", name="Bretagne")
    services.fund_envelope(envelope_id=envelope.pk, amount=400_000, date=today, idempotency_key="env", by=finance_user)
    contribution = ContributionFactory(organisation=organisation, year=today.year, amount_due_cents=300_000,
                                       ruleset=rules)
    payment = services.record_contribution_payment(contribution_id=contribution.pk, amount_cents=100_000, date=today,
                                                   reference="VIR-1", idempotency_key="pay", by=finance_user)
    commitment = services.commit_funding(source_id=envelope.pk, amount=150_000, date=today, label="SST Rennes",
                                         idempotency_key="c", by=finance_user, prepared_by=preparer)
    return {"envelope": envelope, "contribution": contribution, "payment": payment, "commitment": commitment}


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("name, args", PAGES)
    def test_only_finance_and_administrators_see_the_fund(self, client, hr_user, staff_user, admin_user,
                                                         finance_user, name, args):
        url = reverse(name, args=args)
        assert client.get(url).status_code == 302  # to the login page
        for user, status in ((hr_user, 403), (staff_user, 403), (finance_user, 200), (admin_user, 200)):
            client.force_login(user)
            assert client.get(url).status_code == status, (user.role, url)

    def test_posts_are_refused_to_others_too(self, client, staff_user, books, today):
        client.force_login(staff_user)
        for url in (reverse("mutualisation:year_open"), reverse("mutualisation:year_close", args=[today.year]),
                    reverse("mutualisation:transaction_reverse", args=[books["payment"].receipt_id])):
            assert client.post(url, {"confirm": "on", "reason": "x", "date": today}).status_code == 403
        assert FiscalYear.objects.count() == 1 and not Transaction.objects.filter(code="reversal").exists()


@pytest.mark.django_db
class TestDashboard:
    def test_the_dashboard_shows_the_year_and_its_chart(self, finance_client, books, today):
        page = finance_client.get(reverse("mutualisation:dashboard")).content.decode()
        assert f"exercice {today.year}" in page and "<svg" in page and "Bretagne" in page
        assert "1\u202f000,00\u00a0€" in page  # received of 3 000,00 € called
        assert "0 payée" in page and "1 en partie" in page and "0 impayée" in page
        assert "1\u202f500,00\u00a0€" in page  # committed

    @pytest.mark.parametrize("query", ["?annee=abc", "?annee=1999", "?annee=" + "9" * 500])
    def test_a_bad_year_shows_the_current_one(self, finance_client, books, query, today):
        page = finance_client.get(reverse("mutualisation:dashboard") + query)
        assert page.status_code == 200 and f"exercice {today.year}" in page.content.decode()

    def test_an_empty_fund_invites_to_open_a_year(self, finance_client):
        assert "Ouvrir l’exercice" in finance_client.get(reverse("mutualisation:dashboard")).content.decode()

    def test_a_year_is_closed_only_once_it_has_ended(self, finance_client, books, today):
        page = finance_client.get(reverse("mutualisation:dashboard")).content.decode()
        assert "Clôturer l’exercice" not in page
        assert f"pourra être clôturé à partir du 01/01/{today.year + 1}" in page
        response = finance_client.post(reverse("mutualisation:year_close", args=[today.year]), {"confirm": "on"},
                                       follow=True)
        assert f"se termine le 31/12/{today.year}" in response.content.decode()
        assert FiscalYear.objects.get(year=today.year).is_open

    def test_opening_then_closing_a_year(self, finance_client, books, today, monkeypatch):
        next_january = datetime.date(today.year + 1, 1, 2)
        real_localdate = timezone.localdate
        monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None:
                            next_january if value is None else real_localdate(value, timezone))
        finance_client.post(reverse("mutualisation:year_close", args=[today.year]))  # not confirmed: nothing
        assert FiscalYear.objects.get(year=today.year).is_open
        assert "Clôturer l’exercice" in finance_client.get(reverse("mutualisation:dashboard")).content.decode()
        response = finance_client.post(reverse("mutualisation:year_close", args=[today.year]), {"confirm": "on"})
        assert response.status_code == 302
        assert not FiscalYear.objects.get(year=today.year).is_open
        assert Reservation.objects.get(carried_from=books["commitment"]).fiscal_year.year == today.year + 1
        closed = finance_client.get(reverse("mutualisation:dashboard") + f"?annee={today.year}").content.decode()
        assert '<p class="h4 mb-1">1\u202f500,00\u00a0€</p>' in closed and "reportés sur l’exercice suivant" in closed
        # The next year to open is named by the button; a second click, or a year further ahead, opens nothing.
        open_year = reverse("mutualisation:year_open")
        assert finance_client.post(open_year, {"year": today.year + 2}).status_code == 302
        finance_client.post(open_year, {"year": today.year + 2})
        assert list(FiscalYear.objects.values_list("year", flat=True)) == [today.year + 2, today.year + 1, today.year]
        response = finance_client.post(open_year, {"year": today.year + 3}, follow=True)
        assert f"Seul l’exercice {today.year + 3} peut être ouvert, à partir du début de {today.year + 2}" in (
            response.content.decode())  # the next one, but more than a year ahead
        assert not FiscalYear.objects.filter(year=today.year + 3).exists()
        assert verify_ledger() == []

    @pytest.mark.parametrize("asked", ["", "abc", "99999", "2100"])
    def test_opening_a_year_the_button_did_not_name_opens_nothing(self, finance_client, books, asked):
        response = finance_client.post(reverse("mutualisation:year_open"), {"year": asked}, follow=True)
        assert response.status_code == 200 and FiscalYear.objects.count() == 1
        assert "peut être ouvert, à partir du début de" in response.content.decode()


@pytest.mark.django_db
class TestStatement:
    def test_running_balance_across_pages_and_from_a_date(self, finance_client, fiscal_year, finance_user, today):
        source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
        for day in range(1, 8):
            services.post_transaction(date=datetime.date(today.year, 1, day), code="transfer", label=f"Jour {day}",
                                      legs=[debit(source, day * 100), credit(envelope, day * 100)],
                                      idempotency_key=f"d{day}", by=finance_user)
        url = reverse("mutualisation:account", args=[envelope.pk])
        csv = finance_client.get(url + "?_export=csv").content.decode("utf-8-sig").splitlines()
        assert [line.split(";")[-1] for line in csv[1:]] == ["1,00", "3,00", "6,00", "10,00", "15,00", "21,00",
                                                            "28,00"]
        second_page = finance_client.get(url + "?per_page=3&page=2").content.decode()
        rows = second_page[second_page.index("<tbody>"):second_page.index("</tbody>")]
        assert [cell in rows for cell in ("3,00\u00a0€", "10,00\u00a0€", "15,00\u00a0€", "21,00\u00a0€",
                                          "28,00\u00a0€")] == [False, True, True, True, False]
        later = finance_client.get(url + f"?after={today.year}-01-05&_export=csv").content.decode("utf-8-sig")
        assert [line.split(";")[-1] for line in later.splitlines()[1:]] == ["15,00", "21,00", "28,00"]

    def test_an_unknown_account_is_404(self, finance_client):
        assert finance_client.get(reverse("mutualisation:account", args=[999_999])).status_code == 404

    def test_the_opening_balances_come_first_on_their_day(self, finance_client, finance_user, today):
        last_year = FiscalYearFactory(year=today.year - 1)
        FiscalYearFactory(year=today.year)
        services.record_grant(amount=100_000, date=datetime.date(last_year.year, 6, 1), label="OPCO",
                              idempotency_key="g", by=finance_user)
        envelope = services.envelope_account(code="idf", name="IDF")
        services.fund_envelope(envelope_id=envelope.pk, amount=30_000, date=datetime.date(today.year, 1, 1),
                               idempotency_key="e", by=finance_user)  # posted before the closing's opening entries
        services.close_fiscal_year(year=last_year.year, by=finance_user)
        pool = Account.objects.get(kind=AccountKind.FUND_AVAILABLE)
        csv = finance_client.get(reverse("mutualisation:account", args=[pool.pk]) + "?_export=csv")
        balances = [line.split(";")[-1] for line in csv.content.decode("utf-8-sig").splitlines()[1:]]
        assert balances == ["1000,00", "0,00", "1000,00", "700,00"]  # never -300,00 on 1 January


@pytest.mark.django_db
class TestEntries:
    def test_entries_filter_and_export(self, finance_client, books):
        url = reverse("mutualisation:entries")
        page = finance_client.get(url + f"?q=%23{books['payment'].receipt.number}").content.decode()
        assert "2 résultats" in page
        xlsx = finance_client.get(url + "?_export=xlsx")
        assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        csv = finance_client.get(url + "?code=receipt&_export=csv").content.decode("utf-8-sig").splitlines()
        assert len(csv) == 3 and "1000,00" in csv[1] + csv[2]

    @pytest.mark.parametrize("query", ["?page=999999", "?q=" + "x" * 10_000, "?after=2030-01-01&before=2020-01-01",
                                       "?fiscal_year=abc", "?code=nope", "?per_page=-5"])
    def test_bad_filters_give_a_normal_page(self, finance_client, books, query):
        assert finance_client.get(reverse("mutualisation:entries") + query).status_code == 200


@pytest.mark.django_db
class TestTransactionPage:
    def test_the_page_shows_who_when_why_and_the_entries(self, finance_client, books):
        receipt = books["payment"].receipt
        page = finance_client.get(reverse("mutualisation:transaction", args=[receipt.pk])).content.decode()
        assert "Nora" in page and "Cotisation encaissée" in page and receipt.hash in page and "VIR-1" in page

    def test_reversing_a_payment_reverses_its_receipt_and_distribution_once(self, finance_client, books, today):
        receipt = books["payment"].receipt
        url = reverse("mutualisation:transaction_reverse", args=[receipt.pk])
        assert finance_client.post(url, {"reason": "", "date": today}).status_code == 302
        assert not Transaction.objects.filter(code="reversal").exists()
        finance_client.post(url, {"reason": "Virement rejeté", "date": today})
        finance_client.post(url, {"reason": "Virement rejeté", "date": today})
        assert Transaction.objects.filter(code="reversal").count() == 2
        assert Contribution.objects.with_paid().get().paid_cents == 0
        page = finance_client.get(reverse("mutualisation:transaction", args=[receipt.pk])).content.decode()
        assert "a été extournée par" in page
        assert "par Nora" in page and "par finance" not in page  # the person's name, not the login
        assert verify_ledger() == []

    def test_the_rule_sets_export_is_named_like_the_other_fund_lists(self, finance_client, rules):
        response = finance_client.get(reverse("mutualisation:rulesets"), {"_export": "xlsx"})
        assert 'filename="regles-fonds.xlsx"' in response["Content-Disposition"]


@pytest.mark.django_db
class TestContributionPages:
    def test_the_list_shows_this_years_contributions_with_their_status(self, finance_client, books, today):
        page = finance_client.get(reverse("mutualisation:contributions")).content.decode()
        assert "payée en partie" in page and "2\u202f000,00\u00a0€" in page  # what remains
        assert "0 résultat" in finance_client.get(reverse("mutualisation:contributions") + "?status=paid").content.decode()

    def test_recording_a_payment_twice_with_the_same_form_records_it_once(self, finance_client, books, today):
        url = reverse("mutualisation:payment_create", args=[books["contribution"].pk])
        form = {"amount": "1 500,50", "date": today.isoformat(), "reference": "VIR-2",
                "idempotency_key": uuid.uuid4().hex}
        assert finance_client.post(url, form).status_code == 302
        assert finance_client.post(url, form).status_code == 302
        assert ContributionPayment.objects.filter(reference="VIR-2").get().amount_cents == 150_050

    @pytest.mark.parametrize("amount, message", [("0", "entre 0,01"), ("-5", "comme 1 234,56"),
                                                 ("abc", "comme 1 234,56"), ("2000,01", "dépasse le reste à payer"),
                                                 ("12,345", "comme 1 234,56"), ("10000000000", "entre 0,01")])
    def test_a_bad_amount_is_explained_and_changes_nothing(self, finance_client, books, today, amount, message):
        url = reverse("mutualisation:payment_create", args=[books["contribution"].pk])
        response = finance_client.post(url, {"amount": amount, "date": today.isoformat(), "reference": "VIR-3",
                                             "idempotency_key": uuid.uuid4().hex})
        assert response.status_code == 200 and message in response.content.decode()
        assert ContributionPayment.objects.count() == 1

    def test_importing_payments_lists_every_bad_line(self, finance_client, books, organisation, today):
        content = (f"siret;date;montant;reference\n{organisation.siret};{today:%d/%m/%Y};500;VIR-5\n"
                   f"12;{today:%d/%m/%Y};abc;\n").encode()
        response = finance_client.post(reverse("mutualisation:payment_import"), {
            "year": today.year, "file": SimpleUploadedFile("banque.csv", content, content_type="text/csv")})
        page = response.content.decode()
        assert response.status_code == 200 and "Ligne 3 :" in page and "Rien n’a été importé" in page
        assert ContributionPayment.objects.count() == 1
        good = f"siret;date;montant;reference\n{organisation.siret};{today:%d/%m/%Y};500;VIR-5\n".encode()
        response = finance_client.post(reverse("mutualisation:payment_import"), {
            "year": today.year, "file": SimpleUploadedFile("banque.csv", good, content_type="text/csv")})
        assert response.status_code == 302 and ContributionPayment.objects.count() == 2

    def test_calling_contributions_from_a_file(self, finance_client, rules, fiscal_year, organisation, today):
        content = f"siret;masse_salariale\n{organisation.siret};250 000\n".encode()
        response = finance_client.post(reverse("mutualisation:contribution_call"), {
            "year": today.year, "file": SimpleUploadedFile("appel.csv", content, content_type="text/csv")})
        assert response.status_code == 302
        assert Contribution.objects.get().amount_due_cents == 150_000


@pytest.mark.django_db
class TestCommitmentPages:
    def test_a_commitment_approved_by_its_preparer_is_refused(self, finance_client, books, finance_user, today):
        response = finance_client.post(reverse("mutualisation:commitment_create"), {
            "source": books["envelope"].pk, "amount": "100", "date": today.isoformat(), "label": "CACES",
            "prepared_by": finance_user.pk, "idempotency_key": uuid.uuid4().hex})
        assert "ne peut pas aussi l’approuver" in response.content.decode()
        assert Reservation.objects.count() == 1

    def test_a_commitment_needs_whoever_prepared_it(self, finance_client, books, today):
        response = finance_client.post(reverse("mutualisation:commitment_create"), {
            "source": books["envelope"].pk, "amount": "100", "date": today.isoformat(), "label": "CACES",
            "idempotency_key": uuid.uuid4().hex})
        assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
        assert Reservation.objects.count() == 1

    def test_paying_part_of_a_commitment_releases_the_rest(self, finance_client, books, today):
        url = reverse("mutualisation:commitment_pay", args=[books["commitment"].pk])
        assert finance_client.post(url, {"action": "pay", "amount": "1 000", "date": today.isoformat()}).status_code == 302
        envelope = Account.objects.get(pk=books["envelope"].pk)
        assert (envelope.balance, envelope.pending_out) == (300_000, 0)
        assert Account.objects.get(kind=AccountKind.BANK).balance == 1_000_000 + 100_000 - 100_000
        response = finance_client.post(url, {"action": "pay", "amount": "10", "date": today.isoformat()})
        assert "ne peut pas être réglé" in response.content.decode()
        assert verify_ledger() == []

    def test_a_reversed_payment_is_told_on_its_commitment(self, finance_client, books, finance_user, today):
        url = reverse("mutualisation:commitment_pay", args=[books["commitment"].pk])
        finance_client.post(url, {"action": "pay", "amount": "1 000", "date": today.isoformat()})
        assert "a été extourné" not in finance_client.get(url).content.decode()
        settlement = Reservation.objects.get(pk=books["commitment"].pk).settlement
        disbursement = Transaction.objects.get(idempotency_key=f"disbursement:{books['commitment'].pk}")
        for undone in (disbursement, settlement):  # the money sent back first, then the payment itself
            reversal = services.reverse_transaction(transaction_id=undone.pk, date=today, reason="erreur",
                                                    by=finance_user)
        page = finance_client.get(url).content.decode()
        assert f"Son paiement a été extourné le {today:%d/%m/%Y} (transaction n° {reversal.number})" in page
        assert reversal.get_absolute_url() in page

    def test_releasing_a_commitment(self, finance_client, books):
        url = reverse("mutualisation:commitment_pay", args=[books["commitment"].pk])
        finance_client.post(url, {"action": "release"})
        assert Reservation.objects.get().status == "voided"

    def test_funding_an_envelope_beyond_the_pool_is_refused(self, finance_client, books, today):
        response = finance_client.post(reverse("mutualisation:envelope_funding"), {
            "envelope": books["envelope"].pk, "amount": "100 000", "date": today.isoformat(),
            "idempotency_key": uuid.uuid4().hex})
        assert "Pas assez d’argent" in response.content.decode()


@pytest.mark.django_db
class TestRuleSets:
    def test_finance_creates_and_edits_a_dated_rule_set(self, finance_client, finance_user):
        data = {"valid_from": "2027-01-01", "rate_etti_percent": "0,8", "rate_other_percent": "0,6",
                "drawing_right_ratio": "1", "drawing_right_floor_cents": "2 000", "two_approvers_above_cents": "2 500"}
        assert finance_client.post(reverse("mutualisation:ruleset_create"), data).status_code == 302
        rules = RuleSet.objects.get()
        assert (rules.drawing_right_floor_cents, rules.created_by) == (200_000, finance_user)
        response = finance_client.post(reverse("mutualisation:ruleset_update", args=[rules.pk]),
                                       data | {"rate_other_percent": "0,65"})
        assert response.status_code == 302 and str(RuleSet.objects.get().rate_other_percent) == "0.6500"
        assert "existe" in finance_client.post(reverse("mutualisation:ruleset_create"), data).content.decode() or \
            RuleSet.objects.count() == 1

    def test_an_applied_rule_set_is_refused_on_the_form_and_stays(self, finance_client, books, rules):
        data = {"valid_from": "2000-01-01", "rate_etti_percent": "0,8", "rate_other_percent": "0,9",
                "drawing_right_ratio": "1", "drawing_right_floor_cents": "2 000", "two_approvers_above_cents": "2 500"}
        response = finance_client.post(reverse("mutualisation:ruleset_update", args=[rules.pk]), data)
        assert response.status_code == 200 and "a déjà été appliqué" in response.content.decode()
        rules.refresh_from_db()
        assert rules.rate_other_percent == Decimal("0.6")
        listing = finance_client.get(reverse("mutualisation:rulesets")).content.decode()
        assert "Appliqué : ne change plus" in listing
        assert reverse("mutualisation:ruleset_update", args=[rules.pk]) not in listing


@pytest.mark.django_db
def test_the_fec_download(finance_client, books, today):
    response = finance_client.get(reverse("mutualisation:fec", args=[today.year]))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"] == f'attachment; filename="FEC{today.year}1231.txt"'
    # header, grant, envelope funding, receipt, distribution (all to the drawing right): 2 entries each
    assert body.startswith("JournalCode\t") and body.count("\r\n") == 1 + 2 + 2 + 2 + 2


@pytest.mark.django_db
def test_the_verification_page(finance_client, books):
    page = finance_client.get(reverse("mutualisation:verification")).content.decode()
    head = ChainHead.objects.get()
    assert "Les comptes tiennent" in page
    assert f"Dernière transaction : n° {head.number}" in page and head.hash in page  # to keep outside
    Account.objects.filter(pk=books["envelope"].pk).update(credits_posted=F("credits_posted") + 1)
    page = finance_client.get(reverse("mutualisation:verification")).content.decode()
    assert "ne tiennent pas" in page and "L6" in page


@pytest.mark.django_db
def test_a_user_with_no_role_in_finance_is_refused_even_as_staff(client):
    client.force_login(UserFactory(username="formateur", role=Role.TRAINER))
    assert client.get(reverse("mutualisation:dashboard")).status_code == 403


@pytest.mark.django_db
def test_the_home_card_for_finance(books, rf, today):
    from django.template.loader import render_to_string

    from mutualisation.reports import home_figures

    fund = home_figures(today.year)
    assert (fund.called, fund.received, fund.unpaid_members, fund.committed) == (300_000, 100_000, 1, 150_000)
    html = render_to_string("mutualisation/_home_card.html", {"fund": fund})
    assert "1 adhérent n’a pas tout réglé" in html and "1\u202f000,00\u00a0€ reçus sur 3\u202f000,00\u00a0€" in html


@pytest.mark.django_db
def test_the_admin_shows_the_books_read_only(client, admin_user, books):
    client.force_login(admin_user)
    for model in ("transaction", "account", "reservation", "contribution", "contributionpayment", "ruleset",
                  "fiscalyear"):
        assert client.get(reverse(f"admin:mutualisation_{model}_changelist")).status_code == 200
    receipt = books["payment"].receipt
    assert client.get(reverse("admin:mutualisation_transaction_change", args=[receipt.pk])).status_code == 200
    assert client.get(reverse("admin:mutualisation_transaction_add")).status_code == 403


@pytest.mark.django_db
class TestContributionExport:
    @pytest.fixture
    def exported(self, finance_client, books, rules, today):
        ContributionFactory(organisation=OrganisationFactory(legal_name="Intérim Solidaire", kind=OrganisationKind.ETT_ESS),
                            year=today.year, rate_percent=Decimal("0.6000"), ruleset=rules)
        return reverse("mutualisation:contributions") + f"?year={today.year}&_export="

    def test_the_csv_has_names_french_kinds_and_plain_numbers(self, finance_client, exported, books):
        lines = finance_client.get(exported + "csv").content.decode("utf-8-sig").splitlines()
        assert "<" not in "".join(lines)
        rows = {line.split(";")[0]: line.split(";") for line in lines[1:]}
        member = books["contribution"].organisation.legal_name
        assert rows[member][1:4] == ["Association intermédiaire (AI)", "500000,00", "0,6"]
        assert rows["Intérim Solidaire"][1] == "Entreprise de travail temporaire de l’ESS (ETT ESS)"

    def test_the_xlsx_has_the_same_plain_values(self, finance_client, exported, books):
        sheet = openpyxl.load_workbook(io.BytesIO(finance_client.get(exported + "xlsx").content)).active
        rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert rows["Intérim Solidaire"][1:4] == ("Entreprise de travail temporaire de l’ESS (ETT ESS)", 500000, 0.6)

    def test_the_page_shows_the_kind_in_french(self, finance_client, exported, today):
        page = finance_client.get(reverse("mutualisation:contributions") + f"?year={today.year}").content.decode()
        assert "Entreprise de travail temporaire de l’ESS (ETT ESS)" in page and "ETT_ESS</td>" not in page


@pytest.mark.django_db
class TestNewRuleSetForm:
    def fields(self, client) -> dict:
        form = client.get(reverse("mutualisation:ruleset_create")).context["form"]
        return {name: form[name].value() for name in form.fields}

    def test_with_no_rule_set_the_fund_s_default_rules_from_1_january(self, finance_client, today):
        assert self.fields(finance_client) == {
            "valid_from": datetime.date(today.year, 1, 1), "rate_etti_percent": Decimal("0.8"),
            "rate_other_percent": Decimal("0.6"), "drawing_right_ratio": Decimal("1"),
            "drawing_right_floor_cents": "2\u202f000,00", "two_approvers_above_cents": "2\u202f500,00"}
        page = finance_client.get(reverse("mutualisation:ruleset_create")).content.decode()
        assert 'value="0,8"' in page and f'value="{today.year}-01-01"' in page

    def test_otherwise_the_latest_rules_from_the_next_free_1_january(self, finance_client, today):
        RuleSetFactory(valid_from=datetime.date(today.year - 1, 3, 1), rate_etti_percent=Decimal("0.85"),
                       rate_other_percent=Decimal("0.65"), drawing_right_ratio=Decimal("0.9"),
                       drawing_right_floor_cents=150_000, two_approvers_above_cents=300_000)
        assert self.fields(finance_client) == {
            "valid_from": datetime.date(today.year + 1, 1, 1), "rate_etti_percent": Decimal("0.85"),
            "rate_other_percent": Decimal("0.65"), "drawing_right_ratio": Decimal("0.9"),
            "drawing_right_floor_cents": "1\u202f500,00", "two_approvers_above_cents": "3\u202f000,00"}
        # Next year's rules planned already: the draft starts from them, the year after (its date is free).
        RuleSetFactory(valid_from=datetime.date(today.year + 1, 1, 1), rate_etti_percent=Decimal("0.9"),
                       rate_other_percent=Decimal("0.7"), drawing_right_ratio=Decimal("1"),
                       drawing_right_floor_cents=150_000, two_approvers_above_cents=300_000)
        fields = self.fields(finance_client)
        assert (fields["valid_from"], fields["rate_etti_percent"]) == (datetime.date(today.year + 2, 1, 1), Decimal("0.9"))
