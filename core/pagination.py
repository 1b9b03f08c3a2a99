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
    number past the end (or below 1) falls back to the usual count, and the paginator's correction.
    """

    LAST_OFFSET = 2**31

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        self.data.data = ordered_to_the_row(self.data.data)
        paginator = paginator_class(self.rows, per_page or self._meta.per_page, *args, **kwargs)
        try:
            number = int(page)
        except (TypeError, ValueError):
            number = 1
        start = (number - 1) * paginator.per_page
        # An offset no list can reach (nor a database integer hold) is a page past the end.
        records = [] if number < 1 or start > self.LAST_OFFSET else list(
            self.data.data.annotate(total_rows=Window(Count("pk")))[start:start + paginator.per_page]
        )
        if not records and number != 1:
            return super().paginate(paginator_class, per_page, page, *args, **kwargs)
        paginator.count = records[0].total_rows if records else 0
        self.paginator = paginator
        self.page = Page(BoundRows(records, table=self), number, paginator)
        self.page_records = records
        return self

    def paginated_records(self):
        """The records of the page shown, for a render_body that draws them itself (no row objects needed)."""
        records = getattr(self, "page_records", None)
        return records if records is not None else [row.record for row in self.paginated_rows]
