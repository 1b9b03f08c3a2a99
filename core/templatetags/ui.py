from decimal import Decimal

from django import forms, template

register = template.Library()
THOUSANDS = "\u202f"  # narrow no-break space, as French typography wants
NBSP = "\u00a0"


@register.filter
def widget(field):
    """Render a bound field's widget with Bootstrap's classes and its error state for screen readers."""
    input_widget = field.field.widget
    if isinstance(input_widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(input_widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": css + (" is-invalid" if field.errors else "")}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.filter
def euros(value) -> str:
    """1234.5 → '1 234,50 €' (French format, narrow no-break space as thousands separator)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{THOUSANDS.join(groups)},{cents}{NBSP}€"
