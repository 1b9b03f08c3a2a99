"""The fund's own verbs on top of the ledger: external funding, envelopes, commitments and their payment.

Money flows (all amounts in cents):
- external funding: bank → mutual pool;
- funding an envelope: mutual pool → envelope;
- a commitment reserves money on a pool, an envelope or a drawing right, for "funding to pay out";
- paying it settles the commitment (all or part, the rest released) and sends the money from the bank.
"""

import datetime

from django.utils.translation import gettext as _

from core import audit
from mutualisation.chart import AVAILABLE_KINDS, DRAWING_RIGHT_CODE, ENVELOPE_CODE
from mutualisation.exceptions import LedgerError
from mutualisation.models import Account, AccountKind, Reservation, Transaction, TransactionCode
from mutualisation.retry import retrying
from mutualisation.services.ledger import fund_account, fund_accounts, open_account, reserve, settle
from mutualisation.services.posting import credit, debit, lock_accounts, post


def envelope_account(*, code: str, name: str, delegation=None, by=None) -> Account:
    """The envelope `code` (a delegation's code or a programme's short name), opened on first use."""
    return open_account(kind=AccountKind.ENVELOPE, code=ENVELOPE_CODE, aux_code=code[:20],
                        name=_("Envelope — %(name)s") % {"name": name}, delegation=delegation, by=by)


def drawing_right_accounts(organisations, by=None) -> dict[int, Account]:
    """Each member's drawing right by organisation id, in two queries, the missing ones opened."""
    organisations = {organisation.pk: organisation for organisation in organisations}

    def existing() -> dict[int, Account]:
        return {account.organisation_id: account for account in
                Account.objects.filter(kind=AccountKind.DRAWING_RIGHT, organisation__in=organisations)}

    found = existing()
    missing = [organisation for pk, organisation in organisations.items() if pk not in found]
    if missing:
        # A concurrent request may open the same ones: the unique constraints keep one of each.
        Account.objects.bulk_create([
            Account(kind=AccountKind.DRAWING_RIGHT, code=DRAWING_RIGHT_CODE, aux_code=organisation.siret,
                    name=(_("Drawing right — %(name)s") % {"name": organisation.legal_name})[:200],
                    organisation=organisation) for organisation in missing], ignore_conflicts=True)
        audit.record(by, "mutualisation.account.opened", None,
                     {"kind": AccountKind.DRAWING_RIGHT, "organisations": [organisation.pk for organisation in missing]})
        found = existing()
    return found


@retrying
def record_grant(*, amount: int, date: datetime.date, label: str, idempotency_key: str, by) -> Transaction:
    """Money received from outside the members' contributions (an OPCO, a subsidy) goes to the mutual pool."""
    bank, pool = fund_accounts(AccountKind.BANK, AccountKind.FUND_AVAILABLE)
    posted = post(date=date, code=TransactionCode.GRANT, label=label, legs=[debit(bank, amount), credit(pool, amount)],
                  idempotency_key=idempotency_key, by=by)
    audit.record(by, "mutualisation.grant.recorded", posted, {"amount": amount})
    return posted


@retrying
def fund_envelope(*, envelope_id: int, amount: int, date: datetime.date, idempotency_key: str, by) -> Transaction:
    """Move money from the mutual pool to an envelope."""
    envelope = Account.objects.filter(pk=envelope_id, kind=AccountKind.ENVELOPE).first()
    if envelope is None:
        raise LedgerError(_("Unknown envelope."))
    pool = fund_account(AccountKind.FUND_AVAILABLE)
    posted = post(date=date, code=TransactionCode.TRANSFER, label=_("Funding of %(envelope)s") % {"envelope": envelope.name},
                  legs=[debit(pool, amount), credit(envelope, amount)], idempotency_key=idempotency_key, by=by)
    audit.record(by, "mutualisation.envelope.funded", envelope, {"amount": amount, "transaction": posted.number})
    return posted


@retrying
def commit_funding(*, source_id: int, amount: int, date: datetime.date, label: str, idempotency_key: str, by,
                   prepared_by, second_approver=None) -> Reservation:
    """Commit money of a pool, envelope or drawing right to a training (a reservation, paid later)."""
    source = Account.objects.filter(pk=source_id, kind__in=AVAILABLE_KINDS).first()
    if source is None:
        raise LedgerError(_("A commitment is taken from the mutual pool, an envelope or a drawing right."))
    return reserve(date=date, label=label, source_id=source.pk, destination_id=fund_account(AccountKind.PAYMENTS).pk,
                   amount=amount, idempotency_key=idempotency_key, by=by, prepared_by=prepared_by,
                   second_approver=second_approver)


@retrying
def pay_commitment(*, reservation_id: int, amount: int, date: datetime.date, by) -> Transaction:
    """Pay `amount` of a commitment (the rest is released) and send it from the bank. Returns the bank payment."""
    payments, bank = fund_accounts(AccountKind.PAYMENTS, AccountKind.BANK)
    ends = Reservation.objects.filter(pk=reservation_id).values_list("source_id", "destination_id").first()
    if ends is None or ends[1] != payments.pk:
        raise LedgerError(_("Unknown commitment."))
    source_id = ends[0]
    # Both postings' accounts are locked before the first one takes the chain head: one lock order.
    lock_accounts([source_id, payments.pk, bank.pk])
    settlement = settle(reservation_id=reservation_id, amount=amount, date=date, by=by)
    return post(date=date, code=TransactionCode.DISBURSEMENT, label=settlement.label,
                legs=[debit(payments, amount), credit(bank, amount)], idempotency_key=f"disbursement:{reservation_id}",
                by=by)
