from django import template

from formation.display import date_range

register = template.Library()


@register.filter
def dates(session) -> str:
    """A session's dates in French: '2 – 3 mars 2026'."""
    return date_range(session.starts_at, session.ends_at)
