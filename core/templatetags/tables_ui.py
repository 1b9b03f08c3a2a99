"""The house table template's helpers: the header row (sort links) and the pagination, drawn in Python.

Rendering them with django-tables2's `querystring_replace` tag per column and per page cost several
milliseconds a page, and even a plain template loop over them some seventy template nodes (a millisecond
and a half on every list page); the markup built here costs microseconds. Every value is escaped.
"""

from html import escape
from urllib.parse import urlencode

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


def header_row(table, request) -> SafeString:
    sort_link = LinkMaker(request, table.prefixed_order_by_field)
    cells = []
    for column in table.columns:
        url = sort = None
        if column.orderable:
            url = sort_link(column.order_by_alias.next)
            if column.is_ordered:
                sort = "descending" if column.order_by_alias.is_descending else "ascending"
        cells.append(header_cell(conditional_escape(column.header), url, sort))
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


@register.simple_tag(takes_context=True)
def table_header_row(context, table) -> SafeString:
    return header_row(table, context["request"])


@register.simple_tag(takes_context=True)
def table_pagination(context, table) -> SafeString:
    return pagination(table, context["request"])
