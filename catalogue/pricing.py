"""The pricing rule, in one place: member rates for members in good standing on the day, public rates otherwise.

`Course.price_for(organisation, on=date)` is the entry point for anyone who charges a price (the
sessions app freezes it on each enrolment). `rates_for(user, on=date)` tells a page which rate a
visitor sees, and why.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from adherents.access import member_of
from adherents.models import Membership, Organisation


class PriceBasis(models.TextChoices):
    MEMBER = "member", _("member rate")
    PUBLIC = "public", _("public rate")
    # An intra session's trainees cost nothing each: their organisation pays the session's flat price, once.
    INTRA = "intra", _("included in the intra session's flat price")


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
    """Which rates this visitor sees today. For a member HR user the organisation and its membership
    status this year come with the user (see adherents.auth); a lapsed member's membership is read for
    the reason shown."""
    if not user.is_authenticated:
        return Rates(Viewer.PUBLIC, on.year)
    if user.is_coorace_staff:
        return Rates(Viewer.STAFF, on.year)
    member = member_of(user)
    organisation = member.organisation if member is not None else None  # loaded with the user
    if organisation is None:
        return Rates(Viewer.PUBLIC, on.year)
    if organisation.is_in_good_standing(on):
        return Rates(Viewer.MEMBER, on.year, organisation)
    return Rates(Viewer.LAPSED, on.year, organisation, organisation.membership_for(on.year))
