"""The house list's helpers (includes/filtered_table.html, includes/table.html), drawn in Python: the filter
form, the count and export links, the header row (sort links) and the pagination.

Rendering them with django-tables2's `querystring_replace` tag per column and per page cost several
milliseconds a page, and even a plain template loop over them some seventy template nodes (a millisecond
and a half on every list page; the filter form's loop alone half a millisecond); the markup built here costs
microseconds. Every value is escaped.
"""

from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from core.templatetags.ui import widget

register = template.Library()
SORT_MARKS = {"ascending": "▲", "descending": "▼"}


class LinkMaker:
    """Links to this page with one query parameter changed (and never the export trigger).

    The other parameters are read once per page rather than once per link.
    """

    def __init__(self, request, name: str):
        self.name = name
        self.pairs = [(key, value) for key, values in request.GET.lists() if key != "_export" for value in values]
        self.position = next((i for i, (key, _value) in enumerate(self.pairs) if key == name), None)
        self.pairs = [pair for pair in self.pairs if pair[0] != name]

    def __call__(self, value) -> str:
        pairs = list(self.pairs)
        pairs.insert(len(pairs) if self.position is None else self.position, (self.name, value))
        return "?" + urlencode(pairs)


def page_window(number: int, last: int) -> list[int | None]:
    """1 … n-2 n-1 n n+1 n+2 … last, with None for the gaps."""
    shown = sorted({1, last, *range(max(1, number - 2), min(last, number + 2) + 1)})
    window: list[int | None] = []
    for page in shown:
        if window and page - window[-1] > 1:
            window.append(None)
        window.append(page)
    return window


def header_cell(label: str, url: str | None, sort: str | None) -> str:
    """A column header; `sort` ("ascending", "descending") sets aria-sort and the visible mark."""
    aria = f' aria-sort="{sort}"' if sort else ""
    if url is None:
        if not label:  # the links or buttons column: named for screen readers, blank on screen
            label = f'<span class="visually-hidden">{escape(gettext("Actions"))}</span>'
        return f'<th scope="col"{aria}>{label}</th>'
    mark = f' <span aria-hidden="true">{SORT_MARKS[sort]}</span>' if sort else ""
    return f'<th scope="col"{aria}><a href="{escape(url)}">{label}{mark}</a></th>'


# (table class, column name, language) → (the column's own verbose_name when its label was drawn, the label).
HEADER_LABELS: dict[tuple, tuple] = {}


def header_label(table, column) -> str:
    """A column's header, escaped. A label (a lazy translation, several times over) is drawn once per language for
    each table class: again whenever a table was given another verbose_name for that column."""
    declared = column.column.verbose_name
    key = (type(table), column.name, get_language())
    known = HEADER_LABELS.get(key)
    if known is not None and known[0] is declared:
        return known[1]
    label = conditional_escape(column.header)
    HEADER_LABELS[key] = (declared, label)
    return label


# (table class, language, sort parameter, order, shown columns and whether each sorts) → (their own verbose_names when
# drawn, the header row): the header row of a list opened without a query string.
HEADER_ROWS: dict[tuple, tuple] = {}


def header_row(table, request) -> SafeString:
    """The header row. A list opened without a query string (most visits) shows the same one every time: it is drawn
    once per language, order and columns shown for each table class, and again when a table was given other labels.
    With a query string, its sort links keep the other parameters: drawn each time."""
    columns = list(table.columns)
    if request.GET:
        return drawn_header_row(table, request, columns)
    key = (type(table), get_language(), table.prefixed_order_by_field, str(table.order_by),
           tuple((column.name, column.orderable) for column in columns))
    declared = tuple(column.column.verbose_name for column in columns)
    known = HEADER_ROWS.get(key)
    if known is None or any(label is not kept for label, kept in zip(declared, known[0], strict=True)):
        known = HEADER_ROWS[key] = (declared, drawn_header_row(table, request, columns))
    return known[1]


def drawn_header_row(table, request, columns: list) -> SafeString:
    sort_link = LinkMaker(request, table.prefixed_order_by_field)
    cells = []
    for column in columns:
        url = sort = None
        if column.orderable:
            url = sort_link(column.order_by_alias.next)
            if column.is_ordered:
                sort = "descending" if column.order_by_alias.is_descending else "ascending"
        cells.append(header_cell(header_label(table, column), url, sort))
    return mark_safe("".join(cells))  # noqa: S308 -- labels and links escaped above


def page_item(url: str, text: str, *, current: bool = False) -> str:
    """One link of the pagination; `text` is already escaped."""
    if current:
        return (f'<li class="page-item active"><a class="page-link" href="{escape(url)}" aria-current="page">'
                f"{text}</a></li>")
    return f'<li class="page-item"><a class="page-link" href="{escape(url)}">{text}</a></li>'


def pagination(table, request) -> SafeString:
    """Previous, 1 … n-2 … n+2 … last, next; nothing for a single page."""
    page = getattr(table, "page", None)
    if page is None or table.paginator.num_pages < 2:
        return mark_safe("")
    page_link = LinkMaker(request, table.prefixed_page_field)
    # Not inside the f-strings: makemessages does not look there.
    previous, following, pages = escape(gettext("previous")), escape(gettext("next")), escape(gettext("Pages"))
    items = []
    if page.has_previous():
        items.append(page_item(page_link(page.number - 1), f"« {previous}"))
    for number in page_window(page.number, table.paginator.num_pages):
        if number is None:
            items.append('<li class="page-item disabled"><span class="page-link">…</span></li>')
        else:
            items.append(page_item(page_link(number), str(number), current=number == page.number))
    if page.has_next():
        items.append(page_item(page_link(page.number + 1), f"{following} »"))
    return mark_safe(  # noqa: S308 -- links and words escaped above
        f'<nav aria-label="{pages}"><ul class="pagination justify-content-center flex-wrap">'
        + "".join(items) + "</ul></nav>"
    )


def filter_field(field) -> str:
    """One field of a list's filter form: its label, its widget and, when refused, the reason."""
    errors = ""
    if field.errors:
        reasons = escape(" ".join(str(error) for error in field.errors))
        errors = f'<div class="invalid-feedback" id="{escape(field.auto_id)}_errors">{reasons}</div>'
    return (f'<div class="col-sm-6 col-lg"><label class="form-label small" for="{escape(field.id_for_label)}">'
            f"{conditional_escape(field.label)}</label>{widget(field)}{errors}</div>")


def filter_form(filterset, request) -> SafeString:
    """The filters, then Filter and Clear (back to the list without any).

    A list opened without filters shows the same empty form every time when its fields are fixed: it is drawn
    once per language and address, in each process."""
    if getattr(filterset, "form_is_fixed", False) and not filterset.is_bound:  # a ListFilterSet's
        return empty_filter_form(type(filterset), get_language(), request.path)
    return filter_form_markup(filterset.form, request.path)


@lru_cache(maxsize=2048)  # a few lists, one address per member organisation for theirs, two languages
def empty_filter_form(filterset_class, language: str, path: str) -> SafeString:
    unbound = filterset_class(None, queryset=filterset_class._meta.model._default_manager.none())
    return filter_form_markup(unbound.form, path)


def filter_form_markup(form, path: str) -> SafeString:
    fields = "".join(filter_field(field) for field in form.visible_fields())
    # Not inside the f-string: makemessages does not look there.
    apply, clear = escape(gettext("Filter")), escape(gettext("Clear"))
    return mark_safe(  # noqa: S308 -- fields and words escaped above
        f'<form method="get" class="filters row g-2 align-items-end mb-3" role="search">{fields}'
        f'<div class="col-auto"><button class="btn btn-primary" type="submit">{apply}</button> '
        f'<a class="btn btn-outline-secondary" href="{escape(path)}">{clear}</a></div></form>'
    )


def list_summary(table, request) -> SafeString:
    """How many rows the filters keep (announced to screen readers when it changes), and the export links."""
    count = table.paginator.count
    found = escape(ngettext("%(counter)s result", "%(counter)s results", count) % {"counter": localize(count)})
    export_link = LinkMaker(request, "_export")
    exports = "".join(
        f'<a class="btn btn-outline-secondary" href="{escape(export_link(name))}">{escape(label)}</a>'
        for name, label in (("csv", gettext("Export CSV")), ("xlsx", gettext("Export Excel")))
    )
    return mark_safe(  # noqa: S308 -- words and links escaped above
        '<div class="d-flex justify-content-between align-items-center mb-2">'
        f'<p class="mb-0 text-body-secondary" aria-live="polite">{found}</p>'
        f'<div class="btn-group btn-group-sm" role="group" aria-label="{escape(gettext("Export"))}">{exports}</div>'
        "</div>"
    )


@register.simple_tag(takes_context=True)
def list_filter_form(context, filterset) -> SafeString:
    return filter_form(filterset, context["request"])


@register.simple_tag(takes_context=True)
def list_summary_bar(context, table) -> SafeString:
    return list_summary(table, context["request"])


@register.simple_tag(takes_context=True)
def table_header_row(context, table) -> SafeString:
    return header_row(table, context["request"])


@register.simple_tag(takes_context=True)
def table_pagination(context, table) -> SafeString:
    return pagination(table, context["request"])
