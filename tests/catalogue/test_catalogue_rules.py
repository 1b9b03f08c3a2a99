"""Rules of the catalogue that a small slip in the code would break without another test noticing
(found by a mutation review: each test fails once its rule is broken in catalogue/*.py)."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from catalogue import services
from catalogue.forms import CourseForm
from catalogue.models import Course, validate_objectives
from core.models import AuditEntry
from core.roles import Role
from tests.catalogue.factories import CourseFactory, ThemeFactory
from tests.factories import UserFactory
from tests.formation.factories import SessionFactory, VenueFactory

pytestmark = pytest.mark.django_db


def catalogue(client, name="catalogue:list", **query):
    response = client.get(reverse(name) + ("?" + urlencode(query) if query else ""))
    assert response.status_code == 200
    return response


def codes(response) -> list[str]:
    return [row.record.code for row in response.context["table"].paginated_rows]


def edit_data(course: Course, **changes) -> dict:
    """What the edit form posts for this course as it stands, with some fields changed."""
    form = CourseForm(instance=course)
    data = {name: form[name].value() for name in form.fields}
    data["objectives"] = "\n".join(course.objectives)
    data["themes"] = [theme.pk for theme in course.themes.all()]
    return data | changes


def edit(client, course: Course, **changes):
    return client.post(reverse("catalogue:update", args=[course.pk]), edit_data(course, **changes))


def in_days(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def upcoming_session(course, days: int):
    return SessionFactory(course=course, venue=VenueFactory(), starts_at=in_days(days), ends_at=in_days(days, 17))


class TestEditingKeepsTheCatalogueRight:
    def test_editing_the_title_and_objectives_updates_the_search_and_the_address(self, staff_client):
        course = CourseFactory(code="ASP-07", title="Entretien", objectives=["Accueillir un salarié"])
        response = edit(staff_client, course, title="Tutorat renforcé", objectives="Évaluer les acquis")
        course.refresh_from_db()
        assert response["Location"] == reverse("catalogue:course", args=["tutorat-renforce-asp-07"])
        assert list(Course.objects.matching("tutorat evaluer")) == [course]
        assert not Course.objects.matching("entretien").exists()

    def test_editing_the_themes_saves_them_and_records_the_change(self, staff_client, staff_user):
        old = ThemeFactory(name="Accompagnement", slug="accompagnement")
        new = ThemeFactory(name="Numérique", slug="numerique")
        course = CourseFactory(themes=[old])
        assert edit(staff_client, course, themes=[new.pk]).status_code == 302
        assert list(course.themes.all()) == [new]
        entry = AuditEntry.objects.get(action="catalogue.course.updated")
        assert entry.actor == staff_user and entry.data == {"themes": [["accompagnement"], ["numerique"]]}

    def test_saving_a_course_unchanged_writes_no_audit_entry(self, staff_client):
        course = CourseFactory()
        assert edit(staff_client, course).status_code == 302
        assert not AuditEntry.objects.exists()

    def test_a_course_without_member_discount_can_be_saved(self, staff_client):
        course = CourseFactory(member_price=Decimal("300.00"), public_price=Decimal("450.00"))
        assert edit(staff_client, course, member_price="450.00").status_code == 302
        course.refresh_from_db()
        assert course.member_price == course.public_price == Decimal("450.00")

    def test_a_certification_code_typed_in_lower_case_with_spaces_is_normalised(self, staff_client):
        course = CourseFactory()
        assert edit(staff_client, course, certification_code=" rncp 34143 ").status_code == 302
        course.refresh_from_db()
        assert course.certification_code == "RNCP34143"

    def test_twenty_objectives_of_300_characters_are_the_most_accepted(self):
        validate_objectives(["x" * 300] * 20)
        with pytest.raises(ValidationError, match="20 objectifs au plus"):
            validate_objectives(["x"] * 21)

    def test_a_copy_gets_its_own_address_and_is_found_by_its_new_title(self, staff_client):
        CourseFactory(code="ASP-07", title="Entretien")
        staff_client.post(reverse("catalogue:duplicate", args=[Course.objects.get().pk]),
                          {"code": "asp-08", "title": "Entretien approfondi"})
        copy = Course.objects.get(code="ASP-08")
        assert copy.get_absolute_url() == reverse("catalogue:course", args=["entretien-approfondi-asp-08"])
        assert list(Course.objects.matching("approfondi")) == [copy]

    def test_publishing_counts_as_the_latest_change(self, staff_user):
        course = CourseFactory(published=False)
        long_ago = timezone.now() - datetime.timedelta(days=30)
        Course.objects.filter(pk=course.pk).update(updated_at=long_ago)
        services.publish_course(course_id=course.pk, by=staff_user)
        course.refresh_from_db()
        assert course.updated_at > long_ago + datetime.timedelta(days=29)


class TestWhoMayEdit:
    @pytest.mark.parametrize("action", ["create", "update", "duplicate"])
    def test_every_service_refuses_someone_who_may_not_edit(self, hr_user, action):
        course = CourseFactory(code="ASP-07", published=True)
        data = {field: getattr(course, field) for field in services.COURSE_FIELDS} | {"themes": [*course.themes.all()]}
        calls = {
            "create": lambda: services.create_course(data=data | {"code": "ASP-08"}, by=hr_user),
            "update": lambda: services.update_course(course_id=course.pk, data=data | {"title": "Piraté"}, by=hr_user),
            "duplicate": lambda: services.duplicate_course(course_id=course.pk, code="ASP-08", title="X", by=hr_user),
        }
        with pytest.raises(PermissionDenied):
            calls[action]()
        course.refresh_from_db()
        assert Course.objects.count() == 1 and course.published and course.title != "Piraté"
        assert not AuditEntry.objects.exists()

    @pytest.mark.parametrize("role, is_superuser, status", [
        (Role.FINANCE, False, 404),  # COORACE staff, but not training staff
        (Role.TRAINER, False, 404),
        (Role.TRAINER, True, 200),  # a superuser may, whatever their role
    ])
    def test_only_editors_open_an_unpublished_course(self, client, role, is_superuser, status):
        course = CourseFactory(published=False)
        client.force_login(UserFactory(role=role, is_superuser=is_superuser))
        assert client.get(course.get_absolute_url()).status_code == status

    def test_members_see_no_editing_buttons_on_a_course_page(self, hr_client):
        course = CourseFactory(published=True)
        page = hr_client.get(course.get_absolute_url()).content.decode()
        assert reverse("catalogue:update", args=[course.pk]) not in page
        assert "Retirer du catalogue" not in page


class TestPricesAndDurationsShown:
    def test_training_staff_see_each_rate_with_its_label(self, staff_client):
        CourseFactory(member_price=Decimal("300.00"), public_price=Decimal("450.00"))
        page = catalogue(staff_client).content.decode()
        assert ('300,00\u00a0€ <span class="small text-body-secondary">adhérent</span><br>'
                '450,00\u00a0€ <span class="small text-body-secondary">public</span>') in page

    @pytest.mark.parametrize("viewer", ["client", "hr_client"])
    def test_no_saving_and_no_member_rate_note_when_both_rates_are_equal(self, request, viewer):
        CourseFactory(member_price=Decimal("450.00"), public_price=Decimal("450.00"))
        page = catalogue(request.getfixturevalue(viewer)).content.decode()
        assert "<strong>450,00\u00a0€</strong>" in page
        assert "soit 0,00\u00a0€ d’économie" not in page and "Adhérents : 450,00" not in page

    def test_half_hours_and_half_days_are_shown_with_a_decimal_comma(self, client):
        CourseFactory(duration_hours=Decimal("10.5"), duration_days=Decimal("1.5"))
        assert "10,5 h · 1,5 j" in catalogue(client).content.decode()


class TestFiltersAndOrder:
    def test_a_maximum_price_of_zero_lists_free_courses_only(self, client):
        CourseFactory(code="FREE", member_price=Decimal("0.00"), public_price=Decimal("0.00"))
        CourseFactory(code="PAID")
        assert codes(catalogue(client, max_price="0")) == ["FREE"]

    def test_the_eighth_word_of_a_search_still_counts(self, client):
        CourseFactory(code="A", title="alpha bravo charlie delta echo foxtrot golf hotel")
        assert codes(catalogue(client, q="alpha bravo charlie delta echo foxtrot golf hotel")) == ["A"]
        assert codes(catalogue(client, q="alpha bravo charlie delta echo foxtrot golf india")) == []

    def test_a_session_on_the_first_or_last_day_of_the_range_counts(self, client):
        upcoming_session(CourseFactory(code="BRE"), 10)
        day = timezone.localdate() + datetime.timedelta(days=10)
        assert codes(catalogue(client, session_from=day)) == ["BRE"]
        assert codes(catalogue(client, session_until=day)) == ["BRE"]

    def test_the_next_session_shown_is_the_earliest_upcoming_one(self, client):
        course = CourseFactory()
        upcoming_session(course, 40)
        upcoming_session(course, 10)
        page = catalogue(client).content.decode()
        assert f"{in_days(10):%d/%m/%Y}" in page and f"{in_days(40):%d/%m/%Y}" not in page

    def test_theme_options_are_in_alphabetical_order_ignoring_accents(self, client):
        for name, slug in (("Numérique", "numerique"), ("Économie sociale", "economie"), ("Accompagnement", "acc")):
            ThemeFactory(name=name, slug=slug)
        form = catalogue(client).context["filter"].form
        assert [label for value, label in form.fields["theme"].choices if value] == [
            "Accompagnement", "Économie sociale", "Numérique",
        ]

    def test_the_manage_list_shows_the_latest_changes_first(self, staff_client):
        old, _new = CourseFactory(code="OLD", title="A"), CourseFactory(code="NEW", title="B")
        Course.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
        assert codes(catalogue(staff_client, "catalogue:manage")) == ["NEW", "OLD"]

    def test_the_manage_list_badges_each_course_with_its_own_status(self, staff_client):
        CourseFactory(code="PUB", published=True)
        CourseFactory(code="DRAFT", published=False)
        rows = catalogue(staff_client, "catalogue:manage").content.decode().split("<tr>")
        row = {code: next(row for row in rows if f'<td class="text-nowrap">{code}</td>' in row) for code in ("PUB", "DRAFT")}
        assert 'text-bg-success">publiée</span>' in row["PUB"] and "non publiée" not in row["PUB"]
        assert 'text-bg-secondary">non publiée</span>' in row["DRAFT"]
