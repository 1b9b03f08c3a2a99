import factory
from django.utils import timezone

from adherents.identifiers import with_check_digit
from adherents.models import (
    ContractType,
    Delegation,
    Employee,
    HeadcountBand,
    Membership,
    MemberUser,
    Opco,
    Organisation,
    OrganisationKind,
    Population,
)
from core.models import User
from core.roles import Role


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"delegation-{n}")
    name = factory.Sequence(lambda n: f"Délégation {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Association Tremplin {n}")
    siret = factory.Sequence(lambda n: with_check_digit(with_check_digit(f"{52000000 + n:08d}") + "0001"))
    kind = OrganisationKind.AI
    delegation = factory.SubFactory(DelegationFactory)
    opco = Opco.UNIFORMATION
    idcc = "3016"
    headcount_band = HeadcountBand.UNDER_50
    contact_email = factory.Sequence(lambda n: f"rh{n}@adherent.example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    status = Membership.Status.ACTIVE
    fee_paid = True


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    organisation = factory.SubFactory(OrganisationFactory)
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    first_name = "Sophie"
    population = Population.INSERTION
    contract_type = ContractType.CDDI
    email = factory.Sequence(lambda n: f"salarie{n}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.TRAINING
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MemberUserFactory(factory.django.DjangoModelFactory):
    """An HR user of an organisation (give `organisation=`, or one is made)."""

    class Meta:
        model = MemberUser

    user = factory.SubFactory(UserFactory, role=Role.MEMBER_HR)
    organisation = factory.SubFactory(OrganisationFactory)
