import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formation.models import Assessment, Attendance, ContactAttempt


class FollowUpForm(forms.Form):
    """Something that happened with a trainee: on a day that has come."""

    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_on(self) -> datetime.date:
        if self.cleaned_data["on"] > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return self.cleaned_data["on"]


class ContactForm(FollowUpForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactAttempt.Channel.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AbandonForm(FollowUpForm):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class SurveyForm(forms.Form):
    SCALE = [(n, str(n)) for n in range(1, 6)]
    overall = forms.TypedChoiceField(label=_("Overall, how satisfied are you with this training?"), choices=SCALE,
                                     coerce=int, widget=forms.RadioSelect)
    content = forms.TypedChoiceField(label=_("Did the content match the announced objectives?"), choices=SCALE,
                                     coerce=int, widget=forms.RadioSelect)
    trainer_rating = forms.TypedChoiceField(label=_("How do you rate the trainer?"), choices=SCALE, coerce=int,
                                            widget=forms.RadioSelect)
    usefulness = forms.TypedChoiceField(label=_("Is it useful for your work?"), choices=SCALE, coerce=int,
                                        widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything to add?"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


ATTENDANCE_CHOICES = Attendance.Status.choices
RESULT_CHOICES = Assessment.Result.choices
