from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adherents.models import EMPLOYEE_DATA_FIELDS, INSERTION_CONTRACTS, PERMANENT_CONTRACTS, Employee, Population
from core.exports import refuse_formula


def normalise_mobile(value: str) -> str:
    """French numbers in international form: '06 12 34 56 78' becomes '+33612345678'."""
    digits = "".join(char for char in value if char.isdigit() or char == "+")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        digits = "+33" + digits[1:]
    return digits


class EmployeeForm(forms.ModelForm):
    """One employee's data, as HR types it or as a CSV row carries it."""

    class Meta:
        model = Employee
        fields = EMPLOYEE_DATA_FIELDS
        widgets = {"adaptation_need": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        for name in ("last_name", "first_name", "job_title"):
            self.fields[name].validators.append(refuse_formula)

    def clean_mobile(self) -> str:
        return normalise_mobile(self.cleaned_data["mobile"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email:
            taken = Employee.objects.filter(organisation=self.organisation, email=email).exclude(pk=self.instance.pk)
            if taken.exists():
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

    def validate_unique(self):
        # The e-mail uniqueness is checked in clean_email with a clear message; the rest as usual.
        exclude = self._get_validation_exclusions()
        exclude.add("email")
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows (Excel) encoding, separated by semicolons or commas. Max. 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
