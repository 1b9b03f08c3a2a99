from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adherents.identifiers import normalise
from adherents.models import (
    EMPLOYEE_DATA_FIELDS,
    INSERTION_CONTRACTS,
    PERMANENT_CONTRACTS,
    Employee,
    Organisation,
    Population,
)
from core.exports import refuse_formula

# What people put between a phone number's digits; "(0)" is the French zero written after +33.
PHONE_PUNCTUATION = str.maketrans("", "", " .-/()\u00a0\u202f")


def normalise_mobile(value: str) -> str:
    """French numbers in international form: '06 12 34 56 78' and '+33 (0)6 12 34 56 78' become '+33612345678'.
    Anything but digits, a leading + and punctuation is kept, for the validator to refuse."""
    compact = value.replace("(0)", "").translate(PHONE_PUNCTUATION)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if len(compact) == 10 and compact.startswith("0"):
        compact = "+33" + compact[1:]
    return compact


class SiretField(forms.CharField):
    """A SIRET as people type it ('732 829 320 00074'), checked and stored without its spaces."""

    def to_python(self, value):
        return normalise(super().to_python(value))


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 -- an admin form: the admin chooses the fields
        field_classes = {"siret": SiretField}


class MobileField(forms.CharField):
    """A phone number as people type it, checked (length, digits) once put in international form."""

    def to_python(self, value):
        return normalise_mobile(super().to_python(value))


class EmployeeDataForm(forms.ModelForm):
    """The rules of an employee's data wherever it is typed: HR's form, the CSV import and the admin."""

    class Meta:
        model = Employee
        fields = EMPLOYEE_DATA_FIELDS
        field_classes = {"mobile": MobileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("last_name", "first_name", "job_title"):
            self.fields[name].validators.append(refuse_formula)

    def employee_organisation(self):
        return self.cleaned_data.get("organisation")

    def email_taken(self, email: str, organisation) -> bool:
        return (Employee.objects.active().filter(organisation=organisation, email=email)
                .exclude(pk=self.instance.pk).exists())

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        organisation = self.employee_organisation()
        if email and organisation is not None and self.email_taken(email, organisation):
            raise ValidationError(_("Another employee of your organisation already has this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        population, contract = cleaned.get("population"), cleaned.get("contract_type")
        if population and contract:
            allowed = INSERTION_CONTRACTS if population == Population.INSERTION else PERMANENT_CONTRACTS
            if contract not in allowed and contract != "AUTRE":
                self.add_error(
                    "contract_type",
                    _("A %(contract)s contract does not fit the population “%(population)s”.")
                    % {"contract": contract, "population": Population(population).label},
                )
        return cleaned

    def _get_validation_exclusions(self):
        # What clean_email() and clean() check with clear messages, the model's constraints would check again with
        # a query each (a CheckConstraint is evaluated by the database): once a row, in an import. The form fields
        # check the e-mail's format and the choices; the database keeps both constraints.
        return super()._get_validation_exclusions() | {"email", "population", "contract_type"}


class EmployeeForm(EmployeeDataForm):
    """One employee's data, as HR types it or as a CSV row carries it, for HR's own organisation."""

    class Meta(EmployeeDataForm.Meta):
        widgets = {"adaptation_need": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, taken_emails: set[str] | None = None, **kwargs):
        """`taken_emails`: the current employees' addresses, read once for a whole file rather than once a row."""
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.taken_emails = taken_emails

    def employee_organisation(self):
        return self.organisation

    def email_taken(self, email: str, organisation) -> bool:
        if self.taken_emails is None:
            return super().email_taken(email, organisation)
        return email in self.taken_emails


class EmployeeAdminForm(EmployeeDataForm):
    """The admin's employee form: every field, the same rules."""

    class Meta(EmployeeDataForm.Meta):
        fields = "__all__"  # noqa: DJ007 -- an admin form: the admin chooses the fields


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows (Excel) encoding, separated by semicolons or commas. Max. 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
