import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalogue.models import Course
from core.fields import ModelChoicesField


class LinesField(forms.CharField):
    """A list of strings typed one per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        return [line.strip() for line in (super().to_python(value) or "").splitlines() if line.strip()]


# An amount as people type it: digits, perhaps grouped by threes with spaces, then a comma or a point before
# the decimals. One separator at most, so nothing is guessed: "1.234,50" and "1,234.50" fit no rule.
AMOUNT = re.compile(r"-?([0-9]+|[0-9]{1,3}( [0-9]{3})+)([.,][0-9]+)?")
AMOUNT_LIKE = re.compile(r"[-+0-9 .,]+")


class PriceField(forms.DecimalField):
    """An amount in euros in a text box: a number box lets Chromium drop a French decimal comma, so "150,50"
    reached the server as 15050. Reads "150,50" and "150.50" alike, whatever the page's language, refuses
    both separators together rather than guessing, and shows the current amount localised ("150,50" in French).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    default_error_messages = {
        "amount_format": _("Enter an amount such as 1234,50: digits, then a comma or a point before the cents."),
    }

    def __init__(self, **kwargs):
        super().__init__(**{"localize": True} | kwargs)

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = " ".join(str(value).split())  # any spaces, the narrow no-break space included
        if AMOUNT.fullmatch(text):
            return Decimal(text.replace(" ", "").replace(",", "."))
        if AMOUNT_LIKE.fullmatch(text):
            raise ValidationError(self.error_messages["amount_format"], code="amount_format")
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class CourseIdentityMixin:
    """The code and title of a course form: the code in capitals, and a page address no other course has."""

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("code") and cleaned.get("title"):
            address = Course.address_for(title=cleaned["title"], code=cleaned["code"])
            other = Course.objects.filter(slug=address).exclude(pk=self.instance.pk).first()
            if other is not None:
                self.add_error("title", _("The course %(course)s already has this page address (%(address)s): change "
                                          "the title or the code.") % {"course": other, "address": address})
        return cleaned


class CourseForm(CourseIdentityMixin, forms.ModelForm):
    """A course's public information as training staff type it."""

    objectives = LinesField(label=_("Objectives"), help_text=Course._meta.get_field("objectives").help_text)

    class Meta:
        model = Course
        fields = [
            "code", "title", "themes", "audience", "modality", "duration_hours", "duration_days",
            "objectives", "programme", "prerequisites", "teaching_methods", "evaluation_method",
            "accessibility", "access_delay", "contact_name", "contact_email", "nsf_code", "certification_code",
            "member_price", "public_price", "intra_price_per_day",
        ]
        field_classes = {"themes": ModelChoicesField, "member_price": PriceField, "public_price": PriceField,
                         "intra_price_per_day": PriceField}
        help_texts = {"themes": _("Hold Ctrl (or Cmd on a Mac) to choose several.")}
        widgets = {
            "themes": forms.SelectMultiple(attrs={"size": 8}),
            "programme": forms.Textarea(attrs={"rows": 8}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in (
                "prerequisites", "teaching_methods", "evaluation_method", "accessibility",
            )},
        }

    # Sections of the form page, in order.
    SECTIONS = (
        (_("Identification"), ("code", "title", "themes", "audience", "nsf_code", "certification_code")),
        (_("Content"), ("objectives", "programme", "prerequisites", "teaching_methods", "evaluation_method")),
        (_("Practical arrangements"), ("modality", "duration_hours", "duration_days", "access_delay", "accessibility",
                             "contact_name", "contact_email")),
        (_("Prices"), ("member_price", "public_price", "intra_price_per_day")),
    )

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_nsf_code(self) -> str:
        return self.cleaned_data["nsf_code"].strip().lower()

    def clean_certification_code(self) -> str:
        return "".join(self.cleaned_data["certification_code"].split()).upper()


class CourseDuplicateForm(CourseIdentityMixin, forms.ModelForm):
    """The new code and title of a copy; everything else is copied."""

    class Meta:
        model = Course
        fields = ["code", "title"]
