"""Pagination for the house lists: forgiving page numbers, and the total read with the page."""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django_tables2.rows import BoundRows


class ForgivingPaginator(Paginator):
    """A page number out of range shows the last page; a malformed one the first. Never a 404.

    At most MAX_PER_PAGE rows a page, whatever `per_page` the URL asks for.
    """

    MAX_PER_PAGE = 200

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, max(1, min(int(per_page), self.MAX_PER_PAGE)), *args, **kwargs)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except PageNotAnInteger:
            return 1
        except EmptyPage:
            return max(self.num_pages, 1)


def ordered_to_the_row(queryset: QuerySet) -> QuerySet:
    """The queryset ordered as asked, then by primary key: rows that tie on the columns sorted on (two employees
    both named Marie Martin) keep one place, so that none shows on two pages and none on neither."""
    query = queryset.query
    ordering = list(query.order_by or (query.default_ordering and queryset.model._meta.ordering) or ())
    primary_key = queryset.model._meta.pk.name
    if ordering and ordering[-1] in ("pk", "-pk", primary_key, f"-{primary_key}"):
        return queryset
    return queryset.order_by(*ordering, "pk")


class CountInPageQuery:
    """Pagination reading a page and the total in one query (COUNT(*) OVER ()).

    A count query and a page query each scan the rows (at full scale, the catalogue's main cost). A page
    number out of range gets the paginator's correction (ForgivingPaginator: the last page), the rows counted.

    A table whose render_body draws its rows itself may name the fields it reads in `page_fields` (the model's
    own fields, or "pk"): the page is then read as dictionaries (`.values()`), not model instances. Building 25
    instances cost about 0.15 ms, 3 % of the employee list's time.
    """

    LAST_OFFSET = 2**31
    page_fields: tuple[str, ...] | None = None

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        self.data.data = ordered_to_the_row(self.data.data)
        paginator = paginator_class(self.rows, per_page or self._meta.per_page, *args, **kwargs)
        try:
            number = int(page)
        except (TypeError, ValueError):
            number = 1
        records = self.records_of_page(number, paginator.per_page)
        if records:
            paginator.count = self.total_of(records[0])
        elif number == 1:
            paginator.count = 0
        else:  # past the end, or below 1: the paginator's correction (or its error), counting the rows
            number = paginator.validate_number(number)
            records = self.records_of_page(number, paginator.per_page)
        self.paginator = paginator
        self.page = Page(BoundRows(records, table=self), number, paginator)
        self.page_records = records
        return self

    def records_of_page(self, number: int, per_page: int) -> list:
        start = (number - 1) * per_page
        # An offset no list can reach (nor a database integer hold) is a page past the end.
        if number < 1 or start > self.LAST_OFFSET:
            return []
        total = Window(Count("pk"))
        if self.page_fields is None:
            rows = self.data.data.annotate(total_rows=total)
        else:
            rows = self.data.data.values(*self.page_fields, total_rows=total)
        return list(rows[start : start + per_page])

    def total_of(self, record) -> int:
        return record["total_rows"] if self.page_fields is not None else record.total_rows

    def paginated_records(self) -> list:
        """The records of the page shown (dictionaries when the table names its `page_fields`), for a render_body
        that draws them itself: no row objects needed."""
        records = getattr(self, "page_records", None)
        if records is not None:
            return records
        # Not paginated here (every row, or django-tables2's own pagination): model instances.
        records = [row.record for row in self.paginated_rows]
        if self.page_fields is not None:
            return [{name: getattr(record, name) for name in self.page_fields} for record in records]
        return records
