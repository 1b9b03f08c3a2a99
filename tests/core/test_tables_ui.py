"""The house table's header row and pagination, drawn in Python (core/templatetags/tables_ui.py)."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from core.models import AuditEntry
from core.pagination import ForgivingPaginator
from core.tables import AuditEntryTable
from core.templatetags.tables_ui import header_row, page_window, pagination

pytestmark = pytest.mark.django_db


def table_for(query: str, *, entries: int = 30, per_page: int = 5):
    AuditEntry.objects.bulk_create(AuditEntry(action=f"test.{n:02d}") for n in range(entries))
    request = RequestFactory().get(f"/journal/{query}")
    table = AuditEntryTable(AuditEntry.objects.all(), order_by=request.GET.get("sort"))
    table.paginate(ForgivingPaginator, per_page=per_page, page=request.GET.get("page", 1))
    return table, request


def test_headers_link_to_the_next_sort_and_keep_the_other_filters_but_never_the_export():
    table, request = table_for("?action=x&sort=-at&_export=csv")
    html = header_row(table, request)
    assert '<th scope="col" aria-sort="descending"><a href="?action=x&amp;sort=at">' in html
    assert '<span aria-hidden="true">▼</span>' in html
    assert '<a href="?action=x&amp;sort=action">' in html
    assert "_export" not in html
    assert '<th scope="col">' in html  # the data column cannot be sorted: no link


def test_header_labels_are_escaped():
    table, request = table_for("")
    table.columns["action"].column.verbose_name = "<b>Action</b>"
    html = header_row(table, request)
    assert "&lt;b&gt;Action&lt;/b&gt;" in html and "<b>" not in html


def test_pagination_keeps_the_query_and_marks_the_current_page():
    with translation.override("fr"):
        table, request = table_for("?action=x&page=4", entries=60)
        html = pagination(table, request)
    assert html.startswith('<nav aria-label="Pages">')
    assert '<a class="page-link" href="?action=x&amp;page=3">« précédente</a>' in html
    assert '<a class="page-link" href="?action=x&amp;page=4" aria-current="page">4</a>' in html
    assert '<a class="page-link" href="?action=x&amp;page=5">suivante »</a>' in html
    assert html.count("page-item active") == 1
    assert '<span class="page-link">…</span>' in html  # 1 2 3 4 5 6 … 12


def test_a_single_page_has_no_pagination():
    table, request = table_for("", entries=3)
    assert pagination(table, request) == ""


@pytest.mark.parametrize("number, last, expected", [
    (1, 1, [1]),
    (1, 9, [1, 2, 3, None, 9]),
    (5, 9, [1, None, 3, 4, 5, 6, 7, None, 9]),
    (9, 9, [1, None, 7, 8, 9]),
])
def test_the_window_of_page_numbers(number, last, expected):
    assert page_window(number, last) == expected
