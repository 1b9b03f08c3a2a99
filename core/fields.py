"""Form fields every app may use."""

from django import forms
from django.core.exceptions import ValidationError

LONGEST_ID = 18  # digits: every id of 18 digits or fewer fits a 64-bit database integer


class ModelChoicesField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id, where an id no database integer can hold is an invalid choice like any
    unknown one (SQLite cannot even compare it: a 500 before)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                text = str(pk)
                if not (text.isascii() and text.isdigit() and len(text) <= LONGEST_ID):
                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                          params={"value": pk})
        return super()._check_values(value)
