"""How sessions read in French: date ranges and places, shared by tables, pages and e-mails."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from formation.models import Session


def date_range(starts_at, ends_at) -> str:
    """'2 mars 2026' or '2 – 3 mars 2026' or '30 mars – 2 avril 2026', in Paris time."""
    if starts_at is None:
        return _("not scheduled")
    start, end = timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date()
    if start == end:
        return formats.date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} – {formats.date_format(end, 'j F Y')}"
    return f"{formats.date_format(start, 'j F')} – {formats.date_format(end, 'j F Y')}"


def place(session: Session) -> str:
    if session.venue_id:
        return session.venue.city
    return _("remote")
