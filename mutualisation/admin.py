"""The fund in the Django admin: to look, never to change (the books change through finance's pages and services)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from mutualisation.models import (
    Account,
    ChainHead,
    Contribution,
    ContributionPayment,
    Entry,
    FiscalYear,
    Reservation,
    RuleSet,
    Transaction,
)


@admin.register(FiscalYear)
class FiscalYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "status", "closed_at", "closed_by")
    list_filter = ("status",)
    search_fields = ("year",)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "aux_code", "name", "kind", "may_not_go_negative", "debits_posted", "credits_posted",
                    "debits_pending", "credits_pending")
    list_filter = ("kind", "may_not_go_negative")
    search_fields = ("code", "aux_code", "name")


class EntryInline(ReadOnlyInline):
    model = Entry
    fields = ("account", "amount", "date", "opening")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "code", "label", "created_by", "created_at")
    list_filter = ("code", "fiscal_year")
    search_fields = ("label", "idempotency_key", "hash")
    date_hierarchy = "date"
    list_select_related = ("created_by",)
    inlines = [EntryInline]
    show_full_result_count = False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("transaction", "account", "amount", "date", "opening")
    list_filter = ("account__kind", "transaction__fiscal_year")
    search_fields = ("transaction__label", "account__name", "account__code", "account__aux_code")
    date_hierarchy = "date"
    list_select_related = ("transaction", "account")
    show_full_result_count = False


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("number", "hash")


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("date", "label", "source", "amount", "status", "settled_amount", "created_by")
    list_filter = ("status", "fiscal_year")
    search_fields = ("label", "idempotency_key")
    list_select_related = ("source", "created_by")


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = ("valid_from", "rate_etti_percent", "rate_other_percent", "drawing_right_ratio",
                    "drawing_right_floor_cents", "two_approvers_above_cents")
    list_filter = ("valid_from",)


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "payroll_base_cents", "rate_percent", "amount_due_cents")
    list_filter = ("year",)
    search_fields = ("organisation__legal_name", "organisation__siret")
    list_select_related = ("organisation",)


@admin.register(ContributionPayment)
class ContributionPaymentAdmin(ReadOnlyAdmin):
    list_display = ("contribution", "date", "amount_cents", "reference", "drawing_right_cents")
    list_filter = ("contribution__year", "date")
    search_fields = ("reference", "contribution__organisation__legal_name")
    list_select_related = ("contribution__organisation",)
