from django import template

from core.templatetags.ui import euros
from mutualisation.amounts import to_euros

register = template.Library()


@register.filter
def cents(value) -> str:
    """123456 (cents) → '1 234,56 €'."""
    if value is None or value == "":
        return "—"
    return euros(to_euros(int(value)))
