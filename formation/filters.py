import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adherents.models import Delegation
from formation.models import Enrolment, Session, Trainer


def month_bounds(value: str) -> tuple[datetime.datetime, datetime.datetime] | None:
    """'2026-03' → the first instants of March and April 2026, Paris time; None when malformed."""
    try:
        first = datetime.datetime.strptime(value, "%Y-%m")
    except ValueError:
        return None
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return timezone.make_aware(first), timezone.make_aware(following)


def week_bounds(value: str) -> tuple[datetime.datetime, datetime.datetime] | None:
    """'2026-W10' (ISO week) → its Monday and the next Monday, Paris time; None when malformed."""
    try:
        monday = datetime.datetime.strptime(value + "-1", "%G-W%V-%u")
    except ValueError:
        return None
    return timezone.make_aware(monday), timezone.make_aware(monday + datetime.timedelta(days=7))


class SessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Course"), method="search", max_length=200)
    month = django_filters.CharFilter(label=_("Month"), method="in_month", widget=forms.TextInput(attrs={"type": "month"}))
    week = django_filters.CharFilter(label=_("Week"), method="in_week", widget=forms.TextInput(attrs={"type": "week"}))
    delegation = django_filters.ModelChoiceFilter(
        label=_("Regional delegation"), field_name="venue__delegation", queryset=Delegation.objects.all()
    )
    trainer = django_filters.CharFilter(label=_("Trainer"), method="by_trainer", max_length=100)
    venue = django_filters.CharFilter(label=_("Venue or city"), method="by_venue", max_length=100)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Session.Status.choices)

    class Meta:
        model = Session
        fields = ["q", "month", "week", "delegation", "trainer", "venue", "status"]

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(course__title__icontains=word) | Q(course__code__icontains=word))
        return queryset

    def by_trainer(self, queryset, name, value):
        trainers = Trainer.objects.all()
        for word in value.split()[:4]:
            trainers = trainers.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
        return queryset.filter(pk__in=Session.trainers.through.objects.filter(trainer__in=trainers).values("session"))

    def by_venue(self, queryset, name, value):
        return queryset.filter(Q(venue__name__icontains=value) | Q(venue__city__icontains=value))

    def in_month(self, queryset, name, value):
        return self.between(queryset, month_bounds(value))

    def in_week(self, queryset, name, value):
        return self.between(queryset, week_bounds(value))

    @staticmethod
    def between(queryset, bounds):
        if bounds is None:
            return queryset.none()
        start, end = bounds
        return queryset.filter(starts_at__lt=end, ends_at__gt=start)


class EnrolmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Enrolment.Status.choices)
    after = django_filters.DateFilter(label=_("Sessions from"), field_name="session__starts_at", lookup_expr="date__gte")
    before = django_filters.DateFilter(label=_("until"), field_name="session__starts_at", lookup_expr="date__lte")

    class Meta:
        model = Enrolment
        fields = ["q", "status", "after", "before"]

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(employee__last_name__icontains=word) | Q(employee__first_name__icontains=word)
                | Q(session__course__title__icontains=word) | Q(session__course__code__icontains=word)
            )
        return queryset
