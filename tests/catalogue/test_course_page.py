from decimal import Decimal

import pytest

from tests.catalogue.factories import CourseFactory, ThemeFactory


@pytest.fixture
def course(db):
    return CourseFactory(
        code="SST-01", title="Sauveteur secouriste du travail", themes=[ThemeFactory(name="Santé et sécurité")],
        objectives=["Intervenir face à une situation d’accident"], programme="Module 1 : le cadre juridique",
        prerequisites="Aucun", nsf_code="344t", certification_code="RS727", access_delay="Inscription J-10",
        member_price=Decimal("180.00"), public_price=Decimal("260.00"), intra_price_per_day=Decimal("1150.00"),
        duration_hours=Decimal("14.0"), duration_days=Decimal("2.0"),
    )


@pytest.mark.django_db
class TestCoursePage:
    def test_shows_all_the_public_information_without_login(self, client, course):
        page = client.get(course.get_absolute_url()).content.decode()
        for text in ("Sauveteur secouriste du travail", "SST-01", "Santé et sécurité",
                     "Intervenir face à une situation d’accident", "Module 1 : le cadre juridique",
                     course.teaching_methods, course.evaluation_method, course.accessibility, "Inscription J-10",
                     "344t", "RS727", course.contact_email, "14 heures sur 2 jours", "Salariés permanents",
                     "En présentiel", "1\u202f150,00\u00a0€ par jour", f"{course.updated_at:%d/%m/%Y}"):
            assert text in page, text

    def test_rates_are_not_available_yet_rather_than_invented(self, client, course):
        page = client.get(course.get_absolute_url()).content.decode()
        assert page.count("Pas encore disponible") == 2
        assert "%" not in page.split("Taux de satisfaction")[1].split("</dl>")[0]

    def test_the_public_sees_the_public_price_and_the_member_rate(self, client, course):
        page = client.get(course.get_absolute_url()).content.decode()
        assert "260,00\u00a0€ <span" in page
        assert "Tarif adhérent pour les adhérents COORACE à jour de cotisation : 180,00\u00a0€" in page

    def test_a_member_in_good_standing_sees_the_member_price_first(self, hr_client, course):
        page = hr_client.get(course.get_absolute_url()).content.decode()
        assert "180,00\u00a0€ <span" in page
        assert "au lieu de 260,00\u00a0€, soit 80,00\u00a0€ d’économie" in page

    def test_a_lapsed_member_sees_the_public_price_and_why(self, lapsed_hr_client, course):
        page = lapsed_hr_client.get(course.get_absolute_url()).content.decode()
        assert "260,00\u00a0€ <span" in page and "180,00" not in page
        assert "les tarifs publics s’appliquent" in page

    def test_an_unpublished_course_is_hidden_from_the_public_but_not_from_training_staff(
        self, client, hr_client, staff_user, course
    ):
        course.published = False
        course.save()
        assert hr_client.get(course.get_absolute_url()).status_code == 404
        client.force_login(staff_user)
        page = client.get(course.get_absolute_url()).content.decode()
        assert "non publiée" in page and "Publier" in page

    def test_an_unknown_slug_answers_404(self, client, db):
        assert client.get("/catalogue/nothing-here/").status_code == 404
