import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from adherents.models import Organisation
from catalogue.models import Course
from core.fields import ModelChoicesField
from formation.calendar_fr import is_working_day
from formation.models import Session, Trainer, Venue

# How far back and ahead a session's dates may be set: beyond, a typing slip (year 9999 or 0001), which would
# otherwise overflow the date arithmetic and answer a server error.
YEARS_BACK, YEARS_AHEAD = 2, 3


def within_planning_horizon(day: datetime.date) -> None:
    today = timezone.localdate()
    first = today - datetime.timedelta(days=365 * YEARS_BACK)
    last = today + datetime.timedelta(days=365 * YEARS_AHEAD)
    if not first <= day <= last:
        raise ValidationError(_("Choose a date between %(first)s and %(last)s.")
                              % {"first": date_format(first, "SHORT_DATE_FORMAT"),
                                 "last": date_format(last, "SHORT_DATE_FORMAT")})


def planning_date(label) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}),
                           validators=[within_planning_horizon])


class SessionForm(forms.Form):
    """A new session; its half-days are generated from the start date and the course's duration."""

    course = forms.CharField(label=_("Course code"), max_length=40, help_text=_("For instance ASP-01."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices, initial=Session.Kind.INTER)
    organisation = forms.ModelChoiceField(
        label=_("Organisation (intra sessions only)"), queryset=Organisation.objects.all(), required=False
    )
    start_date = planning_date(_("First day"))
    enrolment_deadline = planning_date(_("Enrolment deadline"))
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.select_related("delegation"), required=False)
    remote_url = forms.URLField(label=_("Remote link"), required=False, assume_scheme="https")
    trainers = ModelChoicesField(
        label=_("Trainers"), queryset=Trainer.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500, initial=12)
    min_participants = forms.IntegerField(label=_("Minimum participants"), min_value=1, max_value=500, initial=6)

    def clean_course(self) -> Course:
        code = self.cleaned_data["course"].strip().upper()
        course = Course.objects.filter(code=code).first()
        if course is None:
            raise ValidationError(_("No course has the code %(code)s.") % {"code": code})
        return course

    def clean_start_date(self) -> datetime.date:
        start = self.cleaned_data["start_date"]
        if start < timezone.localdate():
            raise ValidationError(_("The first day cannot be in the past."))
        return start

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Session.Kind.INTRA and not cleaned.get("organisation"):
            self.add_error("organisation", _("An intra session is organised for one organisation: choose it."))
        if not cleaned.get("venue") and not cleaned.get("remote_url"):
            self.add_error("venue", _("Give a venue or a remote link."))
        if cleaned.get("min_participants") and cleaned.get("capacity") and cleaned["min_participants"] > cleaned["capacity"]:
            self.add_error("min_participants", _("The minimum cannot exceed the capacity."))
        start, deadline = cleaned.get("start_date"), cleaned.get("enrolment_deadline")
        if start and deadline and deadline > start:
            self.add_error("enrolment_deadline", _("The enrolment deadline must be on or before the first day."))
        return cleaned


class SessionChangeForm(forms.Form):
    """What can change on a scheduled session (its half-days move one by one)."""

    enrolment_deadline = planning_date(_("Enrolment deadline"))
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.select_related("delegation"), required=False)
    remote_url = forms.URLField(label=_("Remote link"), required=False, assume_scheme="https")
    trainers = ModelChoicesField(
        label=_("Trainers"), queryset=Trainer.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500)
    min_participants = forms.IntegerField(label=_("Minimum participants"), min_value=1, max_value=500)

    @classmethod
    def for_session(cls, session: Session, data=None) -> "SessionChangeForm":
        return cls(data, initial={
            "enrolment_deadline": session.enrolment_deadline, "venue": session.venue_id, "remote_url": session.remote_url,
            "trainers": list(session.trainers.all()), "capacity": session.capacity,
            "min_participants": session.min_participants,
        })


class SlotForm(forms.Form):
    day = planning_date(_("Day"))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    on_a_day_off = forms.BooleanField(label=_("Move it even onto a weekend or a public holiday"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts") and cleaned.get("ends") and cleaned["ends"] <= cleaned["starts"]:
            self.add_error("ends", _("A half-day must end after it starts."))
        day = cleaned.get("day")
        if day and not is_working_day(day) and not cleaned.get("on_a_day_off"):  # a slip, unless asked for
            self.add_error("day", _("%(day)s is a weekend or a public holiday: tick the box below to move the "
                                    "half-day there anyway.") % {"day": capfirst(date_format(day, "l j F Y"))})
        return cleaned

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        day = self.cleaned_data["day"]
        return (
            timezone.make_aware(datetime.datetime.combine(day, self.cleaned_data["starts"])),
            timezone.make_aware(datetime.datetime.combine(day, self.cleaned_data["ends"])),
        )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to everyone enrolled)"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmSessionForm(forms.Form):
    despite_minimum = forms.BooleanField(label=_("Confirm even below the minimum of participants"), required=False)


class EnrolForm(forms.Form):
    """The employees to enrol. The price is never a field: the service computes it."""

    employees = ModelChoicesField(
        label=_("Employees to enrol"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one employee.")},
    )

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].queryset = employees
