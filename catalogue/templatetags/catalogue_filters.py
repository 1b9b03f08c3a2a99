"""The catalogue's filter form, drawn in Python.

Django renders each input through a template, and its `flatatt` escapes through lazy wrappers: on
every catalogue page that cost more than the rest of the sidebar (see also core.templatetags.ui).
"""

from html import escape

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def attributes(attrs: dict) -> str:
    """' name="value"' pairs, escaped; True gives a bare attribute, False and None none."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items() if value is not False and value is not None
    )


def control_html(field, attrs: dict) -> str:
    widget = field.field.widget
    value = field.value()
    attrs = {"name": field.html_name, "id": field.auto_id, **widget.attrs, **attrs}
    if isinstance(widget, forms.Select):
        selected = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(option))}"{" selected" if str(option) == selected else ""}>'
            f"{escape(str(label))}</option>"
            for option, label in field.field.choices
        )
        return f"<select{attributes(attrs)}>{options}</select>"
    if isinstance(widget, forms.CheckboxInput):
        return f'<input type="checkbox"{attributes(attrs | {"checked": bool(value)})}>'
    shown = "" if value is None else widget.format_value(value) or ""
    return f'<input type="{widget.input_type}"{attributes(attrs | {"value": shown})}>'


def field_html(field) -> str:
    errors = field.errors
    checkbox = isinstance(field.field.widget, forms.CheckboxInput)
    css = "form-check-input" if checkbox else "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    attrs = {"class": css + (" is-invalid" if errors else "")}
    if errors:
        attrs |= {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_errors"}
    control = control_html(field, attrs)
    label = escape(str(field.label))
    if checkbox:
        html = f'{control} <label class="form-check-label" for="{field.auto_id}">{label}</label>'
    else:
        html = f'<label class="form-label small" for="{field.auto_id}">{label}</label>{control}'
    if errors:
        html += f'<div class="invalid-feedback d-block" id="{field.auto_id}_errors">{escape(" ".join(errors))}</div>'
    return f'<div class="mb-2{" form-check" if checkbox else ""}">{html}</div>'


@register.simple_tag
def filter_fields(form) -> SafeString:
    """Every visible field of a filter form with its label and errors, Bootstrap-styled, values escaped."""
    return mark_safe("".join(field_html(field) for field in form.visible_fields()))  # noqa: S308 -- escaped above
