"""The house list's filter form, header row and pagination, drawn in Python (core/templatetags/tables_ui.py)."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from core.filters import AuditEntryFilter
from core.models import AuditEntry
from core.pagination import ForgivingPaginator
from core.tables import AuditEntryTable
from core.templatetags.tables_ui import empty_filter_form, filter_form, filter_form_markup, header_row, page_window, pagination

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


def test_a_label_changed_on_one_table_is_drawn_though_another_was_drawn_before():
    first, request = table_for("")
    assert "Action" in header_row(first, request)
    second, _request = table_for("")
    second.columns["action"].column.verbose_name = "Geste"
    assert "Geste" in header_row(second, request)
    third, _request = table_for("")
    assert "Geste" not in header_row(third, request)


def test_headers_follow_the_language():
    table, request = table_for("")
    with translation.override("fr"):
        french = header_row(table, request)
    with translation.override("en"):
        english = header_row(table, request)
    assert "Données" in french and "Data" in english and "Données" not in english


def test_the_header_row_of_a_list_opened_without_a_query_is_kept_per_order_and_columns(monkeypatch):
    from core.templatetags import tables_ui

    drawn = []
    monkeypatch.setattr(tables_ui, "HEADER_ROWS", {})
    monkeypatch.setattr(tables_ui, "drawn_header_row", lambda *args: drawn.append(args) or f"row {len(drawn)}")
    first, request = table_for("")
    assert header_row(first, request) == header_row(table_for("", entries=0)[0], request) == "row 1"
    first.order_by = "-at"
    assert header_row(first, request) == "row 2"  # another order: other marks and links
    first.columns.hide("actor")
    assert header_row(first, request) == "row 3"  # another set of columns
    sorted_, sorted_request = table_for("?sort=action")
    header_row(sorted_, sorted_request), header_row(sorted_, sorted_request)
    assert len(drawn) == 5  # with a query string, drawn each time


def fixed_filters(query: str):
    request = RequestFactory().get(f"/journal/{query}")
    return AuditEntryFilter(request.GET or None, queryset=AuditEntry.objects.all(), request=request), request


def test_an_empty_fixed_form_is_drawn_once_per_language_and_address():
    empty_filter_form.cache_clear()
    filters, request = fixed_filters("")
    with translation.override("fr"):
        french = filter_form(filters, request)
        assert filter_form(fixed_filters("")[0], request) == french
    with translation.override("en"):
        english = filter_form(filters, request)
    assert empty_filter_form.cache_info().hits == 1 and empty_filter_form.cache_info().misses == 2
    assert 'href="/journal/">Effacer</a>' in french and ">Clear</a>" in english
    with translation.override("fr"):
        assert french == filter_form_markup(filters.form, "/journal/")


def test_a_filled_form_is_drawn_with_its_values_and_its_reasons():
    empty_filter_form.cache_clear()
    filters, request = fixed_filters("?action=inscription&after=pas-une-date")
    filters.is_valid()
    with translation.override("fr"):
        html = filter_form(filters, request)
    assert empty_filter_form.cache_info().currsize == 0
    assert 'value="inscription"' in html
    assert 'aria-describedby="id_after_errors"' in html and 'id="id_after_errors"' in html


def test_a_form_whose_choices_are_read_each_time_is_never_kept():
    from catalogue.filters import CourseFilter
    from catalogue.models import Course

    empty_filter_form.cache_clear()
    request = RequestFactory().get("/catalogue/")
    filter_form(CourseFilter(None, queryset=Course.objects.all(), request=request), request)
    assert empty_filter_form.cache_info().currsize == 0


def test_the_page_s_records_are_those_of_its_rows_when_the_page_is_past_the_end():
    table, _request = table_for("?page=99", entries=12)
    assert table.page.number == 3
    assert table.paginated_records() == [row.record for row in table.paginated_rows]
    assert len(table.paginated_records()) == 2
