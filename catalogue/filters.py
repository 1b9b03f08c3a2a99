import django_filters
from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from adherents.models import Delegation
from catalogue.forms import PriceField
from catalogue.models import Audience, Course, Modality, Theme
from catalogue.search import normalise as collation_key
from catalogue.sessions import with_upcoming_session
from core.declarations import ListFilterSet


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates, which Django always accepts."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


FILTER_CHOICES_KEY = "catalogue:filter-choices"
FILTER_CHOICES_TIMEOUT = 300  # seconds: the most a process's own memory cache may lag behind a renamed theme


def choice_lists() -> tuple[list[tuple], list[tuple]]:
    """(pk, slug, name) of every theme and (pk, code, name) of every delegation, by name.

    Read from the cache: they change a few times a year, and reading them cost a tenth of the catalogue
    page. A theme or delegation saved or deleted clears the cached lists (see CatalogueConfig.ready).
    """
    lists = cache.get(FILTER_CHOICES_KEY)
    if lists is None:
        lists = read_choice_lists()
        cache.set(FILTER_CHOICES_KEY, lists, FILTER_CHOICES_TIMEOUT)
    return lists


def forget_choice_lists(**kwargs) -> None:
    # After the commit: a page drawn in between would put the old lists back. Bulk writes send no signal and
    # another process's memory cache is out of reach: there, FILTER_CHOICES_TIMEOUT is the bound.
    transaction.on_commit(lambda: cache.delete(FILTER_CHOICES_KEY))


def read_choice_lists() -> tuple[list[tuple], list[tuple]]:
    """Both lists in one query (a UNION)."""
    themes = Theme.objects.order_by().annotate(kind=Value("theme")).values_list("kind", "pk", "slug", "name")
    delegations = Delegation.objects.order_by().annotate(kind=Value("delegation")).values_list(
        "kind", "pk", "code", "name"
    )
    rows = sorted(themes.union(delegations, all=True), key=lambda row: (row[0], collation_key(row[3])))
    return [row[1:] for row in rows if row[0] == "theme"], [row[1:] for row in rows if row[0] == "delegation"]


class PriceFilter(django_filters.NumberFilter):
    """A price bound typed as in the course form ("149,50" or "149.50"), see PriceField."""

    field_class = PriceField


class CourseFilterForm(forms.Form):
    """Ranges typed backwards are put right; a negative price bound means no bound."""

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        low = low if low is not None and low > 0 else None
        high = high if high is not None and high >= 0 else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        cleaned["min_price"], cleaned["max_price"] = low, high
        after, before = cleaned.get("session_from"), cleaned.get("session_until")
        if after is not None and before is not None and after > before:
            cleaned["session_from"], cleaned["session_until"] = before, after
        return cleaned


class CourseFilter(ListFilterSet):
    """The public catalogue's filters; `listed_price` is the price this visitor pays (see Course.for_listing)."""

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    theme = django_filters.ChoiceFilter(label=_("Theme"), field_name="themes__slug", empty_label=_("All themes"))
    modality = django_filters.ChoiceFilter(label=_("Modality"), choices=Modality.choices, empty_label=_("All modalities"))
    audience = django_filters.ChoiceFilter(
        label=_("Audience"), choices=Audience.choices, method="for_audience", empty_label=_("Any audience")
    )
    min_price = PriceFilter(label=_("Price from (€)"), field_name="listed_price", lookup_expr="gte")
    max_price = PriceFilter(label=_("Price up to (€)"), field_name="listed_price", lookup_expr="lte")
    # The session filters apply together, in filter_queryset: one session must meet them all.
    upcoming = django_filters.BooleanFilter(
        label=_("Only courses with an upcoming session"), widget=forms.CheckboxInput, method="together"
    )
    delegation = django_filters.ChoiceFilter(
        label=_("Session in the delegation"), method="together", empty_label=_("Any delegation")
    )
    session_from = django_filters.DateFilter(label=_("Session from"), widget=DateInput, method="together")
    session_until = django_filters.DateFilter(label=_("Session until"), widget=DateInput, method="together")

    class Meta:
        model = Course
        form = CourseFilterForm
        fields = ["q", "theme", "modality", "audience", "min_price", "max_price", "upcoming", "delegation",
                  "session_from", "session_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Plain (value, label) lists read once: a ModelChoiceField reads its options through a server-side
        # cursor on PostgreSQL, and callable choices run their query each time they are iterated.
        # `theme_names` then names the themes of each listed course (see Course.for_listing).
        themes, delegations = choice_lists()
        self.filters["theme"].extra["choices"] = [(slug, name) for _pk, slug, name in themes]
        self.theme_names = {pk: name for pk, _slug, name in themes}
        self.filters["delegation"].extra["choices"] = [(code, name) for _pk, code, name in delegations]

    def together(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        conditions = {"delegation": data.get("delegation"), "after": data.get("session_from"),
                      "before": data.get("session_until")}
        if data.get("upcoming") or any(conditions.values()):
            queryset = with_upcoming_session(queryset, **conditions)
        return queryset

    def search(self, queryset, name, value):
        return queryset.matching(value)

    def for_audience(self, queryset, name, value):
        """A course open to all audiences suits every audience."""
        if value == Audience.ALL:
            return queryset.filter(audience=Audience.ALL)
        return queryset.filter(audience__in=[value, Audience.ALL])


class StaffCourseFilter(CourseFilter):
    """Training staff also see unpublished courses, and may pick them out."""

    published = django_filters.ChoiceFilter(
        label=_("Status"), choices=[("yes", _("published")), ("no", _("unpublished"))], method="by_status",
        empty_label=_("All courses"),
    )

    class Meta(CourseFilter.Meta):
        fields = [*CourseFilter.Meta.fields, "published"]

    def by_status(self, queryset, name, value):
        return queryset.filter(published=value == "yes")
