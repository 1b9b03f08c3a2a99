"""Form fields shared by the apps."""

import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Theme
from core.fields import ModelChoicesField
from tests.catalogue.factories import ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("junk", ["9" * 30, "\u00b2", "-1", "1e3", "abc"])
def test_an_id_no_database_integer_holds_is_an_invalid_choice(junk):
    theme = ThemeFactory()
    field = ModelChoicesField(queryset=Theme.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([str(theme.pk), junk])
    assert refused.value.code == "invalid_choice"
    assert list(field.clean([str(theme.pk)])) == [theme]
