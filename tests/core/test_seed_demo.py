from collections import Counter

import pytest
from django.core.management import call_command
from django.core.validators import validate_email
from django.utils import timezone

from adherents.identifiers import is_valid_siret
from adherents.models import Delegation, Employee, Membership, MemberUser, Organisation
from core.models import User
from core.roles import Role


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_realistic():
    call_command("seed_demo", verbosity=0)
    counts = (Organisation.objects.count(), Employee.objects.count(), Membership.objects.count(), User.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Organisation.objects.count(), Employee.objects.count(), Membership.objects.count(),
            User.objects.count()) == counts

    assert Delegation.objects.count() == 17
    organisations = list(Organisation.objects.all())
    assert len(organisations) == 60
    kinds = Counter(organisation.kind for organisation in organisations)
    assert kinds == {"AI": 36, "ACI": 8, "ETTI": 6, "OSP": 5, "EI": 3, "OTHER": 2}
    assert all(is_valid_siret(organisation.siret) for organisation in organisations)
    assert Membership.objects.filter(status=Membership.Status.LAPSED).exists()
    assert set(Employee.objects.values_list("population", flat=True)) == {"insertion", "permanent"}
    # Every demo employee can be edited as is: HR's form accepts their e-mail (no accents in addresses).
    emails = [email for email in Employee.objects.values_list("email", flat=True) if email]
    assert emails and all(email.isascii() for email in emails)
    for email in emails:
        validate_email(email)

    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "admin": Role.ADMIN, "formation": Role.TRAINING, "formateur": Role.TRAINER, "finance": Role.FINANCE,
        "adherent": Role.MEMBER_HR, "adherent2": Role.MEMBER_HR,
    }
    assert all(user.check_password("demo") for user in User.objects.all())
    hr_organisations = set(MemberUser.objects.values_list("organisation", flat=True))
    assert len(hr_organisations) == 2
    today = timezone.localdate()
    assert all(Organisation.objects.get(pk=pk).is_in_good_standing(today)
               for pk in hr_organisations)


@pytest.mark.django_db
def test_demo_enrolments_keep_the_rules_of_real_ones():
    """Enrolled before their deadline and never in the future, in order (the waiting list follows it), priced on
    the day of enrolment; an open session keeps a seat free (a session without one is full)."""
    from django.db.models import Count, Q

    from catalogue.pricing import basis_for
    from formation.models import Enrolment, Session

    call_command("seed_demo", verbosity=0)
    enrolments = list(Enrolment.objects.select_related("session", "organisation"))
    assert enrolments and max(e.enrolled_at for e in enrolments) <= timezone.now()
    assert all(timezone.localdate(e.enrolled_at) <= e.session.enrolment_deadline for e in enrolments)
    assert all(e.price_basis == basis_for(e.organisation, on=timezone.localdate(e.enrolled_at)) for e in enrolments)
    for session in Session.objects.filter(status=Session.Status.FULL)[:10]:
        seated = max(e.enrolled_at for e in session.enrolments.filter(status="confirmed"))
        assert all(e.enrolled_at > seated for e in session.enrolments.filter(status="waitlisted"))
    open_sessions = Session.objects.filter(status=Session.Status.OPEN).annotate(
        seated=Count("enrolments", filter=Q(enrolments__status="confirmed")))
    assert open_sessions and all(session.seated < session.capacity for session in open_sessions)
