"""Demo sessions over the past three months and the next six, in many delegations: some full with a
waiting list, some cancelled, some completed (5,000 sessions at full scale)."""

import base64
import datetime
import math
import random
import struct
import zlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from adherents.demo import DELEGATIONS
from adherents.models import Delegation, Employee, MemberUser, Organisation
from catalogue.models import Course
from catalogue.pricing import basis_for
from core.models import User
from formation.models import (
    Assessment,
    Attendance,
    Enrolment,
    Session,
    Slot,
    SurveyInvitation,
    Trainer,
    TrainerSignature,
    Venue,
)
from formation.scheduling import plan_slots
from formation.services.surveys import VALID_FOR

SESSIONS = {"demo": 120, "full": 5000}
TRAINERS = [("Marc", "Formateur"), ("Sylvie", "Renaud"), ("Ahmed", "Bensalem"), ("Claire", "Dumont"),
            ("Jean-Luc", "Morel"), ("Inès", "Carpentier"), ("Paul", "Lemoine"), ("Awa", "Sissoko"),
            ("Hélène", "Garnier"), ("Bruno", "Texier"), ("Yasmina", "Khelif"), ("Olivier", "Perrin")]
VENUE_NAMES = ["Maison de l'ESS", "Centre COORACE", "Pôle Insertion", "Espace Coopératif"]
S, E = Session.Status, Enrolment.Status


def seed_places(count: int, rng: random.Random) -> tuple[list[Venue], list[Trainer]]:
    """Enough venues and trainers that nobody is double-booked at this number of sessions."""
    if not Venue.objects.exists():
        per_delegation = max(2, count // 150)
        venues = []
        for delegation in Delegation.objects.order_by("code"):
            cities = DELEGATIONS.get(delegation.code, (delegation.name, [delegation.name]))[1]
            for n in range(per_delegation):
                city = cities[n % len(cities)]
                venues.append(Venue(
                    name=f"{VENUE_NAMES[n % len(VENUE_NAMES)]} {n // len(VENUE_NAMES) + 1}",
                    address=f"{10 + n} rue de la Solidarité",
                    postal_code=f"{rng.randrange(10, 95):02d}000", city=city, delegation=delegation,
                    access_notes="Tram ou bus, arrêt à 5 minutes. Parking vélo.",
                    accessibility_notes="Salle de plain-pied, accessible en fauteuil roulant." if n % 3 else "",
                ))
        Venue.objects.bulk_create(venues)
    if not Trainer.objects.exists():
        trainers = [Trainer(first_name=first, last_name=last, email=f"{first}.{last}@formation.example.org".lower(),
                            external=index % 4 == 3) for index, (first, last) in enumerate(TRAINERS)]
        trainers += [Trainer(first_name="Formateur", last_name=f"Associé {n}", email=f"associe{n}@example.org", external=True)
                     for n in range(max(0, count // 8 - len(TRAINERS)))]
        Trainer.objects.bulk_create(trainers)
        Trainer.objects.filter(last_name="Formateur").update(user=User.objects.filter(username="formateur").first())
    return list(Venue.objects.order_by("pk")), list(Trainer.objects.order_by("pk"))


def status_for(start: datetime.datetime, end: datetime.datetime, now: datetime.datetime, rng: random.Random) -> str:
    if end < now:
        return S.CANCELLED if rng.random() < 0.12 else S.COMPLETED
    if start - now < datetime.timedelta(days=21):
        return rng.choice([S.CONFIRMED, S.CONFIRMED, S.OPEN, S.CANCELLED if rng.random() < 0.2 else S.FULL])
    return rng.choices([S.OPEN, S.DRAFT, S.CANCELLED, S.FULL], weights=[70, 15, 5, 10])[0]


def seed_sessions(count: int, rng: random.Random) -> int:
    courses = list(Course.objects.filter(published=True).order_by("pk"))
    if not courses or Session.objects.exists():
        return 0
    venues, trainers = seed_places(count, rng)
    now, today = timezone.now(), timezone.localdate()
    first_day, span = today - datetime.timedelta(days=90), 270
    sessions, plans, trainer_links = [], [], []
    for index in range(count):
        course = courses[index % len(courses)] if index < len(courses) else rng.choice(courses)
        start = first_day + datetime.timedelta(days=index * span // count)
        planned = plan_slots(start, course.duration_hours)
        status = status_for(planned[0].starts_at, planned[-1].ends_at, now, rng)
        remote = index % 10 == 0
        capacity = rng.choice([8, 10, 12, 12, 15])
        sessions.append(Session(
            course=course, status=status, venue=None if remote else venues[index % len(venues)],
            remote_url=f"https://visio.coorace.example.org/session-{index}" if remote else "",
            capacity=capacity, min_participants=max(1, capacity // 2),
            enrolment_deadline=planned[0].starts_at.date() - datetime.timedelta(days=7),
            starts_at=planned[0].starts_at, ends_at=planned[-1].ends_at,
            cancellation_reason="Nombre d'inscrits insuffisant." if status == S.CANCELLED else "",
            # Published a few weeks before the deadline (a cancelled demo session had been published first).
            published_at=None if status == S.DRAFT else min(now, planned[0].starts_at - datetime.timedelta(days=45)),
        ))
        plans.append(planned)
    Session.objects.bulk_create(sessions, batch_size=1000)
    Slot.objects.bulk_create(
        (Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at) for session, planned in zip(sessions, plans, strict=True)
         for p in planned), batch_size=5000)
    through = Session.trainers.through
    for index, session in enumerate(sessions):
        trainer_links.append(through(session=session, trainer=trainers[index % len(trainers)]))
    through.objects.bulk_create(trainer_links, batch_size=5000)
    return len(sessions)


def seed_enrolments(rng: random.Random) -> int:
    if Enrolment.objects.exists():
        return 0
    today = timezone.localdate()
    member_orgs = [m.organisation_id for m in MemberUser.objects.order_by("user__username")]
    organisations = {o.pk: o for o in Organisation.objects.in_good_standing(today).order_by("pk")[:40]}
    organisations |= {pk: Organisation.objects.get(pk=pk) for pk in member_orgs}
    staff = {pk: list(Employee.objects.active().filter(organisation_id=pk).values_list("pk", flat=True)[:60])
             for pk in organisations}
    hr_users = {m.organisation_id: m.user_id for m in MemberUser.objects.all()}
    enrolments = []
    sessions = Session.objects.exclude(status=S.DRAFT).select_related("course").order_by("pk")
    for index, session in enumerate(sessions):
        if session.status == S.FULL:
            wanted = session.capacity + rng.randint(1, 4)
        else:  # an open session keeps a seat free
            wanted = rng.randint(2, session.capacity - (1 if session.status == S.OPEN else 0))
        # Enrolled in order, a minute apart, before the deadline and never in the future: the waiting list's order.
        latest = min(timezone.now(), timezone.make_aware(datetime.datetime.combine(session.enrolment_deadline,
                                                                                 datetime.time(12))))
        first_at = latest - datetime.timedelta(days=rng.randint(1, 30), minutes=wanted)
        taken, confirmed = set(), 0
        # The demo HR accounts' organisations appear in one session out of three.
        others = rng.sample(sorted(organisations), min(6, len(organisations)))
        candidates = [pk for pk in member_orgs if index % 3 == 0] + others
        for number in range(wanted):
            organisation_id = candidates[number % len(candidates)]
            employees = [pk for pk in staff.get(organisation_id, []) if pk not in taken]
            if not employees:
                continue
            employee_id = rng.choice(employees)
            taken.add(employee_id)
            enrolled_at = first_at + datetime.timedelta(minutes=number)
            basis = basis_for(organisations[organisation_id], on=timezone.localdate(enrolled_at))
            if session.status == S.CANCELLED:
                status = E.CANCELLED
            elif confirmed < session.capacity:
                status = E.COMPLETED if session.status == S.COMPLETED else E.CONFIRMED
                confirmed += 1
            else:
                status = E.CANCELLED if session.status == S.COMPLETED else E.WAITLISTED
            enrolments.append(Enrolment(
                session=session, employee_id=employee_id, organisation_id=organisation_id, status=status,
                price_basis=basis, unit_price=session.course.price_on(basis).amount,
                enrolled_by_id=hr_users.get(organisation_id), enrolled_at=enrolled_at,
                cancelled_at=enrolled_at + datetime.timedelta(days=1) if status == E.CANCELLED else None,
            ))
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    return len(enrolments)


def signature_png(rng: random.Random, width: int = 180, height: int = 50) -> str:
    """A scribble, as the PNG data URL a signature pad produces (demo data only)."""
    pixels = [[255] * width for _ in range(height)]
    phase, amplitude, frequency = rng.random() * 6, rng.uniform(8, 18), rng.uniform(0.05, 0.12)
    for x in range(10, width - 10):
        y = int(height / 2 + amplitude * math.sin(phase + x * frequency) * math.cos(x / 40))
        for dy in (0, 1):
            if 0 <= y + dy < height:
                pixels[y + dy][x] = 20
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


def seed_quality_trail(rng: random.Random, limit: int = 60) -> int:
    """Attendance with signatures, assessments, hours and survey answers for the latest completed sessions."""
    if Attendance.objects.exists():
        return 0
    signatures = [signature_png(rng) for _ in range(8)]
    sessions = list(Session.objects.filter(status=S.COMPLETED).prefetch_related("slots", "trainers")
                    .select_related("course").order_by("-starts_at")[:limit])
    marks, trainer_marks, assessments, surveys = [], [], [], []
    for session in sessions:
        slots = list(session.slots.all())
        for trainer in session.trainers.all():
            trainer_marks += [TrainerSignature(slot=slot, trainer=trainer, signature=rng.choice(signatures),
                                               signed_at=slot.starts_at) for slot in slots]
        for enrolment in session.enrolments.filter(status=E.COMPLETED):
            statuses = rng.choices(["present", "absent", "excused"], weights=[88, 7, 5], k=len(slots))
            marks += [Attendance(enrolment=enrolment, slot=slot, status=status,
                                 signature=rng.choice(signatures) if status == "present" else "",
                                 signed_at=slot.starts_at if status == "present" else None)
                      for slot, status in zip(slots, statuses, strict=True)]
            enrolment.attended_hours = sum((slot.hours for slot, status in zip(slots, statuses, strict=True)
                                            if status == "present"), Decimal("0")).quantize(Decimal("0.01"))
            enrolment.save(update_fields=["attended_hours"])
            assessments += [Assessment(enrolment=enrolment, position=position, objective=objective[:300],
                                       result=rng.choices(Assessment.Result.values, weights=[75, 20, 5])[0])
                            for position, objective in enumerate(session.course.objectives)]
            if rng.random() < 0.75:
                scores = [rng.choices([5, 4, 3, 2], weights=[50, 35, 10, 5])[0] for _ in range(4)]
                surveys.append(SurveyInvitation(
                    enrolment=enrolment, kind=SurveyInvitation.Kind.END, expires_at=session.ends_at + VALID_FOR,
                    answered_at=session.ends_at + datetime.timedelta(days=1), overall=scores[0], content=scores[1],
                    trainer_rating=scores[2], usefulness=scores[3],
                    comment=rng.choice(["", "Très concret, merci !", "Un peu court sur la pratique.", "Formatrice à l'écoute."]),
                ))
    Attendance.objects.bulk_create(marks, batch_size=2000)
    TrainerSignature.objects.bulk_create(trainer_marks, batch_size=2000)
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    SurveyInvitation.objects.bulk_create(surveys, batch_size=2000)
    return len(marks)


@transaction.atomic
def seed(*, scale: str, rng: random.Random, password: str, progress) -> str:
    sessions = seed_sessions(SESSIONS[scale], rng)
    enrolments = seed_enrolments(rng)
    marks = seed_quality_trail(rng)
    return f"{sessions} sessions, {enrolments} inscriptions, {marks} émargements créés"
