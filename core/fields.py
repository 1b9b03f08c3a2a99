"""Form fields every app may use."""

from django import forms
from django.core.exceptions import ValidationError

LONGEST_ID = 18  # digits: every id of 18 digits or fewer fits a 64-bit database integer


def is_database_id(text: str) -> bool:
    """An id as a form sends it: ASCII digits ("²" is a digit to Python) that a database integer holds."""
    return text.isascii() and text.isdigit() and len(text) <= LONGEST_ID


class ModelChoicesField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id, where an id no database integer can hold is an invalid choice like any
    unknown one (SQLite cannot even compare it: a 500 before)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if not is_database_id(str(pk)):
                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                          params={"value": pk})
        return super()._check_values(value)
