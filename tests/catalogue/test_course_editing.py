from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from catalogue import services
from catalogue.forms import CourseForm
from catalogue.models import Course
from core.models import AuditEntry
from core.roles import Role
from tests.catalogue.factories import CourseFactory, ThemeFactory
from tests.factories import UserFactory


def course_data(theme, **changes) -> dict:
    data = {
        "code": "asp-07", "title": "Conduire un entretien d’accompagnement", "themes": [theme.pk],
        "audience": "permanent", "modality": "in_person", "duration_hours": "14", "duration_days": "2",
        "objectives": "Préparer l’entretien\n\n  Reformuler la demande  \n", "programme": "Jour 1\nJour 2",
        "prerequisites": "Aucun", "teaching_methods": "Mises en situation", "evaluation_method": "Quiz final",
        "accessibility": "Référente handicap : handicap@coorace.example.org", "access_delay": "10 jours",
        "contact_name": "Fanny", "contact_email": "formation@coorace.example.org", "nsf_code": "332T",
        "certification_code": "", "member_price": "300", "public_price": "450", "intra_price_per_day": "1300",
    }
    return data | changes


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Accompagnement", slug="accompagnement")


@pytest.mark.django_db
class TestPermissions:
    def urls(self, course):
        return [
            reverse("catalogue:manage"), reverse("catalogue:create"), reverse("catalogue:update", args=[course.pk]),
            reverse("catalogue:duplicate", args=[course.pk]),
        ]

    @pytest.mark.parametrize("role", [Role.TRAINING, Role.ADMIN])
    def test_training_staff_and_administrators_may_edit(self, client, role):
        course = CourseFactory()
        client.force_login(UserFactory(role=role))
        for url in self.urls(course):
            assert client.get(url).status_code == 200, url

    @pytest.mark.parametrize("role", [Role.MEMBER_HR, Role.TRAINER, Role.FINANCE])
    def test_everyone_else_gets_403_and_changes_nothing(self, client, role):
        course = CourseFactory(published=True)
        client.force_login(UserFactory(role=role))
        for url in self.urls(course):
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("catalogue:unpublish", args=[course.pk])).status_code == 403
        assert client.post(reverse("catalogue:update", args=[course.pk]), {"title": "Piraté"}).status_code == 403
        course.refresh_from_db()
        assert course.published and course.title != "Piraté"
        assert not AuditEntry.objects.exists()

    def test_anonymous_visitors_are_sent_to_login(self, client):
        response = client.get(reverse("catalogue:create"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_services_refuse_others_too(self, hr_user, theme):
        with pytest.raises(PermissionDenied):
            services.publish_course(course_id=CourseFactory(published=False).pk, by=hr_user)

    def test_unknown_course_answers_404(self, staff_client):
        assert staff_client.get(reverse("catalogue:update", args=[999999])).status_code == 404


@pytest.mark.django_db
class TestCreateAndEdit:
    def test_create_normalises_and_writes_the_audit_log(self, staff_client, staff_user, theme):
        response = staff_client.post(reverse("catalogue:create"), course_data(theme))
        course = Course.objects.get()
        assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
        assert course.code == "ASP-07" and course.nsf_code == "332t"
        assert course.objectives == ["Préparer l’entretien", "Reformuler la demande"]
        assert course.slug == "conduire-un-entretien-daccompagnement-asp-07"
        assert not course.published
        assert list(Course.objects.matching("reformuler")) == [course]
        entry = AuditEntry.objects.get(action="catalogue.course.created")
        assert entry.actor == staff_user and entry.data["themes"] == ["accompagnement"]

    @pytest.mark.parametrize("changes, field, message", [
        ({"member_price": "-1"}, "member_price", "Un prix ne peut pas être négatif."),
        ({"public_price": "-5", "member_price": "0"}, "public_price", "Un prix ne peut pas être négatif."),
        ({"member_price": "500"}, "member_price", "Le prix adhérent ne peut pas dépasser le prix public."),
        ({"duration_hours": "0"}, "duration_hours", "La durée doit être supérieure à zéro."),
        ({"duration_days": "-1"}, "duration_days", "La durée doit être supérieure à zéro."),
        ({"nsf_code": "33"}, "nsf_code", "Un code NSF se compose de 3 chiffres suivis d’une lettre"),
        ({"nsf_code": "abcd"}, "nsf_code", "Un code NSF se compose de 3 chiffres suivis d’une lettre"),
        ({"certification_code": "RNC 12"}, "certification_code", "Saisissez un code RNCP ou RS"),
        ({"code": "ASP 07!"}, "code", "Utilisez des majuscules, des chiffres et des tirets"),
        ({"objectives": "  \n "}, "objectives", "Ce champ est obligatoire."),
        ({"objectives": "x" * 301}, "objectives", "Un objectif comporte au plus 300 caractères."),
        ({"themes": []}, "themes", "Ce champ est obligatoire."),
        ({"member_price": "abc"}, "member_price", "Saisissez un nombre."),
    ])
    def test_invalid_data_is_refused_with_a_french_message(self, staff_client, theme, changes, field, message):
        response = staff_client.post(reverse("catalogue:create"), course_data(theme, **changes))
        assert response.status_code == 200
        errors = " ".join(response.context["form"].errors[field])
        assert message in errors
        assert "La formation n’a pas été enregistrée" in response.content.decode()
        assert not Course.objects.exists() and not AuditEntry.objects.exists()

    def test_the_code_is_unique_whatever_its_case(self, staff_client, theme):
        CourseFactory(code="ASP-07")
        response = staff_client.post(reverse("catalogue:create"), course_data(theme, code=" asp-07 "))
        assert "Une autre formation porte déjà ce code." in response.context["form"].errors["code"]
        assert Course.objects.count() == 1

    def test_edit_keeps_old_and_new_values_in_the_audit_log(self, staff_client, theme):
        course = CourseFactory(code="ASP-07", themes=[theme], public_price=Decimal("450.00"))
        form = CourseForm(instance=course)
        data = {name: form[name].value() for name in form.fields} | {"public_price": "480.00", "themes": [theme.pk]}
        data["objectives"] = "\n".join(course.objectives)
        response = staff_client.post(reverse("catalogue:update", args=[course.pk]), data)
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action="catalogue.course.updated")
        assert entry.data == {"public_price": ["450.00", "480.00"]}

    def test_the_form_sections_show_every_field_once(self):
        shown = [name for _title, names in CourseForm.SECTIONS for name in names]
        assert sorted(shown) == sorted(CourseForm.Meta.fields) and len(shown) == len(set(shown))


@pytest.mark.django_db
class TestDuplicateAndPublish:
    def test_duplicate_copies_everything_under_a_new_code_unpublished(self, staff_client, theme):
        source = CourseFactory(code="ASP-07", title="Entretien", themes=[theme], published=True)
        page = staff_client.get(reverse("catalogue:duplicate", args=[source.pk])).content.decode()
        assert "Entretien (copie)" in page
        response = staff_client.post(reverse("catalogue:duplicate", args=[source.pk]),
                                     {"code": "asp-08", "title": "Entretien niveau 2"})
        copy = Course.objects.get(code="ASP-08")
        assert response["Location"] == reverse("catalogue:update", args=[copy.pk])
        assert not copy.published and list(copy.themes.all()) == [theme]
        assert (copy.objectives, copy.public_price, copy.programme) == (source.objectives, source.public_price,
                                                                         source.programme)
        assert AuditEntry.objects.get(action="catalogue.course.duplicated").data["from"] == "ASP-07"

    def test_duplicate_refuses_a_code_already_taken(self, staff_client):
        source = CourseFactory(code="ASP-07")
        response = staff_client.post(reverse("catalogue:duplicate", args=[source.pk]), {"code": "ASP-07", "title": "X"})
        assert "Une autre formation porte déjà ce code." in response.context["form"].errors["code"]
        assert Course.objects.count() == 1

    def test_publish_then_unpublish(self, staff_client, client):
        course = CourseFactory(code="ASP-07", title="Entretien", published=False)
        assert staff_client.get(reverse("catalogue:publish", args=[course.pk])).status_code == 405
        staff_client.post(reverse("catalogue:publish", args=[course.pk]))
        course.refresh_from_db()
        assert course.published
        staff_client.post(reverse("catalogue:unpublish", args=[course.pk]))
        course.refresh_from_db()
        assert not course.published
        actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
        assert actions == ["catalogue.course.published", "catalogue.course.unpublished"]

    def test_publishing_twice_records_once(self, staff_user):
        course = CourseFactory(published=False)
        services.publish_course(course_id=course.pk, by=staff_user)
        services.publish_course(course_id=course.pk, by=staff_user)
        assert AuditEntry.objects.filter(action="catalogue.course.published").count() == 1


@pytest.mark.django_db
class TestManageList:
    def test_training_staff_see_unpublished_courses_and_can_pick_them_out(self, staff_client):
        CourseFactory(code="PUB", published=True)
        CourseFactory(code="DRAFT", published=False)
        response = staff_client.get(reverse("catalogue:manage") + "?published=no")
        assert [row.record.code for row in response.context["table"].paginated_rows] == ["DRAFT"]
        assert "non publiée" in response.content.decode()

    def test_export_has_the_status(self, staff_client):
        CourseFactory(code="DRAFT", published=False)
        export = staff_client.get(reverse("catalogue:manage") + "?_export=csv").content.decode("utf-8-sig")
        assert "Statut" in export.splitlines()[0] and "non publiée" in export
