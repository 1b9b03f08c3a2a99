import csv
import io
from decimal import Decimal
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Audience, Course, Modality
from catalogue.pricing import Rates, Viewer
from catalogue.tables import CourseTable
from tests.catalogue.factories import CourseFactory, ThemeFactory


def catalogue(client, **query):
    response = client.get(reverse("catalogue:list") + ("?" + urlencode(query) if query else ""))
    assert response.status_code == 200
    return response


def codes(response) -> list[str]:
    return [row.record.code for row in response.context["table"].paginated_rows]


@pytest.mark.django_db
class TestFilters:
    def test_anonymous_visitors_see_the_published_courses_only(self, client):
        CourseFactory(code="PUB-1")
        CourseFactory(code="DRAFT-1", published=False)
        assert codes(catalogue(client)) == ["PUB-1"]

    @pytest.mark.parametrize("query, expected", [
        ("tutorat", ["T-1"]),  # title
        ("asp-02", ["ASP-02"]),  # code
        ("bilan intermediaire", ["ASP-02"]),  # objectives, accents ignored, every word must match
        ("SÉCURITÉ", ["T-1"]),  # case and accents ignored
        ("tutorat bilan", []),
    ])
    def test_text_search_looks_into_title_code_and_objectives(self, client, query, expected):
        CourseFactory(code="T-1", title="Tutorat et sécurité", objectives=["Accueillir un salarié"])
        CourseFactory(code="ASP-02", title="Entretien", objectives=["Conduire un bilan intermédiaire"])
        assert codes(catalogue(client, q=query)) == expected

    def test_theme_modality_and_audience(self, client):
        digital = ThemeFactory(slug="numerique", name="Numérique")
        CourseFactory(code="NUM-1", themes=[digital], modality=Modality.REMOTE, audience=Audience.INSERTION)
        CourseFactory(code="ALL-1", modality=Modality.IN_PERSON, audience=Audience.ALL)
        CourseFactory(code="MGT-1", modality=Modality.BLENDED, audience=Audience.MANAGERS)
        assert codes(catalogue(client, theme="numerique")) == ["NUM-1"]
        assert codes(catalogue(client, modality="blended")) == ["MGT-1"]
        # A course for all audiences suits insertion employees too; "all audiences" means exactly those.
        assert sorted(codes(catalogue(client, audience="insertion"))) == ["ALL-1", "NUM-1"]
        assert codes(catalogue(client, audience="all")) == ["ALL-1"]

    def test_price_range_uses_the_price_this_visitor_pays(self, hr_client):
        CourseFactory(code="CHEAP", member_price=Decimal("100.00"), public_price=Decimal("200.00"))
        CourseFactory(code="DEAR", member_price=Decimal("300.00"), public_price=Decimal("500.00"))
        assert codes(catalogue(Client(), min_price="150", max_price="250")) == ["CHEAP"]
        assert codes(catalogue(hr_client, min_price="150", max_price="350")) == ["DEAR"]

    @pytest.mark.parametrize("query, expected", [
        ({"min_price": "400", "max_price": "150"}, ["CHEAP"]),  # reversed: put right
        ({"min_price": "-50", "max_price": "250"}, ["CHEAP"]),  # negative minimum: no minimum
        ({"min_price": "-50", "max_price": "-10"}, ["CHEAP", "DEAR"]),  # negative maximum: no maximum
    ])
    def test_price_ranges_typed_wrong_are_corrected(self, client, query, expected):
        CourseFactory(code="CHEAP", title="A", public_price=Decimal("200.00"), member_price=Decimal("100.00"))
        CourseFactory(code="DEAR", title="B", public_price=Decimal("500.00"), member_price=Decimal("300.00"))
        assert codes(catalogue(client, **query)) == expected

    def test_sorting_by_price_and_code(self, client):
        CourseFactory(code="B", title="Zeta", public_price=Decimal("100.00"), member_price=Decimal("50.00"))
        CourseFactory(code="A", title="Alpha", public_price=Decimal("900.00"), member_price=Decimal("50.00"))
        assert codes(catalogue(client)) == ["A", "B"]  # by title
        assert codes(catalogue(client, sort="listed_price")) == ["B", "A"]
        assert codes(catalogue(client, sort="-code")) == ["B", "A"]

    def test_pagination_keeps_the_filters_and_the_sort(self, client):
        CourseFactory.create_batch(30, modality=Modality.REMOTE)
        page = catalogue(client, modality="remote", sort="code").content.decode()
        assert "?modality=remote&amp;sort=code&amp;page=2" in page
        assert len(codes(catalogue(client, modality="remote", sort="code", page=2))) == 5

    @pytest.mark.parametrize("page, expected_page, rows", [("2", 2, 5), ("999999", 2, 5), ("-1", 2, 5), ("abc", 1, 25)])
    def test_the_page_and_the_total_come_right_whatever_the_page_asked(self, client, page, expected_page, rows):
        CourseFactory.create_batch(30)
        response = catalogue(client, page=page)
        table = response.context["table"]
        assert (table.page.number, len(table.paginated_rows), table.paginator.count) == (expected_page, rows, 30)
        assert "30 formations" in response.content.decode()

    def test_no_result_says_so_and_offers_to_clear_the_filters(self, client):
        CourseFactory(code="A")
        page = catalogue(client, q="introuvable").content.decode()
        assert "Aucune formation ne correspond à ces filtres." in page
        assert f'href="{reverse("catalogue:list")}">Effacer les filtres' in page


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize("query", [
        {"theme": "unknown-theme"},
        {"modality": "telepathy"},
        {"audience": "<script>"},
        {"min_price": "abc"},
        {"max_price": "1e400"},
        {"q": "x" * 10_000},
    ])
    def test_unknown_or_malformed_values_give_an_empty_page(self, client, query):
        CourseFactory(code="A")
        assert codes(catalogue(client, **query)) == []

    @pytest.mark.parametrize("query", [{"page": "999999"}, {"page": "abc"}, {"per_page": "abc"}, {"per_page": "-5"},
                                       {"sort": "nonsense"}, {"sort": "-search_text"}, {"_export": "pdf"}])
    def test_odd_paging_and_sorting_give_a_normal_page(self, client, query):
        CourseFactory(code="A")
        assert codes(catalogue(client, **query)) == ["A"]


@pytest.mark.django_db
class TestExports:
    def test_csv_exports_exactly_the_filtered_courses(self, client):
        theme = ThemeFactory(name="Numérique", slug="numerique")
        CourseFactory(code="NUM-1", title="Bureautique", themes=[theme], modality=Modality.REMOTE,
                      member_price=Decimal("250.00"), public_price=Decimal("380.00"))
        CourseFactory(code="OTHER", modality=Modality.IN_PERSON)
        CourseFactory(code="DRAFT", modality=Modality.REMOTE, published=False)
        response = catalogue(client, modality="remote", _export="csv")
        assert response["Content-Type"].startswith("text/csv")
        assert "catalogue-coorace-formation-" in response["Content-Disposition"]
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert [row["Code"] for row in rows] == ["NUM-1"]
        row = rows[0]
        assert row["Formation"] == "Bureautique" and row["Thématiques"] == "Numérique"
        assert row["Modalité"] == "à distance"
        assert row["Prix adhérent par stagiaire"] == "250,00" and row["Prix public par stagiaire"] == "380,00"
        assert row["Durée en heures"] == "14,0"

    def test_xlsx_exports_the_filtered_courses_with_numbers(self, client):
        CourseFactory(code="A", title="Alpha", public_price=Decimal("380.00"))
        CourseFactory(code="B", title="Beta", public_price=Decimal("900.00"))
        response = catalogue(client, max_price="500", _export="xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.values)
        header = rows[0]
        assert [row[header.index("Code")] for row in rows[1:]] == ["A"]
        assert rows[1][header.index("Prix public par stagiaire")] == 380


@pytest.mark.django_db
class TestPricesShown:
    def test_the_public_sees_public_prices_and_that_member_rates_exist(self, client):
        CourseFactory(member_price=Decimal("300.00"), public_price=Decimal("1450.00"))
        page = catalogue(client).content.decode()
        assert "1\u202f450,00\u00a0€" in page
        assert "Adhérents : 300,00\u00a0€" in page
        assert "tarifs adhérents" in page

    def test_a_member_in_good_standing_sees_the_member_price_first_with_the_saving(self, hr_client, organisation):
        CourseFactory(member_price=Decimal("300.00"), public_price=Decimal("450.00"))
        page = catalogue(hr_client).content.decode()
        assert "<strong>300,00\u00a0€</strong>" in page
        assert "au lieu de 450,00\u00a0€, soit 150,00\u00a0€ d’économie" in page
        assert f"{organisation.legal_name} est à jour de cotisation" in page

    def test_a_lapsed_member_sees_public_prices_and_why(self, lapsed_hr_client):
        CourseFactory(member_price=Decimal("300.00"), public_price=Decimal("450.00"))
        page = catalogue(lapsed_hr_client).content.decode()
        assert "<strong>450,00\u00a0€</strong>" in page
        assert "300,00" not in page
        assert "L’adhésion de Passerelle Lapsed pour" in page and "les tarifs publics s’appliquent" in page

    def test_training_staff_see_both_rates(self, staff_client):
        CourseFactory(member_price=Decimal("300.00"), public_price=Decimal("450.00"))
        page = catalogue(staff_client).content.decode()
        assert "300,00\u00a0€" in page and "450,00\u00a0€" in page


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["client", "hr_client", "lapsed_hr_client", "staff_client"])
def test_same_number_of_queries_for_10_and_50_rows(request, viewer):
    client = request.getfixturevalue(viewer)
    themes = ThemeFactory.create_batch(3)
    CourseFactory.create_batch(60, themes=themes)

    def queries(per_page):
        with CaptureQueriesContext(connection) as context:
            response = catalogue(client, per_page=per_page)
        assert len(response.context["table"].paginated_rows) == per_page
        return len(context)

    catalogue(client)  # the first page fills the cache (the filter lists): count the pages after it
    assert queries(10) == queries(50)


@pytest.mark.django_db
def test_a_theme_created_while_the_page_is_drawn_is_left_out_rather_than_failing():
    first, second = ThemeFactory(name="Numérique"), ThemeFactory(name="Gestion")
    CourseFactory(themes=[first, second])
    rates = Rates(Viewer.PUBLIC, 2026)
    course = Course.objects.for_listing(rates).get()
    table = CourseTable(Course.objects.none(), rates=rates, theme_names={first.pk: "Numérique"})
    assert table.themes_of(course) == ["Numérique"]


@pytest.mark.django_db
def test_the_export_carries_every_public_information_and_the_next_session_in_paris_time(client):
    """Each column a funder reads (intra price, NSF and certification codes), and a session starting at 00:30
    in Paris dated that day, not the day before (UTC)."""
    import datetime

    from django.utils import timezone
    from django.utils.text import capfirst

    from tests.formation.factories import SessionFactory

    course = CourseFactory(code="EXP-1", intra_price_per_day=Decimal("1290.00"))
    day = timezone.localdate() + datetime.timedelta(days=30)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 30)))
    SessionFactory(course=course, starts_at=start, ends_at=start + datetime.timedelta(hours=3),
                   enrolment_deadline=day - datetime.timedelta(days=7))
    rows = list(csv.DictReader(io.StringIO(catalogue(client, _export="csv").content.decode("utf-8-sig")),
                               delimiter=";"))
    [row] = [row for row in rows if row["Code"] == "EXP-1"]

    def header(field: str) -> str:
        return capfirst(str(Course._meta.get_field(field).verbose_name))

    assert row[header("intra_price_per_day")] == "1290,00"
    assert row[header("nsf_code")] == course.nsf_code and row[header("certification_code")] == course.certification_code
    assert row["Prochaine session"] == day.strftime("%d/%m/%Y")
