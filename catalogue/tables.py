from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogue.display import PriceCell, duration
from catalogue.models import Audience, Course, Modality
from catalogue.pricing import Rates


def export_only(**kwargs) -> tables.Column:
    return tables.Column(visible=False, **kwargs)


class CourseTable(tables.Table):
    """The public catalogue. Sorting and export come from django-tables2; the rows of a page are drawn
    in Python by render_body (see adherents/tables.py). Hidden columns are in the exports only."""

    code = tables.Column()
    title = tables.Column(verbose_name=_("course"))
    themes = tables.Column(verbose_name=_("themes"), orderable=False)
    modality = tables.Column()
    duration = tables.Column(
        verbose_name=_("duration"), accessor="duration_hours", order_by=("duration_hours",), exclude_from_export=True
    )
    listed_price = tables.Column(verbose_name=_("price per trainee"), exclude_from_export=True)
    audience = export_only()
    duration_hours = export_only()
    duration_days = export_only()
    member_price = export_only()
    public_price = export_only()
    intra_price_per_day = export_only()
    nsf_code = export_only()
    certification_code = export_only()

    class Meta:
        model = Course
        fields = ()
        order_by = ("title",)

    def __init__(self, *args, rates: Rates, **kwargs):
        super().__init__(*args, **kwargs)
        self.rates = rates

    def value_themes(self, record) -> str:
        return ", ".join(theme.name for theme in record.themes.all())

    def render_body(self) -> SafeString:
        return mark_safe("".join(f"<tr>{''.join(self.cells(row.record))}</tr>" for row in self.paginated_rows))  # noqa: S308

    @property
    def labels(self) -> dict:
        """Per-page constants: one reverse() and one translation per label rather than one per row."""
        if not hasattr(self, "_labels"):
            self._labels = {
                "base": escape(reverse("catalogue:list")),
                "audiences": {value: escape(str(label)) for value, label in Audience.choices},
                "modalities": {value: escape(str(label)) for value, label in Modality.choices},
                "price": PriceCell(self.rates),
            }
        return self._labels

    def cells(self, course: Course) -> list[str]:
        """The cells of the visible columns, in order, every value escaped."""
        labels = self.labels
        themes = ", ".join(escape(theme.name) for theme in course.themes.all())
        return [
            f'<td class="text-nowrap">{escape(course.code)}</td>',
            f'<td><a href="{labels["base"]}{escape(course.slug)}/">{escape(course.title)}</a>'
            f'<div class="small text-body-secondary">{labels["audiences"][course.audience]}</div></td>',
            f'<td class="small">{themes}</td>',
            f"<td>{labels['modalities'][course.modality]}</td>",
            f'<td class="text-nowrap">{escape(duration(course.duration_hours, course.duration_days))}</td>',
            f'<td class="text-nowrap">{labels["price"].html(course.member_price, course.public_price)}</td>',
        ]


class StaffCourseTable(CourseTable):
    """Every course, published or not, with what training staff do to them."""

    published = tables.Column(verbose_name=_("status"))
    updated_at = tables.DateTimeColumn(verbose_name=_("last updated"), format="d/m/Y H:i")
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(CourseTable.Meta):
        sequence = ("code", "title", "themes", "modality", "duration", "listed_price", "published", "updated_at", "...")
        order_by = ("-updated_at",)

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

    def cells(self, course: Course) -> list[str]:
        labels = self.labels
        status = (f'<span class="badge text-bg-success">{labels["published"]}</span>' if course.published
                  else f'<span class="badge text-bg-secondary">{labels["unpublished"]}</span>')
        manage = f'{labels["manage"]}{course.pk}/'
        hidden_name = f'<span class="visually-hidden"> {escape(course.code)}</span>'
        return [
            *super().cells(course),
            f"<td>{status}</td>",
            f'<td class="text-nowrap">{course.updated_at.astimezone(PARIS):%d/%m/%Y %H:%M}</td>',
            f'<td class="text-nowrap"><a class="btn btn-sm btn-outline-secondary" href="{manage}modifier/">'
            f'{labels["edit"]}{hidden_name}</a> <a class="btn btn-sm btn-outline-secondary" href="{manage}dupliquer/">'
            f'{labels["duplicate"]}{hidden_name}</a></td>',
        ]
