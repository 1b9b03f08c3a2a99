"""The house table template's helpers: sort links and pagination computed once, in Python.

Rendering them with django-tables2's `querystring_replace` tag per column and per page costs
several milliseconds a page; the lists built here cost microseconds.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template

register = template.Library()


@dataclass(frozen=True)
class Header:
    label: str
    url: str | None
    sort: str | None  # "ascending" / "descending" for aria-sort


@dataclass(frozen=True)
class PageLink:
    label: str
    url: str | None
    current: bool = False


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


@register.simple_tag(takes_context=True)
def table_layout(context, table) -> dict:
    request = context["request"]
    sort_link = LinkMaker(request, table.prefixed_order_by_field)
    headers = []
    for column in table.columns:
        url = sort = None
        if column.orderable:
            url = sort_link(column.order_by_alias.next)
            if column.is_ordered:
                sort = "descending" if column.order_by_alias.is_descending else "ascending"
        headers.append(Header(str(column.header), url, sort))
    pages = []
    page = getattr(table, "page", None)
    page_link = LinkMaker(request, table.prefixed_page_field)
    if page is not None and table.paginator.num_pages > 1:
        for number in page_window(page.number, table.paginator.num_pages):
            if number is None:
                pages.append(PageLink("…", None))
            else:
                pages.append(PageLink(str(number), page_link(number), current=number == page.number))
    return {
        "headers": headers,
        "pages": pages,
        "previous": page_link(page.number - 1) if pages and page.has_previous() else None,
        "next": page_link(page.number + 1) if pages and page.has_next() else None,
    }
