"""How courses read on a page: durations and prices in French, computed once per page where possible."""

from decimal import Decimal
from html import escape

from django.utils.translation import gettext

from catalogue.pricing import Audience, Rates
from core.templatetags.ui import euros


def number(value: Decimal) -> str:
    """14 → '14', 10.5 → '10,5'."""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}".replace(".", ",")


def duration(hours: Decimal, days: Decimal) -> str:
    return gettext("%(hours)s h · %(days)s d") % {"hours": number(hours), "days": number(days)}


class PriceCell:
    """The price cell of a catalogue row for one kind of visitor; labels are translated once per page."""

    def __init__(self, rates: Rates):
        self.audience = rates.audience
        self.members = escape(gettext("Members: %(price)s"))
        self.saving = escape(gettext("instead of %(public)s, saving %(saving)s"))
        self.member_label = escape(gettext("member"))
        self.public_label = escape(gettext("public"))

    def html(self, member: Decimal, public: Decimal) -> str:
        if self.audience == Audience.MEMBER:
            note = self.saving % {"public": euros(public), "saving": euros(public - member)} if member < public else ""
            return f'<strong>{euros(member)}</strong><div class="small text-success">{note}</div>'
        if self.audience == Audience.STAFF:
            return (f'{euros(member)} <span class="small text-body-secondary">{self.member_label}</span><br>'
                    f'{euros(public)} <span class="small text-body-secondary">{self.public_label}</span>')
        if self.audience == Audience.PUBLIC and member < public:
            note = self.members % {"price": euros(member)}
            return f'<strong>{euros(public)}</strong><div class="small text-body-secondary">{note}</div>'
        return f"<strong>{euros(public)}</strong>"
