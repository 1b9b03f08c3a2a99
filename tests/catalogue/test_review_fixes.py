"""Fixes from the third acceptance review of the catalogue."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localtime

from catalogue import services
from catalogue.forms import CourseForm
from catalogue.models import Course
from catalogue.search import normalise
from core.models import AuditEntry
from core.roles import Role
from tests.catalogue.factories import CourseFactory, ThemeFactory
from tests.catalogue.test_catalogue_page import catalogue, codes
from tests.catalogue.test_course_editing import course_data
from tests.catalogue.test_sessions_in_catalogue import in_days, session
from tests.factories import DelegationFactory, UserFactory


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Accompagnement", slug="accompagnement")


def edit_data(course, **changes) -> dict:
    """What the edit form sends back untouched: its own values, as the browser shows them."""
    form = CourseForm(instance=course)
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["themes"] = [theme.pk for theme in course.themes.all()]
    data["objectives"] = "\n".join(course.objectives)
    for name in ("member_price", "public_price", "intra_price_per_day"):
        data[name] = form[name].field.widget.format_value(data[name])
    return data | changes


@pytest.mark.django_db
class TestPricesTypedWithADecimalComma:
    @pytest.mark.parametrize("typed", ["455,50", "455.50", "455,5", " 455,50 "])
    def test_a_comma_or_a_point_before_the_cents_saves_the_same_price(self, staff_client, theme, typed):
        response = staff_client.post(reverse("catalogue:create"), course_data(theme, public_price=typed))
        assert response.status_code == 302
        assert Course.objects.get().public_price == Decimal("455.50")

    def test_digits_grouped_by_spaces_are_read_as_one_number(self, staff_client, theme):
        response = staff_client.post(reverse("catalogue:create"), course_data(theme, intra_price_per_day="1\u202f234,50"))
        assert response.status_code == 302 and Course.objects.get().intra_price_per_day == Decimal("1234.50")

    def test_a_plain_number_is_still_a_number(self, staff_client, theme):
        response = staff_client.post(reverse("catalogue:create"), course_data(theme, public_price="15050"))
        assert response.status_code == 302 and Course.objects.get().public_price == Decimal("15050")

    @pytest.mark.parametrize("typed, code", [
        ("1.234,50", "amount_format"),  # a point and a comma: which one is the decimal separator?
        ("1,234.50", "amount_format"),
        ("150,50,00", "amount_format"),
        ("1e3", "invalid"),
        ("1234567", "max_whole_digits"),  # beyond the 999 999,99 a price may be
        ("150,505", "max_decimal_places"),
    ])
    def test_ambiguous_or_absurd_prices_are_refused(self, staff_client, theme, typed, code):
        response = staff_client.post(reverse("catalogue:create"), course_data(theme, public_price=typed))
        assert response.status_code == 200 and not Course.objects.exists()
        assert response.context["form"].errors.as_data()["public_price"][0].code == code

    def test_prices_are_text_boxes_for_decimals_showing_a_decimal_comma(self, staff_client):
        course = CourseFactory(public_price=Decimal("455.50"))
        page = staff_client.get(reverse("catalogue:update", args=[course.pk])).content.decode()
        assert '<input type="text" name="public_price" value="455,50"' in page
        assert 'id="id_public_price" inputmode="decimal"' in page

    def test_the_price_filter_reads_a_decimal_comma(self):
        CourseFactory(code="CHEAP", public_price=Decimal("149.50"), member_price=Decimal("100"))
        CourseFactory(code="DEAR", public_price=Decimal("149.60"), member_price=Decimal("100"))
        assert codes(catalogue(Client(), max_price="149,50")) == ["CHEAP"]
        assert codes(catalogue(Client(), min_price="149,55")) == ["DEAR"]
        page = catalogue(Client(), max_price="149,50").content.decode()
        assert '<input type="text" name="max_price" id="id_max_price" inputmode="decimal"' in page
        assert 'value="149,50"' in page

    def test_the_price_filter_refuses_an_ambiguous_price(self):
        CourseFactory(code="A")
        response = catalogue(Client(), max_price="1.234,50")
        assert codes(response) == []
        assert response.context["filter"].form.errors.as_data()["max_price"][0].code == "amount_format"


@pytest.mark.parametrize("typed, stored", [
    ("d’insertion", "d'insertion"),  # as iOS and macOS type it
    ("d‘insertion", "d'insertion"),
    ("dʼinsertion", "d'insertion"),
    ("salariées", "salarié·es"),
    ("salariees", "salarié•es"),
    ("encadrante", "Encadrant·e"),
])
def test_apostrophes_and_inclusive_spellings_meet(typed, stored):
    assert normalise(typed) == normalise(stored)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["d’insertion", "d'insertion", "salariées", "encadrante"])
def test_the_search_finds_inclusive_titles_whatever_the_apostrophe(client, query):
    CourseFactory(code="A", title="Accueillir les salarié·es en parcours d'insertion",
                  objectives=["Devenir encadrant·e"])
    CourseFactory(code="B", title="Tableur")
    assert codes(catalogue(client, q=query)) == ["A"]


@pytest.mark.django_db
def test_the_search_texts_already_stored_get_one_apostrophe_and_no_inclusive_points():
    course = CourseFactory()
    Course.objects.filter(pk=course.pk).update(search_text="asp-01 salarie·es d’insertion • encadrant·e")
    migration = importlib.import_module("catalogue.migrations.0003_search_text_apostrophes_and_inclusive_points")
    migration.normalise_punctuation(apps, schema_editor=None)
    course.refresh_from_db()
    assert course.search_text == "asp-01 salariees d'insertion encadrante"


@pytest.mark.django_db
class TestNextSessionUnderASessionFilter:
    @pytest.fixture
    def course(self):
        """A course with a session in Brittany in 10 days, then one in Lyon in 40 days."""
        course = CourseFactory(code="TWO")
        session(course, 10, DelegationFactory(code="bretagne", name="Bretagne"))
        session(course, 40, DelegationFactory(code="lyon", name="Lyon"))
        return course

    def next_sessions(self, client, **query) -> list:
        response = catalogue(client, **query)
        return [localtime(row.record.next_session).date() for row in response.context["table"].paginated_rows]

    def test_the_column_shows_the_next_session_that_matches_the_filter(self, client, course):
        in_40_days = in_days(40).date()
        assert self.next_sessions(client, session_from=in_days(20).date().isoformat()) == [in_40_days]
        assert self.next_sessions(client, delegation="lyon") == [in_40_days]
        page = catalogue(client, delegation="lyon").content.decode()
        assert f"{in_days(40):%d/%m/%Y}" in page and f"{in_days(10):%d/%m/%Y}" not in page

    def test_without_a_session_filter_it_is_the_course_s_next_session(self, client, course):
        assert self.next_sessions(client) == [in_days(10).date()]
        assert self.next_sessions(client, upcoming="on") == [in_days(10).date()]

    def test_the_export_shows_the_same_date(self, client, course):
        export = client.get(reverse("catalogue:list") + "?_export=csv&delegation=lyon").content.decode("utf-8-sig")
        assert f"{in_days(40):%d/%m/%Y}" in export and f"{in_days(10):%d/%m/%Y}" not in export


def as_a_browser_sends_it(data: dict) -> dict:
    """Browsers end a text area's lines with \r\n."""
    return {name: value.replace("\n", "\r\n") if isinstance(value, str) else value for name, value in data.items()}


@pytest.mark.django_db
class TestSavingUnchanged:
    @pytest.fixture
    def course(self, theme):
        course = CourseFactory(code="ASP-07", themes=[theme], programme="Jour 1 : repères.\nJour 2 : pratique.",
                               public_price=Decimal("455.50"))
        Course.objects.filter(pk=course.pk).update(updated_at=course.updated_at - datetime.timedelta(days=30))
        course.refresh_from_db()
        return course

    def test_saving_the_form_unchanged_writes_nothing(self, staff_client, course):
        response = staff_client.post(reverse("catalogue:update", args=[course.pk]), as_a_browser_sends_it(edit_data(course)))
        assert response.status_code == 302
        saved = Course.objects.get(pk=course.pk)
        assert saved.updated_at == course.updated_at and saved.programme == course.programme
        assert not AuditEntry.objects.exists()

    def test_a_change_records_only_what_changed(self, staff_client, course):
        data = as_a_browser_sends_it(edit_data(course, title="Conduire un entretien"))
        staff_client.post(reverse("catalogue:update", args=[course.pk]), data)
        saved = Course.objects.get(pk=course.pk)
        assert saved.updated_at > course.updated_at and saved.programme == "Jour 1 : repères.\nJour 2 : pratique."
        entry = AuditEntry.objects.get(action="catalogue.course.updated")
        assert set(entry.data) == {"title"}

    def test_a_change_of_themes_alone_is_saved(self, course):
        other = ThemeFactory(name="Numérique", slug="numerique")
        data = CourseForm(edit_data(course, themes=[other.pk]), instance=course)
        assert data.is_valid(), data.errors
        services.update_course(course_id=course.pk, data=data.cleaned_data, by=UserFactory(role=Role.TRAINING))
        assert [theme.slug for theme in Course.objects.get(pk=course.pk).themes.all()] == ["numerique"]
        assert AuditEntry.objects.get().data == {"themes": [["accompagnement"], ["numerique"]]}


@pytest.mark.django_db
class TestTitlesSortWithoutAccents:
    TITLES = ["Zéro déchet", "Éducation", "écrire", "Accueil", "Œuvrer"]

    def test_the_catalogue_sorts_titles_as_a_dictionary_does(self, client):
        for title in self.TITLES:
            CourseFactory(title=title)
        expected = ["Accueil", "écrire", "Éducation", "Œuvrer", "Zéro déchet"]
        for query in ({}, {"sort": "title"}):
            assert [row.record.title for row in catalogue(client, **query).context["table"].paginated_rows] == expected
        descending = catalogue(client, sort="-title").context["table"].paginated_rows
        assert [row.record.title for row in descending] == expected[::-1]

    def test_a_course_saved_through_the_services_gets_its_sort_title(self, staff_client, theme):
        staff_client.post(reverse("catalogue:create"), course_data(theme, title="Épargne salariale"))
        assert Course.objects.get().sort_title == "epargne salariale"

    def test_the_courses_already_stored_get_their_sort_title(self):
        course = CourseFactory(title="Éducation à l’œuvre")
        Course.objects.filter(pk=course.pk).update(sort_title="")
        migration = importlib.import_module("catalogue.migrations.0004_course_sort_title")
        migration.set_sort_titles(apps, schema_editor=None)
        course.refresh_from_db()
        assert course.sort_title == "education a l'oeuvre"
