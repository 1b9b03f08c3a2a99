from django import template

from formation.display import date_range
from formation.documents import available

register = template.Library()


@register.filter
def dates(session) -> str:
    """A session's dates in French: '2 – 3 mars 2026'."""
    return date_range(session.starts_at, session.ends_at)


@register.filter
def documents(enrolment) -> list[str]:
    """The documents that exist for this enrolment: 'convocation', 'certificat', 'attestation'."""
    return available(enrolment)
