import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from formation.models import Attendance, Enrolment, Session
from tests.catalogue.factories import CourseFactory
from tests.factories import EmployeeFactory, MemberUserFactory, OrganisationFactory, UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory, VenueFactory, next_monday

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    return SessionFactory(capacity=3, course__title="Accueillir un salarié en parcours",
                          course__member_price=Decimal("300.00"), course__public_price=Decimal("450.00"))


@pytest.fixture
def trainer_client(client):
    user = UserFactory(role=Role.TRAINER)
    client.force_login(user)
    client.trainer = TrainerFactory(user=user)
    return client


class TestPlanning:
    def test_staff_see_sessions_with_fill_rates(self, client, staff_user, session):
        EnrolmentFactory(session=session)
        client.force_login(staff_user)
        page = client.get(reverse("formation:sessions")).content.decode()
        assert "Accueillir un salarié en parcours" in page
        assert "1/3" in page

    def test_filters_by_month_week_status_and_text(self, client, staff_user, session):
        client.force_login(staff_user)
        start = timezone.localtime(session.starts_at)
        url = reverse("formation:sessions")
        assert session.course.title in client.get(url, {"month": f"{start:%Y-%m}"}).content.decode()
        assert session.course.title in client.get(url, {"week": start.strftime("%G-W%V")}).content.decode()
        assert session.course.title not in client.get(url, {"month": "2020-01"}).content.decode()
        assert session.course.title not in client.get(url, {"status": "cancelled"}).content.decode()
        assert session.course.title in client.get(url, {"q": "accueillir"}).content.decode()

    def test_filters_by_trainer_and_city_and_exports_fill(self, client, staff_user, session):
        session.trainers.add(TrainerFactory(last_name="Bensalem"))
        EnrolmentFactory(session=session)
        client.force_login(staff_user)
        url = reverse("formation:sessions")
        assert session.course.title in client.get(url, {"trainer": "bensal"}).content.decode()
        assert session.course.title not in client.get(url, {"trainer": "nobody"}).content.decode()
        assert session.course.title in client.get(url, {"venue": "paris"}).content.decode()
        rows = list(csv.reader(io.StringIO(client.get(url, {"_export": "csv"}).content.decode("utf-8-sig")),
                               delimiter=";"))
        assert rows[1][-1] == "1/3 (+0)" and "Bensalem" in rows[1][4]

    @pytest.mark.parametrize("query", [{"month": "2026-13"}, {"week": "garbage"}, {"status": "x"}, {"page": "999999"},
                                       {"delegation": "abc"}, {"q": "x" * 10000}])
    def test_bad_filter_values_give_a_normal_page(self, client, staff_user, session, query):
        client.force_login(staff_user)
        assert client.get(reverse("formation:sessions"), query).status_code == 200

    def test_the_same_number_of_queries_for_10_and_50_rows(self, client, staff_user):
        for _ in range(60):
            EnrolmentFactory(session=SessionFactory())
        client.force_login(staff_user)

        def count(per_page):
            with CaptureQueriesContext(connection) as queries:
                client.get(reverse("formation:sessions"), {"per_page": per_page})
            return len(queries)

        assert count(10) == count(50)

    def test_member_hr_see_published_sessions_only(self, hr_client, session):
        draft = SessionFactory(status=Session.Status.DRAFT, course__title="Brouillon secret")
        page = hr_client.get(reverse("formation:sessions")).content.decode()
        assert session.course.title in page and "Brouillon secret" not in page
        assert hr_client.get(reverse("formation:session", args=[draft.pk])).status_code == 404

    def test_trainers_see_their_own_sessions(self, trainer_client, session):
        mine = SessionFactory(course__title="Ma session à moi")
        mine.trainers.add(trainer_client.trainer)
        page = trainer_client.get(reverse("formation:sessions")).content.decode()
        assert "Ma session à moi" in page and session.course.title not in page


class TestScheduling:
    def form(self, course, venue, trainer, **overrides):
        start = next_monday(3)
        return {"course": course.code, "kind": "inter", "start_date": start.isoformat(),
                "enrolment_deadline": (start - datetime.timedelta(days=7)).isoformat(), "venue": venue.pk,
                "trainers": [trainer.pk], "capacity": 12, "min_participants": 5} | overrides

    def test_staff_schedule_a_session_with_its_half_days(self, client, staff_user):
        course, venue, trainer = CourseFactory(duration_hours=Decimal("14")), VenueFactory(), TrainerFactory()
        client.force_login(staff_user)
        response = client.post(reverse("formation:session_create"), self.form(course, venue, trainer))
        session = Session.objects.get()
        assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
        assert session.status == Session.Status.DRAFT and session.slots.count() == 4

    def test_a_trainer_in_two_overlapping_sessions_is_refused_naming_the_conflict(self, client, staff_user):
        course, venue, trainer = CourseFactory(title="Premiers secours"), VenueFactory(), TrainerFactory(last_name="Dupuis")
        client.force_login(staff_user)
        client.post(reverse("formation:session_create"), self.form(course, venue, trainer))
        response = client.post(reverse("formation:session_create"), self.form(course, VenueFactory(), trainer))
        page = response.content.decode()
        assert "Marc Dupuis anime déjà « Premiers secours »" in page
        assert Session.objects.count() == 1

    def test_a_venue_booked_twice_is_refused(self, client, staff_user):
        course, venue = CourseFactory(), VenueFactory(name="Salle Jaurès")
        client.force_login(staff_user)
        client.post(reverse("formation:session_create"), self.form(course, venue, TrainerFactory()))
        response = client.post(reverse("formation:session_create"), self.form(course, venue, TrainerFactory()))
        assert "Salle Jaurès (Paris) est déjà réservé" in response.content.decode()

    def test_unknown_course_and_past_dates_are_refused(self, client, staff_user):
        client.force_login(staff_user)
        response = client.post(reverse("formation:session_create"), self.form(
            CourseFactory.build(code="NOPE-1"), VenueFactory(), TrainerFactory(),
            start_date=(timezone.localdate() - datetime.timedelta(days=7)).isoformat()))
        page = response.content.decode()
        assert "Aucune formation n’a le code NOPE-1" in page and "ne peut pas être dans le passé" in page
        assert not Session.objects.exists()

    def test_only_training_staff_schedule(self, hr_client):
        assert hr_client.get(reverse("formation:session_create")).status_code == 403

    def test_moving_a_half_day_raises_the_calendar_sequence(self, client, staff_user, session):
        client.force_login(staff_user)
        slot = session.slots.first()
        day = timezone.localtime(slot.starts_at).date() + datetime.timedelta(days=1)
        response = client.post(reverse("formation:slot_update", args=[session.pk, slot.pk]),
                               {"day": day.isoformat(), "starts": "10:00", "ends": "12:00", "on_a_day_off": "on"})
        assert response.status_code == 302
        slot.refresh_from_db()
        session.refresh_from_db()
        assert timezone.localtime(slot.starts_at).hour == 10 and session.sequence == 1


class TestLifecycle:
    def action(self, client, session, action, **data):
        return client.post(reverse("formation:session_action", args=[session.pk, action]), data, follow=True)

    def test_open_confirm_complete(self, client, staff_user):
        session = SessionFactory(status=Session.Status.DRAFT, min_participants=1)
        client.force_login(staff_user)
        self.action(client, session, "open")
        came, never = EnrolmentFactory(session=session), EnrolmentFactory(session=session)
        self.action(client, session, "confirm")
        session.refresh_from_db()
        assert session.status == Session.Status.CONFIRMED
        Session.objects.filter(pk=session.pk).update(
            starts_at=timezone.now() - datetime.timedelta(hours=9), ends_at=timezone.now() - datetime.timedelta(hours=1))
        first, second = session.slots.order_by("starts_at")
        Attendance.objects.create(enrolment=came, slot=first, status="present")
        Attendance.objects.create(enrolment=never, slot=first, status="absent")
        Attendance.objects.create(enrolment=never, slot=second, status="excused")
        page = self.action(client, session, "complete").content.decode()
        assert f"La présence manque pour 1 demi-journée de stagiaire : {came.employee} le {second}." in page
        Attendance.objects.create(enrolment=came, slot=second, status="absent")
        self.action(client, session, "complete")
        session.refresh_from_db()
        assert session.status == Session.Status.COMPLETED
        assert dict(session.enrolments.values_list("pk", "status")) == {came.pk: "completed", never.pk: "abandoned"}
        assert session.enrolments.get(pk=never.pk).abandon_reason == "Excusé(e) ou absent(e) à chaque demi-journée."

    def test_confirming_below_the_minimum_warns_and_needs_a_tick(self, client, staff_user):
        session = SessionFactory(min_participants=5)
        client.force_login(staff_user)
        page = self.action(client, session, "confirm").content.decode()
        assert "Seulement 0 stagiaires confirmés pour un minimum de 5" in page
        session.refresh_from_db()
        assert session.status == Session.Status.OPEN
        self.action(client, session, "confirm", despite_minimum="on")
        session.refresh_from_db()
        assert session.status == Session.Status.CONFIRMED

    def test_cancelling_needs_a_reason_and_notifies_everyone(self, client, staff_user, session, mailoutbox,
                                                         django_capture_on_commit_callbacks):
        enrolments = EnrolmentFactory.create_batch(2, session=session)
        client.force_login(staff_user)
        assert "Indiquez pourquoi" in self.action(client, session, "cancel", reason="  ").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            self.action(client, session, "cancel", reason="Formateur malade")
        session.refresh_from_db()
        assert session.status == Session.Status.CANCELLED and session.cancellation_reason == "Formateur malade"
        assert {e.status for e in Enrolment.objects.filter(pk__in=[e.pk for e in enrolments])} == {"cancelled"}
        assert len(mailoutbox) == 2 and "Formateur malade" in mailoutbox[0].body

    def test_completing_before_the_end_is_refused(self, client, staff_user):
        session = SessionFactory(status=Session.Status.CONFIRMED)
        client.force_login(staff_user)
        assert "n’est pas terminée" in self.action(client, session, "complete").content.decode()

    def test_members_cannot_act_on_sessions(self, hr_client, session):
        url = reverse("formation:session_action", args=[session.pk, "cancel"])
        assert hr_client.post(url, {"reason": "x"}).status_code == 403
        session.refresh_from_db()
        assert session.status == Session.Status.OPEN

    def test_unknown_action_is_404(self, client, staff_user, session):
        client.force_login(staff_user)
        assert client.post(reverse("formation:session_action", args=[session.pk, "explode"])).status_code == 404


class TestEnrolPages:
    def test_preview_shows_the_member_price_and_total_then_confirm_enrols(self, hr_client, organisation, session):
        employees = EmployeeFactory.create_batch(2, organisation=organisation)
        url = reverse("formation:enrol", args=[session.pk])
        preview = hr_client.post(url, {"step": "preview", "employees": [e.pk for e in employees]})
        page = preview.content.decode()
        assert "300,00\u00a0€" in page and "600,00\u00a0€" in page
        assert not Enrolment.objects.exists()
        response = hr_client.post(url, {"step": "confirm", "employees": [e.pk for e in employees], "unit_price": "0"})
        assert response.status_code == 302
        assert list(Enrolment.objects.values_list("unit_price", flat=True)) == [Decimal("300.00")] * 2

    def test_another_organisations_employee_cannot_be_posted(self, hr_client, organisation, session):
        EmployeeFactory(organisation=organisation)
        stranger = EmployeeFactory()
        url = reverse("formation:enrol", args=[session.pk])
        preview = hr_client.post(url, {"step": "preview", "employees": [stranger.pk]})
        assert preview.status_code == 200 and "Sélectionnez un choix valide" in preview.content.decode()
        for junk in ("junk", "\u00b2", "9" * 30):  # '²' is a digit to Python; 30 digits fit no database integer
            response = hr_client.post(url, {"step": "confirm", "employees": [stranger.pk, junk]}, follow=True)
            assert response.status_code == 200 and "Choisissez au moins un salarié" in response.content.decode()
        response = hr_client.post(url, {"step": "confirm", "employees": [stranger.pk]}, follow=True)
        assert "n’appartiennent pas à votre structure" in response.content.decode()
        assert not Enrolment.objects.exists()

    def test_enrolling_after_the_deadline_says_so(self, hr_client, organisation, session):
        Session.objects.filter(pk=session.pk).update(enrolment_deadline=timezone.localdate() - datetime.timedelta(days=1))
        employee = EmployeeFactory(organisation=organisation)
        response = hr_client.post(reverse("formation:enrol", args=[session.pk]),
                                  {"step": "confirm", "employees": [employee.pk]}, follow=True)
        assert "Les inscriptions ont fermé le" in response.content.decode()
        assert not Enrolment.objects.exists()

    def test_staff_cannot_use_the_member_enrol_page(self, client, staff_user, session):
        client.force_login(staff_user)
        url = reverse("formation:enrol", args=[session.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"step": "confirm", "employees": ["1"]}).status_code == 403

    def test_a_draft_or_another_organisations_intra_session_is_404_and_unchanged(self, hr_client, organisation):
        employee = EmployeeFactory(organisation=organisation)
        for session in (SessionFactory(status=Session.Status.DRAFT),
                        SessionFactory(kind=Session.Kind.INTRA, organisation=OrganisationFactory())):
            url = reverse("formation:enrol", args=[session.pk])
            assert hr_client.post(url, {"step": "confirm", "employees": [employee.pk]}).status_code == 404
        assert not Enrolment.objects.exists()

    def test_a_cancelled_session_says_so(self, hr_client, organisation, session):
        Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED, cancellation_reason="x")
        employee = EmployeeFactory(organisation=organisation)
        response = hr_client.post(reverse("formation:enrol", args=[session.pk]),
                                  {"step": "confirm", "employees": [employee.pk]}, follow=True)
        assert "pas ouverte aux inscriptions" in response.content.decode()
        assert not Enrolment.objects.exists()

    def test_an_unknown_session_is_404(self, hr_client, organisation):
        employee = EmployeeFactory(organisation=organisation)
        url = reverse("formation:enrol", args=[999999])
        assert hr_client.post(url, {"step": "confirm", "employees": [employee.pk]}).status_code == 404


class TestMemberEnrolments:
    def test_list_filters_and_export_show_only_the_organisations_enrolments(self, hr_client, organisation, session):
        mine = EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation, last_name="Diallo"))
        EnrolmentFactory(session=session, employee=EmployeeFactory(last_name="Etranger"))
        page = hr_client.get(reverse("formation:enrolments")).content.decode()
        assert "Diallo" in page and "Etranger" not in page
        rows = list(csv.reader(io.StringIO(hr_client.get(reverse("formation:enrolments"), {"_export": "csv"})
                                           .content.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) == 2 and "Diallo" in rows[1][0]
        assert "Diallo" not in hr_client.get(reverse("formation:enrolments"), {"status": "cancelled"}).content.decode()
        assert mine.pk

    def test_the_session_page_shows_a_member_only_its_own_trainees(self, hr_client, organisation, session):
        EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation, last_name="Diallo"))
        EnrolmentFactory(session=session, employee=EmployeeFactory(last_name="Etranger"))
        page = hr_client.get(reverse("formation:session", args=[session.pk])).content.decode()
        assert "Diallo" in page and "Etranger" not in page

    def test_cancel_asks_first_then_cancels(self, hr_client, organisation, session):
        enrolment = EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation))
        url = reverse("formation:enrolment_cancel", args=[enrolment.pk])
        assert "Annuler l’inscription" in hr_client.get(url).content.decode()
        enrolment.refresh_from_db()
        assert enrolment.status == "confirmed"
        hr_client.post(url)
        enrolment.refresh_from_db()
        assert enrolment.status == "cancelled"

    def test_another_members_enrolment_is_404_and_unchanged(self, hr_client, session):
        other = EnrolmentFactory(session=session)
        url = reverse("formation:enrolment_cancel", args=[other.pk])
        assert hr_client.get(url).status_code == 404
        assert hr_client.post(url).status_code == 404
        other.refresh_from_db()
        assert other.status == "confirmed"

    def test_staff_have_no_member_enrolment_list(self, client, staff_user):
        client.force_login(staff_user)
        assert client.get(reverse("formation:enrolments")).status_code == 403
        assert MemberUserFactory().pk


class TestSessionChanges:
    def post(self, client, session, **overrides):
        data = {"enrolment_deadline": session.enrolment_deadline.isoformat(), "venue": session.venue_id, "remote_url": "",
                "trainers": [], "capacity": session.capacity, "min_participants": session.min_participants} | overrides
        return client.post(reverse("formation:session_update", args=[session.pk]), data, follow=True)

    def test_more_seats_go_to_the_waiting_list_in_order(self, client, staff_user):
        session = SessionFactory(capacity=1, status=Session.Status.FULL)
        EnrolmentFactory(session=session)
        first = EnrolmentFactory(session=session, status="waitlisted")
        second = EnrolmentFactory(session=session, status="waitlisted")
        client.force_login(staff_user)
        self.post(client, session, capacity=2)
        assert Enrolment.objects.get(pk=first.pk).status == "confirmed"
        assert Enrolment.objects.get(pk=second.pk).status == "waitlisted"
        session.refresh_from_db()
        assert session.status == Session.Status.FULL and session.capacity == 2

    def test_capacity_below_the_confirmed_trainees_is_refused(self, client, staff_user):
        session = SessionFactory(capacity=3)
        EnrolmentFactory.create_batch(2, session=session)
        client.force_login(staff_user)
        assert "déjà confirmés" in self.post(client, session, capacity=1).content.decode()
        session.refresh_from_db()
        assert session.capacity == 3

    def test_a_minimum_above_the_capacity_is_refused_in_french(self, client, staff_user):
        session = SessionFactory(capacity=8, min_participants=4)
        client.force_login(staff_user)
        response = self.post(client, session, min_participants=9)
        assert response.status_code == 200 and "Le minimum ne peut pas dépasser la capacité" in response.content.decode()
        session.refresh_from_db()
        assert (session.capacity, session.min_participants) == (8, 4)

    def test_a_new_place_raises_the_calendar_sequence(self, client, staff_user, session):
        client.force_login(staff_user)
        self.post(client, session, venue=VenueFactory().pk)
        session.refresh_from_db()
        assert session.sequence == 1

    def test_a_busy_trainer_is_refused(self, client, staff_user, session):
        busy = TrainerFactory(last_name="Occupé")
        other = SessionFactory(starts_at=session.starts_at, ends_at=session.ends_at)
        other.trainers.add(busy)
        client.force_login(staff_user)
        assert "Marc Occupé anime déjà" in self.post(client, session, trainers=[busy.pk]).content.decode()
        assert not session.trainers.exists()


class TestOnlyLinksThePersonMayFollow:
    def test_a_logged_in_trainer_opens_the_public_sessions_as_a_visitor_does(self, trainer_client, session):
        assert trainer_client.get(reverse("calendar:session", args=[session.pk])).status_code == 200
        assert trainer_client.get(reverse("formation:session", args=[session.pk])).status_code == 200
        draft = SessionFactory(status=Session.Status.DRAFT)
        assert trainer_client.get(reverse("formation:session", args=[draft.pk])).status_code == 404
        page = trainer_client.get(reverse("formation:session", args=[session.pk])).content.decode()
        assert ">Vos inscriptions</h2>" not in page and ">Inscriptions</h2>" not in page  # not theirs to see

    def test_finance_sees_every_trainee_with_their_organisation(self, client, session):
        enrolment = EnrolmentFactory(session=session)
        client.force_login(UserFactory(username="compta", role=Role.FINANCE))
        page = client.get(reverse("formation:session", args=[session.pk])).content.decode()
        assert ">Inscriptions</h2>" in page and str(enrolment.organisation) in page

    def test_the_session_page_offers_cancelling_and_documents_to_whom_may(self, client, session, staff_user,
                                                                         trainer_client):
        enrolment = EnrolmentFactory(session=session)
        cancel = reverse("formation:enrolment_cancel", args=[enrolment.pk])
        convocation = reverse("formation:enrolment_document", args=[enrolment.pk, "convocation"])
        session.trainers.add(trainer_client.trainer)
        finance = UserFactory(username="compta", role=Role.FINANCE)
        for user, may_cancel, may_read in ((staff_user, True, True), (trainer_client.trainer.user, False, True),
                                           (finance, False, False)):
            client.force_login(user)
            page = client.get(reverse("formation:session", args=[session.pk])).content.decode()
            assert (cancel in page, convocation in page) == (may_cancel, may_read), user.role
            for link, shown in ((cancel, may_cancel), (convocation, may_read)):
                if shown:  # what is offered opens
                    assert client.get(link).status_code == 200, (user.role, link)

    def test_the_session_page_reads_the_same_queries_for_1_and_6_trainees(self, client, session):
        member = MemberUserFactory()
        client.force_login(member.user)
        EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=member.organisation))
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                client.get(reverse("formation:session", args=[session.pk]))
            counts.append(len(queries))
            for _ in range(5):
                EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=member.organisation))
        assert counts[0] == counts[1]
