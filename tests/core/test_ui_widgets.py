"""The house widget filter draws selects and text-like inputs in Python: exactly what Django's templates draw."""

import datetime

import pytest
from django import forms
from django.test.html import parse_html

from core.templatetags.ui import widget, widget_attrs


class SampleForm(forms.Form):
    name = forms.CharField(max_length=20, help_text="Le nom")
    count = forms.IntegerField(min_value=0, required=False)
    price = forms.DecimalField(required=False, localize=True)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"placeholder": 'a "quoted" <b>'}))
    q = forms.CharField(required=False, widget=forms.SearchInput)
    kind = forms.ChoiceField(choices=[("", "---"), ("a", "A & co"), ("b", "<B>")], required=False)


def django_rendering(field):
    """What BoundField.as_widget() draws through Django's templates, with the same attributes."""
    return field.as_widget(attrs=widget_attrs(field))


@pytest.mark.parametrize("data", [
    None,
    {"name": 'x"><script>alert(1)</script>', "count": "-3", "price": "12,50", "day": "2026-11-26",
     "email": "not an e-mail", "q": "sécurité & co", "kind": "b"},
    {"name": "", "count": "abc", "kind": "zzz"},
])
@pytest.mark.parametrize("name", ["name", "count", "price", "day", "email", "q", "kind"])
def test_the_same_markup_as_django(data, name):
    form = SampleForm(data=data, initial={"day": datetime.date(2026, 1, 2), "count": 4})
    form.is_valid()
    field = form[name]
    assert parse_html(widget(field)) == parse_html(django_rendering(field))


def test_values_are_escaped():
    form = SampleForm(data={"name": '"><script>'})
    html = widget(form["name"])
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html


def test_errors_and_help_are_announced():
    form = SampleForm(data={"name": "", "count": "abc"})
    form.is_valid()
    count = widget(form["count"])
    assert 'class="form-control is-invalid"' in count and 'aria-invalid="true"' in count
    assert 'aria-describedby="id_count_errors"' in count
    assert 'aria-describedby="id_name_errors"' in widget(form["name"])
    assert 'aria-describedby="id_name_help"' in widget(SampleForm()["name"])
    assert 'class="form-select"' in widget(SampleForm()["kind"])


class TrainersForm(forms.Form):
    trainers = forms.MultipleChoiceField(label="Formateurs", choices=[("1", "Inès <Morel>"), ("2", "Marc Dupuis")],
                                         widget=forms.CheckboxSelectMultiple, help_text="Un ou plusieurs.")


def test_a_checkbox_group_is_a_fieldset_whose_every_box_has_its_label():
    from django.template.loader import render_to_string

    html = render_to_string("includes/field.html", {"field": TrainersForm({"trainers": ["2"]})["trainers"]})
    assert html.count("<fieldset") == 1 and "<legend" in html and 'for=""' not in html and "form-control" not in html
    assert 'aria-describedby="id_trainers_help"' in html and "Inès &lt;Morel&gt;" in html
    for number in (0, 1):
        assert f'id="id_trainers_{number}"' in html and f'<label class="form-check-label" for="id_trainers_{number}">' in html
    assert html.count('class="form-check-input"') == 2 and html.count("checked") == 1
    invalid = render_to_string("includes/field.html", {"field": TrainersForm({"trainers": ["9"]})["trainers"]})
    assert 'aria-describedby="id_trainers_errors"' in invalid and invalid.count("form-check-input is-invalid") == 2
