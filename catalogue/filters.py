import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import Audience, Course, Modality, Theme


class CourseFilterForm(forms.Form):
    """Ranges typed backwards are put right; a negative bound means no bound."""

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        low = low if low is not None and low > 0 else None
        high = high if high is not None and high >= 0 else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        cleaned["min_price"], cleaned["max_price"] = low, high
        return cleaned


class CourseFilter(django_filters.FilterSet):
    """The public catalogue's filters; `listed_price` is the price this visitor pays (see Course.for_listing)."""

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.only("name", "slug"), to_field_name="slug"
    )
    modality = django_filters.ChoiceFilter(label=_("Modality"), choices=Modality.choices)
    audience = django_filters.ChoiceFilter(label=_("Audience"), choices=Audience.choices, method="for_audience")
    min_price = django_filters.NumberFilter(label=_("Price from (€)"), field_name="listed_price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(label=_("Price up to (€)"), field_name="listed_price", lookup_expr="lte")

    class Meta:
        model = Course
        form = CourseFilterForm
        fields = ["q", "theme", "modality", "audience", "min_price", "max_price"]

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
        label=_("Status"), choices=[("yes", _("published")), ("no", _("unpublished"))], method="by_status"
    )

    class Meta(CourseFilter.Meta):
        fields = [*CourseFilter.Meta.fields, "published"]

    def by_status(self, queryset, name, value):
        return queryset.filter(published=value == "yes")
