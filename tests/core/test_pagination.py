"""The house lists read a page and its total in one query, and forgive page numbers out of range."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEntry
from core.pagination import ForgivingPaginator, ordered_to_the_row
from core.tables import AuditEntryTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    AuditEntry.objects.bulk_create(AuditEntry(action=f"test.{n:02d}") for n in range(30))


def paginated(page, per_page=10, table_class=AuditEntryTable):
    table = table_class(AuditEntry.objects.order_by("action"))
    return table.paginate(ForgivingPaginator, per_page=per_page, page=page)


class EntriesByField(AuditEntryTable):
    """A table whose render_body would read only these fields: its page is read as dictionaries."""

    page_fields = ("action", "pk")


@pytest.mark.usefixtures("entries")
class TestCountInPageQuery:
    def test_a_page_and_its_total_come_in_one_query(self):
        with CaptureQueriesContext(connection) as queries:
            table = paginated(2)
            actions = [row.record.action for row in table.page.object_list]
        assert len(queries) == 1
        assert actions == [f"test.{n:02d}" for n in range(10, 20)]
        assert table.paginator.count == 30 and table.paginator.num_pages == 3 and table.page.number == 2

    @pytest.mark.parametrize("page, expected", [("999999", 3), ("0", 3), ("-4", 3), ("abc", 1), ("", 1),
                                                    ("99999999999999999999999", 3)])
    def test_page_numbers_out_of_range_are_corrected(self, page, expected):
        table = paginated(page)
        assert table.page.number == expected
        assert table.paginator.count == 30
        assert len(table.page.object_list) == 10

    def test_an_empty_list_is_one_empty_page(self):
        AuditEntry.objects.all().delete()
        table = paginated(1)
        assert table.paginator.count == 0 and table.page.number == 1 and list(table.page.object_list) == []

    def test_rows_per_page_are_capped(self):
        assert paginated(1, per_page=10_000).paginator.per_page == ForgivingPaginator.MAX_PER_PAGE


class TestRowsThatTie:
    """Rows equal on the columns sorted on are ordered by primary key: each shows on exactly one page."""

    @pytest.fixture
    def namesakes(self):
        AuditEntry.objects.bulk_create(AuditEntry(action="same.action") for _ in range(25))
        return list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True))

    def test_every_row_is_on_exactly_one_page(self, namesakes):
        seen = []
        for page in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                table = paginated(page)
                seen += [row.record.pk for row in table.page.object_list]
            assert queries[-1]["sql"].rstrip().endswith('"action" ASC, "core_auditentry"."id" ASC LIMIT 10'
                                                          + (f" OFFSET {(page - 1) * 10}" if page > 1 else ""))
        assert seen == namesakes

    @pytest.mark.parametrize("ordering", [("action", "pk"), ("action", "-id")])
    def test_an_order_already_ending_on_the_primary_key_is_kept(self, ordering):
        assert ordered_to_the_row(AuditEntry.objects.order_by(*ordering)).query.order_by == ordering

    def test_the_models_default_order_is_kept_before_the_primary_key(self):
        from adherents.models import Delegation

        assert Delegation._meta.ordering == ["name"]
        assert ordered_to_the_row(Delegation.objects.all()).query.order_by == ("name", "pk")


@pytest.mark.usefixtures("entries")
class TestPageReadAsDictionaries:
    def test_the_page_holds_the_fields_named_and_its_total_in_one_query(self):
        with CaptureQueriesContext(connection) as queries:
            table = paginated(2, table_class=EntriesByField)
            records = table.paginated_records()
        assert len(queries) == 1
        assert [record["action"] for record in records] == [f"test.{n:02d}" for n in range(10, 20)]
        assert set(records[0]) == {"action", "pk", "total_rows"}
        assert table.paginator.count == 30 and table.page.number == 2

    def test_a_page_past_the_end_shows_the_last_one_read_the_same_way(self):
        table = paginated(99, table_class=EntriesByField)
        assert table.page.number == 3 and table.paginator.count == 30
        assert [record["action"] for record in table.paginated_records()] == [f"test.{n:02d}" for n in range(20, 30)]

    def test_without_pagination_every_row_is_read_as_a_dictionary_too(self):
        table = EntriesByField(AuditEntry.objects.order_by("action"))
        records = table.paginated_records()
        assert len(records) == 30 and records[0] == {"action": "test.00", "pk": records[0]["pk"]}
