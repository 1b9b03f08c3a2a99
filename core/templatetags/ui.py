from decimal import Decimal
from html import escape

from django import forms, template
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe

from core import layout
from core.addresses import address_of

register = template.Library()
THOUSANDS = "\u202f"  # narrow no-break space, as French typography wants
NBSP = "\u00a0"


def fast_select(field, attrs: dict) -> str:
    """A single <select> built in Python: Django renders each <option> through a template, which
    costs milliseconds on every list page's filter form."""
    selected = "" if field.value() is None else str(field.value())
    options = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in field.field.choices
    )
    attrs = {"name": field.html_name, "id": field.auto_id, **attrs}
    if field.field.required:
        attrs["required"] = True
    return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")  # noqa: S308 -- values escaped above


# Inputs whose template is django/forms/widgets/input.html as such (not file or checkbox inputs).
PLAIN_INPUTS = (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.SearchInput,
                forms.TelInput, forms.DateInput, forms.DateTimeInput, forms.TimeInput, forms.ColorInput)


def fast_input(field, attrs: dict) -> str:
    """A text-like <input>, as BoundField.as_widget() and Django's input.html draw it, without the template."""
    input_widget = field.field.widget
    if field.field.localize:
        input_widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, input_widget)
    if field.auto_id and "id" not in input_widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = input_widget.get_context(field.html_name, field.value(), attrs)["widget"]
    value = "" if context["value"] is None else f' value="{escape(str(context["value"]))}"'
    return mark_safe(  # noqa: S308 -- name and value escaped here, attributes by flatatt
        f'<input type="{escape(context["type"])}" name="{escape(context["name"])}"{value}{flatatt(context["attrs"])}>'
    )


def widget_attrs(field) -> dict:
    """Bootstrap's classes, and the field's error or help text for screen readers."""
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
    return attrs


@register.filter
def widget(field):
    """Render a bound field's widget with widget_attrs(); selects and text-like inputs drawn in Python."""
    attrs = widget_attrs(field)
    if type(field.field.widget) is forms.Select:
        return fast_select(field, attrs)
    if type(field.field.widget) in PLAIN_INPUTS:
        return fast_input(field, attrs)
    return field.as_widget(attrs=attrs)


@register.filter
def checkbox_group(field) -> str:
    """A multiple choice drawn as Bootstrap checkboxes, each with its own label (the group's is the fieldset's
    legend, in includes/field.html)."""
    invalid = " is-invalid" if field.errors else ""
    items = []
    for choice in field.subwidgets:
        data = choice.data
        attrs = {"type": "checkbox", "name": data["name"], "value": str(data["value"]), "id": data["attrs"].get("id"),
                 "class": "form-check-input" + invalid, "checked": data["selected"]}
        label = f'<label class="form-check-label" for="{escape(attrs["id"])}">' if attrs["id"] else "<label>"
        items.append(f'<div class="form-check"><input{flatatt(attrs)}> {label}{escape(str(data["label"]))}</label></div>')
    return mark_safe("".join(items))  # noqa: S308 -- attributes escaped by flatatt, labels here


@register.simple_tag(takes_context=True)
def navigation_items(context) -> str:
    """The main navigation's items, the current page's marked: drawn in Python (a template loop over the
    links cost some thirty template nodes on every page)."""
    path = context["request"].path
    items = []
    for link in context.get("navigation", ()):
        current = ' active" aria-current="page' if link.url == path else ""
        items.append(f'<li class="nav-item"><a class="nav-link{current}" href="{escape(link.url)}">'
                     f"{escape(str(link.label))}</a></li>")
    return mark_safe("".join(items))  # noqa: S308 -- links and labels escaped above


@register.simple_tag(takes_context=True)
def user_menu(context) -> SafeString:
    return layout.user_menu(context["request"], context["user"])


@register.simple_tag
def address(viewname: str, *args) -> str:
    """{% url %}, with the address kept once reversed (core/addresses.py)."""
    return address_of(viewname, *args)


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
