"""Course lists: tables drawn on the page, and tables for the CSV/Excel exports.

A page's table has only the columns it shows: django-tables2 copies every column of a table for each
request (cheaply for the page's table, see core/declarations.py), so the exports' extra columns live in their
own tables (see CourseListMixin).
"""

from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogue.display import PriceCell, number, short_duration_format
from catalogue.models import Audience, Course, Modality
from catalogue.pricing import Rates
from catalogue.sessions import order_by_next_session
from core.columns import DateTimeColumn
from core.declarations import ListTable


class CourseColumns(tables.Table):
    """What every course list has: themes named from the ids listed with each course (see
    Course.for_listing), and the sort keys of the catalogue (sorting an export like its page); titles sort
    by their accent-free form (Course.sort_title)."""

    code = tables.Column()
    title = tables.Column(verbose_name=_("Course"), order_by=("sort_title", "pk"))
    themes = tables.Column(verbose_name=_("Themes"), orderable=False)
    next_session = DateTimeColumn(verbose_name=_("Next session"), format="d/m/Y")

    class Meta:
        model = Course
        fields = ()
        order_by = ("title",)

    def __init__(self, *args, theme_names: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_names = theme_names

    def themes_of(self, course: Course) -> list[str]:
        # A theme created since the names were read is left out rather than failing the page.
        ids = course.theme_ids.split(",") if course.theme_ids else []
        return sorted(name for name in map(self.theme_names.get, map(int, ids)) if name is not None)

    def value_themes(self, record) -> str:
        return ", ".join(self.themes_of(record))

    def value_next_session(self, value):
        return localtime(value).date() if value else None

    def order_next_session(self, queryset, is_descending):
        return order_by_next_session(queryset, is_descending), True


def sort_only(**kwargs) -> tables.Column:
    return tables.Column(visible=False, exclude_from_export=True, **kwargs)


class CourseExportTable(CourseColumns):
    """The public information of the filtered courses, as a spreadsheet."""

    audience = tables.Column()
    modality = tables.Column()
    duration_hours = tables.Column()
    duration_days = tables.Column()
    member_price = tables.Column()
    public_price = tables.Column()
    intra_price_per_day = tables.Column()
    nsf_code = tables.Column()
    certification_code = tables.Column()
    duration = sort_only(order_by=("duration_hours",))
    listed_price = sort_only()


class StaffCourseExportTable(CourseExportTable):
    published = tables.Column(verbose_name=_("Status"))
    updated_at = DateTimeColumn(verbose_name=_("Last updated"))

    class Meta(CourseExportTable.Meta):
        order_by = ("-updated_at",)

    def value_published(self, value) -> str:
        return gettext("published") if value else gettext("unpublished")


class CourseTable(ListTable, CourseColumns):
    """The public catalogue page. Sorting comes from django-tables2; the rows of a page are drawn in
    Python by render_body (see adherents/tables.py)."""

    modality = tables.Column()
    duration = tables.Column(verbose_name=_("Duration"), order_by=("duration_hours",), empty_values=())
    listed_price = tables.Column(verbose_name=_("Price per trainee"))

    class Meta(CourseColumns.Meta):
        sequence = ("code", "title", "themes", "modality", "duration", "next_session", "listed_price")

    def __init__(self, *args, rates: Rates, **kwargs):
        super().__init__(*args, **kwargs)
        self.rates = rates

    def render_body(self) -> SafeString:
        shown = [column.name for column in self.columns]
        rows = []
        for record in self.paginated_records():
            cells = self.cells(record)
            rows.append(f"<tr>{''.join(cells[name] for name in shown)}</tr>")
        return mark_safe("".join(rows))  # noqa: S308 -- every value is escaped in cells()

    @property
    def labels(self) -> dict:
        """Per-page constants: one reverse() and one translation per label rather than one per row."""
        if not hasattr(self, "_labels"):
            self._labels = {
                "base": escape(reverse("catalogue:list")),
                "audiences": {value: escape(str(label)) for value, label in Audience.choices},
                "modalities": {value: escape(str(label)) for value, label in Modality.choices},
                "price": PriceCell(self.rates),
                "none": escape(gettext("none scheduled")),
                "duration": short_duration_format(),
            }
        return self._labels

    def cells(self, course: Course) -> dict[str, str]:
        """The cell of each column a page may show, every value escaped."""
        labels = self.labels
        themes = escape(", ".join(self.themes_of(course)))
        next_session = f"{localtime(course.next_session):%d/%m/%Y}" if course.next_session else labels["none"]
        duration, hours, days = labels["duration"], number(course.duration_hours), number(course.duration_days)
        return {
            "code": f'<td class="text-nowrap">{escape(course.code)}</td>',
            "title": f'<td><a href="{labels["base"]}{escape(course.slug)}/">{escape(course.title)}</a>'
                     f'<div class="small text-body-secondary">{labels["audiences"][course.audience]}</div></td>',
            "themes": f'<td class="small">{themes}</td>',
            "modality": f'<td class="text-nowrap">{labels["modalities"][course.modality]}</td>',
            "duration": f'<td class="text-nowrap">{escape(duration % {"hours": hours, "days": days})}</td>',
            "next_session": f'<td class="text-nowrap">{next_session}</td>',
            "listed_price": f'<td>{labels["price"].html(course.member_price, course.public_price)}</td>',
        }


class StaffCourseTable(CourseTable):
    """Every course, published or not, with what training staff do to them."""

    published = tables.Column(verbose_name=_("Status"))
    updated_at = DateTimeColumn(verbose_name=_("Last updated"))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(CourseTable.Meta):
        sequence = ("code", "title", "next_session", "listed_price", "published", "updated_at", "actions", "...")
        order_by = ("-updated_at",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("themes", "modality", "duration"):
            self.columns.hide(name)

    @property
    def labels(self) -> dict:
        labels = super().labels
        if "edit" not in labels:
            labels |= {
                "manage": escape(reverse("catalogue:manage")),
                "edit": escape(gettext("Edit")),
                "duplicate": escape(gettext("Duplicate")),
                "published": escape(gettext("published")),
                "unpublished": escape(gettext("unpublished")),
            }
        return labels

    def cells(self, course: Course) -> dict[str, str]:
        labels = self.labels
        status = (f'<span class="badge text-bg-success">{labels["published"]}</span>' if course.published
                  else f'<span class="badge text-bg-secondary">{labels["unpublished"]}</span>')
        manage = f'{labels["manage"]}{course.pk}/'
        hidden_name = f'<span class="visually-hidden"> {escape(course.code)}</span>'
        return super().cells(course) | {
            "published": f"<td>{status}</td>",
            "updated_at": f'<td class="text-nowrap">{localtime(course.updated_at):%d/%m/%Y %H:%M}</td>',
            "actions": f'<td class="text-nowrap"><a class="btn btn-sm btn-outline-secondary" href="{manage}modifier/">'
                       f'{labels["edit"]}{hidden_name}</a> <a class="btn btn-sm btn-outline-secondary" '
                       f'href="{manage}dupliquer/">{labels["duplicate"]}{hidden_name}</a></td>',
        }
