from django import template

from formation.access import may_read_documents
from formation.display import date_range
from formation.documents import available

register = template.Library()


@register.filter
def dates(session) -> str:
    """A session's dates in French: '2 – 3 mars 2026'."""
    return date_range(session.starts_at, session.ends_at)


@register.filter
def documents(enrolment, user) -> list[str]:
    """The documents of this enrolment that exist and `user` may read: 'convocation', 'certificat', 'attestation'."""
    return available(enrolment) if may_read_documents(user, enrolment) else []
