from decimal import Decimal

import factory

from catalogue.models import Audience, Course, Modality, Theme
from catalogue.search import normalise, search_document


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course (give `themes=[...]`, or one theme is made)."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TST-{n:03d}")
    title = factory.Sequence(lambda n: f"Formation {n}")
    slug = factory.LazyAttribute(lambda course: f"formation-{course.code.lower()}")
    objectives = factory.LazyFunction(lambda: ["Identifier les étapes d'un parcours", "Rédiger un bilan"])
    programme = "Jour 1 : repères.\nJour 2 : pratique."
    prerequisites = "Aucun"
    audience = Audience.PERMANENT
    duration_hours = Decimal("14.0")
    duration_days = Decimal("2.0")
    modality = Modality.IN_PERSON
    teaching_methods = "Apports, études de cas, mises en situation."
    evaluation_method = "Quiz de positionnement et évaluation finale des acquis."
    accessibility = "Contactez notre référente handicap pour adapter la formation."
    access_delay = "Inscription jusqu'à 10 jours avant la session."
    contact_name = "Fanny Chargée de formation"
    contact_email = "formation@coorace.example.org"
    nsf_code = "332t"
    member_price = Decimal("300.00")
    public_price = Decimal("450.00")
    intra_price_per_day = Decimal("1300.00")
    published = True
    search_text = factory.LazyAttribute(
        lambda course: search_document(code=course.code, title=course.title, objectives=course.objectives)
    )

    sort_title = factory.LazyAttribute(lambda course: normalise(course.title))

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create:
            obj.themes.set(extracted if extracted is not None else [ThemeFactory()])
