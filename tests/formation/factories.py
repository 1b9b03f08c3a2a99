import datetime

import factory
from django.utils import timezone

from formation.models import Enrolment, Session, Slot, Trainer, Venue
from tests.catalogue.factories import CourseFactory
from tests.factories import DelegationFactory


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Salle {n}")
    address = "17 rue Froment"
    postal_code = "75011"
    city = "Paris"
    delegation = factory.SubFactory(DelegationFactory)


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    first_name = "Marc"
    last_name = factory.Sequence(lambda n: f"Formateur{n}")
    email = factory.Sequence(lambda n: f"formateur{n}@example.org")


def next_monday(weeks: int = 2) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 * weeks - today.weekday())


class SessionFactory(factory.django.DjangoModelFactory):
    """An open inter session of two half-days on the Monday two weeks ahead."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    kind = Session.Kind.INTER
    status = Session.Status.OPEN
    published_at = factory.LazyAttribute(
        lambda session: None if session.status == Session.Status.DRAFT else timezone.now())
    intra_price = factory.LazyAttribute(
        lambda session: session.course.intra_session_price() if session.kind == Session.Kind.INTRA else None)
    venue = factory.SubFactory(VenueFactory)
    capacity = 10
    min_participants = 1
    enrolment_deadline = factory.LazyFunction(lambda: next_monday() - datetime.timedelta(days=3))
    starts_at = factory.LazyFunction(
        lambda: timezone.make_aware(datetime.datetime.combine(next_monday(), datetime.time(9))))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=8))

    @factory.post_generation
    def slots(obj, create, extracted, **kwargs):
        if create:
            Slot.objects.bulk_create([
                Slot(session=obj, starts_at=obj.starts_at, ends_at=obj.starts_at + datetime.timedelta(hours=3.5)),
                Slot(session=obj, starts_at=obj.ends_at - datetime.timedelta(hours=3.5), ends_at=obj.ends_at),
            ])


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    employee = factory.SubFactory("tests.factories.EmployeeFactory")
    organisation = factory.LazyAttribute(lambda enrolment: enrolment.employee.organisation)
    status = Enrolment.Status.CONFIRMED
    price_basis = "member"
    unit_price = factory.LazyAttribute(lambda enrolment: enrolment.session.course.member_price)
