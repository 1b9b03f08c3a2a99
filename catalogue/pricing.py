"""The pricing rule, in one place: member rates for members in good standing on the day, public rates otherwise.

`Course.price_for(organisation, on=date)` is the entry point for anyone who charges a price (the
sessions app freezes it on each enrolment). `rates_for(user, on=date)` tells a page which rate a
visitor sees, and why.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from adherents.models import Membership, Organisation
from core.roles import Role


class PriceBasis(models.TextChoices):
    MEMBER = "member", _("member rate")
    PUBLIC = "public", _("public rate")


@dataclass(frozen=True)
class Price:
    """A price per trainee and the rate it was taken from (to be frozen on an enrolment)."""

    amount: Decimal
    basis: PriceBasis


def basis_for(organisation: Organisation | None, *, on: datetime.date) -> PriceBasis:
    """Member rate when the organisation is in good standing on that date (its membership for the
    year is active); public rate for everyone else."""
    if organisation is not None and organisation.is_in_good_standing(on):
        return PriceBasis.MEMBER
    return PriceBasis.PUBLIC


class Viewer(models.TextChoices):
    """Who is looking at prices, which decides what a catalogue page shows first."""

    PUBLIC = "public"  # anonymous visitors and users outside the network
    MEMBER = "member"  # HR of a member in good standing: member rate first, with the saving
    LAPSED = "lapsed"  # HR of a member not in good standing: public rate, and why
    STAFF = "staff"  # COORACE staff: both rates


@dataclass(frozen=True)
class Rates:
    """The rates a visitor sees on the catalogue, decided once per page."""

    viewer: Viewer
    year: int
    organisation: Organisation | None = None
    membership: Membership | None = None

    @property
    def basis(self) -> PriceBasis:
        return PriceBasis.MEMBER if self.viewer == Viewer.MEMBER else PriceBasis.PUBLIC

    @property
    def price_field(self) -> str:
        return f"{self.basis}_price"


def rates_for(user, *, on: datetime.date) -> Rates:
    """Which rates this visitor sees today: one query for a member HR user (two when lapsed, for the reason)."""
    if not user.is_authenticated:
        return Rates(Viewer.PUBLIC, on.year)
    if user.is_coorace_staff:
        return Rates(Viewer.STAFF, on.year)
    in_good_standing = Organisation.objects.in_good_standing(on).filter(pk=OuterRef("pk"))
    organisation = Organisation.objects.filter(member_users__user=user).annotate(
        in_good_standing=Exists(in_good_standing)
    ).first() if user.role == Role.MEMBER_HR else None
    if organisation is None:
        return Rates(Viewer.PUBLIC, on.year)
    if organisation.in_good_standing:
        return Rates(Viewer.MEMBER, on.year, organisation)
    return Rates(Viewer.LAPSED, on.year, organisation, organisation.membership_for(on.year))
