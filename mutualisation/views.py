"""Finance's pages on the shared training fund: thin views that read the books or call a service.

Only finance staff and administrators see them; anyone else gets 403.
"""

from django.contrib import messages
from django.db.models import F, Sum, Window
from django.db.models.expressions import RowRange
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from adherents.exceptions import ImportRejected
from core.roles import Role
from core.views import FilteredTableView, RoleRequiredMixin
from mutualisation import contribution_import, forms, services
from mutualisation.amounts import to_euros
from mutualisation.charts import legend, month_chart
from mutualisation.exceptions import LedgerError
from mutualisation.fec import fec_filename, fec_lines
from mutualisation.filters import (
    AccountFilter,
    ContributionFilter,
    EntryFilter,
    ReservationFilter,
    RuleSetFilter,
    StatementFilter,
)
from mutualisation.models import (
    Account,
    ChainHead,
    Contribution,
    Entry,
    FiscalYear,
    Reservation,
    RuleSet,
    Transaction,
)
from mutualisation.reports import year_figures
from mutualisation.tables import (
    AccountTable,
    ContributionTable,
    EntryTable,
    ReservationTable,
    RuleSetTable,
    StatementTable,
)
from mutualisation.verification import INVARIANTS, verify_ledger


class FinanceMixin(RoleRequiredMixin):
    allowed_roles = frozenset({Role.FINANCE, Role.ADMIN})


def chosen_year(request) -> FiscalYear | None:
    """The fiscal year asked for in ?annee=, else the current one, else the latest; a bad value is ignored."""
    years = FiscalYear.objects.order_by("-year")
    requested = request.GET.get("annee", "")
    if requested.isdigit() and len(requested) == 4:
        found = years.filter(year=int(requested)).first()
        if found:
            return found
    return years.filter(year=timezone.localdate().year).first() or years.first()


class DashboardView(FinanceMixin, TemplateView):
    template_name = "mutualisation/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fiscal_year = chosen_year(self.request)
        context["fiscal_year"] = fiscal_year
        context["years"] = FiscalYear.objects.order_by("-year")
        context["next_year"] = next_year = services.next_fiscal_year()
        context["may_open"] = services.may_open(next_year)
        if fiscal_year is not None:
            figures = year_figures(fiscal_year)
            context["figures"] = figures
            context["chart"] = month_chart(figures.months, _("Received, committed and paid per month in %(year)s")
                                           % {"year": fiscal_year.year})
            context["legend"] = legend()
            context["may_close"] = (fiscal_year.is_open and fiscal_year.has_ended
                                    and not FiscalYear.objects.filter(year__lt=fiscal_year.year,
                                                                      status=FiscalYear.Status.OPEN).exists())
            context["close_form"] = forms.CloseYearForm()
        return context


class OpenYearView(FinanceMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        """Open the year the button named: a second click (or a stale page) opens nothing more."""
        asked = request.POST.get("year", "")
        try:
            fiscal_year, opened = services.open_next_fiscal_year(
                year=int(asked) if asked.isdigit() and len(asked) == 4 else None, by=request.user)
        except LedgerError as error:
            messages.error(request, error.message)
            return redirect("mutualisation:dashboard")
        if opened:
            messages.success(request, _("The fiscal year %(year)s is open.") % {"year": fiscal_year.year})
        else:
            messages.info(request, _("The fiscal year %(year)s exists already.") % {"year": fiscal_year.year})
        return redirect(f"{reverse('mutualisation:dashboard')}?annee={fiscal_year.year}")


class CloseYearView(FinanceMixin, View):
    http_method_names = ["post"]

    def post(self, request, year: int):
        if not forms.CloseYearForm(request.POST).is_valid():
            messages.error(request, _("Tick the box to confirm the closing."))
        else:
            try:
                services.close_fiscal_year(year=year, by=request.user)
            except LedgerError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The fiscal year %(year)s is closed; its balances and open commitments "
                                            "were carried into %(next)s.") % {"year": year, "next": year + 1})
        return redirect(f"{reverse('mutualisation:dashboard')}?annee={year}")


class FundListView(FinanceMixin, FilteredTableView):
    """The house list, inside the fund's pages (title, actions)."""

    template_name = "mutualisation/list.html"
    title = ""
    actions: tuple = ()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "title": self.title, "actions": [(label, reverse(name)) for label, name in self.actions]}


class AccountListView(FundListView):
    model = Account
    table_class = AccountTable
    filterset_class = AccountFilter
    export_name = "comptes-fonds"
    title = gettext_lazy("Accounts of the fund")
    per_page = 50

    def get_queryset(self):
        return Account.objects.all()


class StatementView(FinanceMixin, FilteredTableView):
    """An account's statement: every entry in date order with the balance after it, paginated and exported."""

    model = Entry
    table_class = StatementTable
    filterset_class = StatementFilter
    template_name = "mutualisation/statement.html"
    per_page = 50

    @cached_property
    def account(self) -> Account:
        return get_object_or_404(Account, pk=self.kwargs["pk"])

    def get_queryset(self):
        # The window sums the entries of the filtered range in order; the opening balance adds what came before.
        # On their day the opening balances (AN) come first, as in the FEC: posted at the closing, they may have
        # been posted after other entries of 1 January. The order is the entries' index's (Entry.Meta).
        order = [F("date").asc(), F("opening").desc(), F("pk").asc()]
        return (Entry.objects.filter(account=self.account).select_related("transaction")
                .annotate(running=Window(Sum("amount"), order_by=order, frame=RowRange(start=None, end=0)))
                .order_by(*order))

    def opening(self) -> int:
        after = self.filterset.form.cleaned_data.get("after") if self.filterset.form.is_valid() else None
        if after is None:
            return 0
        return Entry.objects.filter(account=self.account, date__lt=after).aggregate(total=Sum("amount"))["total"] or 0

    def get_table_kwargs(self):
        return {"sign": self.account.sign, "opening": self.opening()}

    def get_export_filename(self, export_format):
        return f"releve-{self.account.number}-{timezone.localdate():%Y%m%d}.{export_format}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"account": self.account}


class EntryListView(FundListView):
    model = Entry
    table_class = EntryTable
    filterset_class = EntryFilter
    export_name = "ecritures-fonds"
    title = gettext_lazy("Entries")
    per_page = 50

    def get_queryset(self):
        return Entry.objects.select_related("transaction", "account")


class TransactionDetailView(FinanceMixin, TemplateView):
    template_name = "mutualisation/transaction_detail.html"

    def get_context_data(self, **kwargs):
        transaction = get_object_or_404(Transaction.objects.select_related("created_by", "fiscal_year", "reverses"),
                                        pk=self.kwargs["pk"])
        payment = (getattr(transaction, "contribution_receipt", None)
                   or getattr(transaction, "contribution_distribution", None))
        return super().get_context_data(**kwargs) | {
            "transaction": transaction,
            "entries": transaction.entries.select_related("account").order_by("-amount"),
            "reversal": getattr(transaction, "reversal", None),
            "payment": payment,
            "reservation": getattr(transaction, "settled_reservation", None),
            "reverse_form": forms.ReverseForm(),
            "may_reverse": transaction.is_reversible and not hasattr(transaction, "reversal"),
        }


class ReverseView(FinanceMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        transaction = get_object_or_404(Transaction, pk=pk)
        form = forms.ReverseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason and the date of the reversal."))
            return redirect(transaction)
        payment = (getattr(transaction, "contribution_receipt", None)
                   or getattr(transaction, "contribution_distribution", None))
        try:
            if payment is not None:
                # A payment is received and distributed: both are reversed together.
                services.cancel_contribution_payment(payment_id=payment.pk, date=form.cleaned_data["date"],
                                                     reason=form.cleaned_data["reason"], by=request.user)
            else:
                services.reverse_transaction(transaction_id=pk, date=form.cleaned_data["date"],
                                             reason=form.cleaned_data["reason"], by=request.user)
        except LedgerError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The transaction was reversed."))
        return redirect(transaction)


class ContributionListView(FundListView):
    model = Contribution
    table_class = ContributionTable
    filterset_class = ContributionFilter
    title = gettext_lazy("Contributions")
    actions = ((gettext_lazy("Call contributions (CSV)"), "mutualisation:contribution_call"),
               (gettext_lazy("Import payments (CSV)"), "mutualisation:payment_import"))

    def get_filterset_kwargs(self, filterset_class):
        # The list opens on this year's contributions.
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = (kwargs["data"] or QueryDict()).copy()
        if not data.get("year"):
            data["year"] = str(timezone.localdate().year)
        return kwargs | {"data": data}

    def get_queryset(self):
        return Contribution.objects.with_paid().select_related("organisation")

    def get_export_filename(self, export_format):
        return f"cotisations-{self.filterset.form.cleaned_data.get('year') or ''}.{export_format}"


class FundFormView(FinanceMixin, FormView):
    template_name = "mutualisation/form.html"
    title = ""
    intro = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"title": self.title, "intro": self.intro}

    def attempt(self, form, action, success: str, url):
        """Run a service; a refusal is shown on the form, nothing having changed."""
        try:
            action()
        except LedgerError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, success)
        return redirect(url)


class PaymentCreateView(FundFormView):
    form_class = forms.PaymentForm
    title = gettext_lazy("Record a payment")

    @cached_property
    def contribution(self) -> Contribution:
        return get_object_or_404(Contribution.objects.with_paid().select_related("organisation"), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"amount": to_euros(max(self.contribution.amount_due_cents - self.contribution.paid_cents, 0))}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"contribution": self.contribution}

    def form_valid(self, form):
        data = form.cleaned_data
        return self.attempt(form, lambda: services.record_contribution_payment(
            contribution_id=self.contribution.pk, amount_cents=data["amount"], date=data["date"],
            reference=data["reference"], idempotency_key=data["idempotency_key"], by=self.request.user,
        ), _("The payment of %(member)s was recorded.") % {"member": self.contribution.organisation},
            f"{reverse('mutualisation:contributions')}?year={self.contribution.year}")


class ImportView(FundFormView):
    form_class = forms.ImportForm
    template_name = "mutualisation/import.html"
    template_url = ""
    columns = ""

    def service(self, **kwargs) -> list:
        raise NotImplementedError

    def done(self, count: int) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"template_url": reverse(self.template_url),
                                                     "columns": self.columns}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the parser to refuse an oversized file.
        raw = upload.read(contribution_import.MAX_BYTES + 1)
        try:
            created = self.service(raw=raw, filename=upload.name, year=form.cleaned_data["year"],
                                         by=self.request.user)
        except ImportRejected as rejected:
            return self.render_to_response(self.get_context_data(form=form, problems=rejected.problems))
        except LedgerError as error:
            return self.render_to_response(self.get_context_data(form=form, problems=[error.message]))
        messages.success(self.request, self.done(len(created)))
        return redirect(f"{reverse('mutualisation:contributions')}?year={form.cleaned_data['year']}")


class ContributionCallView(ImportView):
    title = gettext_lazy("Call contributions from a CSV file")
    intro = gettext_lazy("One line per member: its SIRET and its gross payroll of the year before. The rate is the "
                         "rule set's in force on 1 January (ETTI or other members).")
    template_url = "mutualisation:contribution_call_template"
    columns = "siret ; masse_salariale"

    def service(self, **kwargs):
        return services.import_contribution_calls(**kwargs)

    def done(self, count: int) -> str:
        return ngettext("%(count)d contribution was called.", "%(count)d contributions were called.", count) % {
            "count": count}


class PaymentImportView(ImportView):
    title = gettext_lazy("Import contribution payments from a CSV file")
    intro = gettext_lazy("One line per payment received: the member's SIRET, the date, the amount and the bank "
                         "reference. Each payment is received in the bank and shared between the member's drawing "
                         "right and the mutual pool.")
    template_url = "mutualisation:payment_import_template"
    columns = "siret ; date ; montant ; reference"

    def service(self, **kwargs):
        return services.import_contribution_payments(**kwargs)

    def done(self, count: int) -> str:
        return ngettext("%(count)d payment was recorded.", "%(count)d payments were recorded.", count) % {
            "count": count}


def csv_download(rows, filename: str) -> HttpResponse:
    response = HttpResponse(contribution_import.template_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CallTemplateView(FinanceMixin, View):
    def get(self, request):
        return csv_download(contribution_import.CALL_TEMPLATE, "modele-appel-cotisations.csv")


class PaymentTemplateView(FinanceMixin, View):
    def get(self, request):
        return csv_download(contribution_import.PAYMENT_TEMPLATE, "modele-versements.csv")


class ReservationListView(FundListView):
    model = Reservation
    table_class = ReservationTable
    filterset_class = ReservationFilter
    export_name = "engagements-fonds"
    title = gettext_lazy("Commitments")
    actions = ((gettext_lazy("New commitment"), "mutualisation:commitment_create"),
               (gettext_lazy("Fund an envelope"), "mutualisation:envelope_funding"),
               (gettext_lazy("Record external funding"), "mutualisation:grant"))

    def get_queryset(self):
        return Reservation.objects.select_related("source")


class CommitmentCreateView(FundFormView):
    form_class = forms.CommitmentForm
    title = gettext_lazy("New commitment")
    intro = gettext_lazy("The amount is set aside on the chosen account at once, and paid later (all or part, the "
                         "rest released).")

    def form_valid(self, form):
        data = form.cleaned_data
        return self.attempt(form, lambda: services.commit_funding(
            source_id=data["source"].pk, amount=data["amount"], date=data["date"], label=data["label"],
            idempotency_key=data["idempotency_key"], by=self.request.user, prepared_by=data["prepared_by"],
            second_approver=data["second_approver"],
        ), _("The commitment was recorded."), reverse("mutualisation:commitments"))


class CommitmentPayView(FundFormView):
    form_class = forms.PayCommitmentForm
    template_name = "mutualisation/commitment_pay.html"
    title = gettext_lazy("Pay or release a commitment")

    @cached_property
    def reservation(self) -> Reservation:
        return get_object_or_404(Reservation.objects.select_related("source"), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"amount": to_euros(self.reservation.amount)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"reservation": self.reservation}

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "release":
            try:
                services.void(reservation_id=self.reservation.pk, by=request.user)
            except LedgerError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The commitment was released."))
            return redirect("mutualisation:commitments")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        return self.attempt(form, lambda: services.pay_commitment(
            reservation_id=self.reservation.pk, amount=data["amount"], date=data["date"], by=self.request.user,
        ), _("The payment was recorded and the rest of the commitment released."), reverse("mutualisation:commitments"))


class EnvelopeFundingView(FundFormView):
    form_class = forms.EnvelopeFundingForm
    title = gettext_lazy("Fund an envelope")
    intro = gettext_lazy("The amount moves from the mutual pool to the envelope.")

    def form_valid(self, form):
        data = form.cleaned_data
        return self.attempt(form, lambda: services.fund_envelope(
            envelope_id=data["envelope"].pk, amount=data["amount"], date=data["date"],
            idempotency_key=data["idempotency_key"], by=self.request.user,
        ), _("The envelope was funded."), reverse("mutualisation:dashboard"))


class GrantView(FundFormView):
    form_class = forms.GrantForm
    title = gettext_lazy("Record external funding")
    intro = gettext_lazy("Money received from outside the members' contributions (an OPCO, a subsidy): the bank "
                         "receives it and it goes to the mutual pool.")

    def form_valid(self, form):
        data = form.cleaned_data
        return self.attempt(form, lambda: services.record_grant(
            amount=data["amount"], date=data["date"], label=data["label"], idempotency_key=data["idempotency_key"],
            by=self.request.user,
        ), _("The funding was recorded."), reverse("mutualisation:dashboard"))


class RuleSetListView(FundListView):
    model = RuleSet
    table_class = RuleSetTable
    filterset_class = RuleSetFilter
    title = gettext_lazy("Rule sets")
    actions = ((gettext_lazy("New rule set"), "mutualisation:ruleset_create"),)
    export_name = "regles-fonds"

    def get_table_kwargs(self):
        return {"applied_until": services.contributions.rules_applied_until()}


class RuleSetFormView(FundFormView):
    form_class = forms.RuleSetForm
    success_url = reverse_lazy("mutualisation:rulesets")

    @cached_property
    def ruleset(self) -> RuleSet | None:
        return get_object_or_404(RuleSet, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"ruleset": self.ruleset}

    def form_valid(self, form):
        return self.attempt(form, lambda: services.save_ruleset(
            data=form.cleaned_data, by=self.request.user, ruleset_id=self.ruleset.pk if self.ruleset else None,
        ), _("The rule set was saved."), self.success_url)


class RuleSetCreateView(RuleSetFormView):
    title = gettext_lazy("New rule set")
    intro = gettext_lazy("It applies from its date on, which comes after the last contribution, payment or commitment "
                         "recorded: rules once applied never change.")

    def get_initial(self):
        # Finance starts from the rules in force (or the fund's default rules) and changes what changes.
        return forms.RuleSetForm.initial_from(services.contributions.draft_ruleset(on=timezone.localdate()))


class RuleSetUpdateView(RuleSetFormView):
    title = gettext_lazy("Edit a rule set")
    intro = RuleSetCreateView.intro


class FecView(FinanceMixin, View):
    def get(self, request, year: int):
        fiscal_year = get_object_or_404(FiscalYear, year=year)
        response = StreamingHttpResponse(fec_lines(fiscal_year), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{fec_filename(fiscal_year)}"'
        return response


class VerificationView(FinanceMixin, TemplateView):
    template_name = "mutualisation/verification.html"

    def get_context_data(self, **kwargs):
        findings = verify_ledger()
        checks = [(invariant, meaning, [f.message for f in findings if f.invariant == invariant])
                  for invariant, meaning in INVARIANTS.items()]
        return super().get_context_data(**kwargs) | {"checks": checks, "findings": findings,
                                                     "transactions": Transaction.objects.count(),
                                                     "head": ChainHead.objects.filter(pk=1).first()}
