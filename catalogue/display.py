"""How courses read on a page: durations and prices in French, computed once per page where possible."""

from decimal import Decimal
from html import escape

from django.utils.translation import gettext, ngettext

from catalogue.pricing import Rates, Viewer
from core.templatetags.ui import euros


def number(value: Decimal) -> str:
    """14 → '14', 10.5 → '10,5'."""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}".replace(".", ",")


def short_duration_format() -> str:
    """'%(hours)s h · %(days)s d', translated: read once per page, filled per row."""
    return gettext("%(hours)s h · %(days)s d")


def duration_in_words(hours: Decimal, days: Decimal) -> str:
    return ngettext("%(hours)s hours over %(days)s day", "%(hours)s hours over %(days)s days", int(days)) % {
        "hours": number(hours), "days": number(days),
    }


class PriceCell:
    """The price cell of a catalogue row for one kind of visitor; labels are translated once per page."""

    def __init__(self, rates: Rates):
        self.viewer = rates.viewer
        self.members = escape(gettext("Members: %(price)s"))
        self.saving = escape(gettext("instead of %(public)s, saving %(saving)s"))
        self.member_label = escape(gettext("member"))
        self.public_label = escape(gettext("public"))

    def html(self, member: Decimal, public: Decimal) -> str:
        if self.viewer == Viewer.MEMBER:
            note = self.saving % {"public": euros(public), "saving": euros(public - member)} if member < public else ""
            return f'<strong>{euros(member)}</strong><div class="small text-success">{note}</div>'
        if self.viewer == Viewer.STAFF:
            return (f'{euros(member)} <span class="small text-body-secondary">{self.member_label}</span><br>'
                    f'{euros(public)} <span class="small text-body-secondary">{self.public_label}</span>')
        if self.viewer == Viewer.PUBLIC and member < public:
            note = self.members % {"price": euros(member)}
            return f'<strong>{euros(public)}</strong><div class="small text-body-secondary">{note}</div>'
        return f"<strong>{euros(public)}</strong>"
