"""Demo data for the fund: last year complete and closed, this year under way (some members unpaid).

Everything goes through the services, so the demo books are real books: balanced, chained, verifiable.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from adherents.models import Delegation, HeadcountBand, Organisation
from core.models import User
from core.roles import Role
from mutualisation import services
from mutualisation.models import Account, AccountKind, Contribution, FiscalYear, Reservation
from mutualisation.services.contributions import DEFAULT_RULES, PaymentRequest

# Gross payroll of the year before, in euros, by headcount band.
PAYROLL = {HeadcountBand.UNDER_50: (180_000, 1_200_000), HeadcountBand.FROM_50_TO_249: (1_500_000, 6_000_000),
           HeadcountBand.FROM_250: (6_000_000, 14_000_000)}
PROGRAMMES = (("clea", "Programme CléA — compétences clés"), ("permis", "Programme permis de conduire"))
TRAININGS = ("Sauveteur secouriste du travail", "Gestes et postures", "Encadrer une équipe en insertion",
             "CléA — socle de compétences", "Permis B — préparation au code", "Hygiène alimentaire HACCP",
             "Conduite d'engins CACES", "Accueil et relation client", "Bureautique — Excel débutant")


def day_in(year: int, rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A random day between `first` and `last` (both within `year`)."""
    span = max((last - first).days, 0)
    return first + datetime.timedelta(days=rng.randint(0, span))


class Seeder:
    def __init__(self, rng: random.Random, organisations: list[Organisation], finance: User, preparer: User,
                 second: User):
        self.rng, self.organisations = rng, organisations
        self.finance, self.preparer, self.second = finance, preparer, second

    def envelopes(self) -> list[Account]:
        envelopes = [services.envelope_account(code=delegation.code, name=delegation.name, delegation=delegation,
                                               by=self.finance) for delegation in Delegation.objects.order_by("code")]
        return envelopes + [services.envelope_account(code=code, name=name, by=self.finance)
                            for code, name in PROGRAMMES]

    def call(self, year: int, growth: Decimal) -> list[Contribution]:
        bases = []
        for organisation in self.organisations:
            low, high = PAYROLL[organisation.headcount_band]
            base = Decimal(self.rng.randint(low, high)) * growth
            bases.append((organisation, int(base) * 100))
        return services.call_for_contributions(year=year, bases=bases, by=self.finance)

    def payment(self, contribution: Contribution, cents: int, day: datetime.date, number: int) -> PaymentRequest:
        return PaymentRequest(
            contribution_id=contribution.pk, amount_cents=cents, date=day,
            reference=f"VIR-{contribution.year}-{contribution.organisation_id:04d}-{number}",
            idempotency_key=f"demo:payment:{contribution.pk}:{number}")

    def fund_year(self, year: int, first: datetime.date, envelopes: list[Account], grant_euros: int) -> None:
        services.record_grant(amount=grant_euros * 100, date=first, label=f"Subvention Uniformation {year}",
                              idempotency_key=f"demo:grant:{year}", by=self.finance)
        for envelope in envelopes:
            euros = 20_000 if envelope.delegation_id is None else self.rng.randrange(6_000, 12_000, 500)
            services.fund_envelope(envelope_id=envelope.pk, amount=euros * 100, date=first,
                                   idempotency_key=f"demo:envelope:{year}:{envelope.pk}", by=self.finance)

    def commit(self, year: int, source: Account, number: int, day: datetime.date, cap: int) -> Reservation | None:
        cents = min(self.rng.randrange(40_000, 300_000, 500), cap)
        if cents <= 0:
            return None
        rules = services.contributions.rules_for_year(year)
        return services.commit_funding(
            source_id=source.pk, amount=cents, date=day, label=f"{self.rng.choice(TRAININGS)} — {source.name}"[:200],
            idempotency_key=f"demo:commitment:{year}:{number}", by=self.finance, prepared_by=self.preparer,
            second_approver=self.second if cents > rules.two_approvers_above_cents else None)

    def commitments(self, year: int, envelopes: list[Account], first: datetime.date, last: datetime.date,
                    settle_before: datetime.date) -> None:
        """Commitments on drawing rights and envelopes; those of trainings already over are paid or released."""
        drawing_rights = list(Account.objects.filter(kind=AccountKind.DRAWING_RIGHT).order_by("pk"))
        # A few dozen trainings a year are enough to show every state of a commitment.
        sources = self.rng.sample(drawing_rights, k=min(len(drawing_rights) // 3, 60)) + envelopes
        for number, source in enumerate(sources):
            source.refresh_from_db()
            day = day_in(year, self.rng, first, last)
            reservation = self.commit(year, source, number, day, cap=source.available)
            if reservation is None or day > settle_before - datetime.timedelta(days=30):
                continue
            paid_on = min(day + datetime.timedelta(days=self.rng.randint(20, 60)), settle_before)
            if self.rng.random() < 0.1:
                services.void(reservation_id=reservation.pk, by=self.finance)
            else:
                attended = Decimal(self.rng.choice([1, 1, 1, "0.9", "0.75", "0.5"]))
                services.pay_commitment(reservation_id=reservation.pk, amount=max(1, int(reservation.amount * attended)),
                                        date=paid_on, by=self.finance)


@transaction.atomic
def seed(*, scale: str, rng: random.Random, password: str, progress) -> str:
    today = timezone.localdate()
    year, last_year = today.year, today.year - 1
    if FiscalYear.objects.exists():
        # Seeded before, maybe in an earlier year: the fund's history is its own now (its rules applied then
        # can no longer be rewritten), so nothing is added.
        return "déjà en place"
    organisations = list(Organisation.objects.order_by("siret"))
    finance = User.objects.filter(role=Role.FINANCE).order_by("pk").first()
    preparer = User.objects.filter(role=Role.TRAINING).order_by("pk").first()
    second = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if not organisations or None in (finance, preparer, second):
        return "aucun adhérent ou compte du personnel : rien à faire"
    seeder = Seeder(rng, organisations, finance, preparer, second)
    services.save_ruleset(data={"valid_from": datetime.date(last_year, 1, 1)} | DEFAULT_RULES, by=finance)
    services.open_fiscal_year(year=last_year, by=finance)
    envelopes = seeder.envelopes()

    # Last year: every member called and paid (a few in two instalments), trainings paid, the year closed.
    first, end = datetime.date(last_year, 1, 10), datetime.date(last_year, 12, 31)
    seeder.fund_year(last_year, first, envelopes, grant_euros=400_000)
    payments = []
    for contribution in seeder.call(last_year, Decimal(1)):
        day = day_in(last_year, rng, datetime.date(last_year, 2, 1), datetime.date(last_year, 6, 30))
        if rng.random() < 0.2:
            half = contribution.amount_due_cents // 2
            payments.append(seeder.payment(contribution, half, day, 1))
            payments.append(seeder.payment(contribution, contribution.amount_due_cents - half,
                                           day + datetime.timedelta(days=90), 2))
        else:
            payments.append(seeder.payment(contribution, contribution.amount_due_cents, day, 1))
    services.record_contribution_payments(requests=sorted(payments, key=lambda payment: payment.date), by=finance)
    seeder.commitments(last_year, envelopes, datetime.date(last_year, 3, 1), datetime.date(last_year, 12, 15),
                       settle_before=end)
    services.close_fiscal_year(year=last_year, by=finance)

    # This year, up to today: most members paid, some partly, some not at all.
    first = datetime.date(year, 1, 10) if today.day >= 10 or today.month > 1 else today
    seeder.fund_year(year, first, envelopes, grant_euros=350_000)
    payments = []
    for contribution in seeder.call(year, Decimal("1.03")):
        luck, day = rng.random(), day_in(year, rng, first, today)
        if luck < 0.82:
            cents = contribution.amount_due_cents if luck < 0.7 else contribution.amount_due_cents // 3
            payments.append(seeder.payment(contribution, cents, day, 1))
    recorded = services.record_contribution_payments(requests=sorted(payments, key=lambda payment: payment.date),
                                                     by=finance)
    paid = len(recorded)
    if recorded:
        # One payment entered by mistake and cancelled: the transaction pages show a reversal and its original.
        mistaken = max(recorded, key=lambda payment: (payment.date, payment.pk))
        services.cancel_contribution_payment(payment_id=mistaken.pk, date=today, by=finance,
                                             reason="Virement saisi sur la mauvaise structure")
        paid -= 1
    seeder.commitments(year, envelopes, first, today, settle_before=today)
    return (f"exercices {last_year} (clôturé) et {year} ; {paid} adhérents sur {len(organisations)} ont versé "
            f"leur cotisation {year}")
