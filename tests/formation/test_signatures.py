"""Drawn signatures: only a clean PNG of a pad's size is stored, PDFs fetch nothing from elsewhere, a cleared or
replaced signature stays in the audit log, and nobody is marked or signs before the half-day."""

import base64
import datetime
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from PIL import Image, ImageDraw, PngImagePlugin

from core.models import AuditEntry
from core.roles import Role
from formation import documents
from formation.exceptions import FormationError
from formation.models import Attendance, Session, TrainerSignature
from formation.services import attendance
from formation.signatures import MAX_HEIGHT, MAX_WIDTH, may_load_in_pdf, pdf_url_fetcher
from tests.factories import UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory

pytestmark = pytest.mark.django_db
PREFIX = "data:image/png;base64,"


def data_url(content: bytes, prefix: str = PREFIX) -> str:
    return prefix + base64.b64encode(content).decode()


def drawing(size=(300, 100), mode="RGBA", stroke=(1, 1, 1, 255), **save_options) -> str:
    """A PNG data URL with one stroke, as a signature pad sends it (RGBA on a transparent background)."""
    image = Image.new(mode, size)
    ImageDraw.Draw(image).line([(5, size[1] - 5), (size[0] // 2, 5), (size[0] - 5, size[1] // 2)], fill=stroke, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **save_options)
    return data_url(buffer.getvalue())


def stored_image(signature: str) -> Image.Image:
    assert signature.startswith(PREFIX)
    image = Image.open(io.BytesIO(base64.b64decode(signature.removeprefix(PREFIX), validate=True)))
    image.load()
    return image


@pytest.fixture
def trainer_user():
    user = UserFactory(role=Role.TRAINER)
    TrainerFactory(user=user)
    return user


def session_starting(at: datetime.datetime, trainer_user) -> Session:
    """A confirmed session whose first half-day starts `at`, taught by trainer_user."""
    session = SessionFactory(status=Session.Status.CONFIRMED, starts_at=at, ends_at=at + datetime.timedelta(hours=8),
                             enrolment_deadline=(at - datetime.timedelta(days=3)).date())
    session.trainers.add(trainer_user.trainer)
    return session


@pytest.fixture
def running(trainer_user):
    """A session whose first half-day started an hour ago, with one trainee."""
    session = session_starting(timezone.now() - datetime.timedelta(hours=1), trainer_user)
    return session.slots.order_by("starts_at").first(), EnrolmentFactory(session=session)


def mark(slot, enrolment, status, by, signature=""):
    return attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, status, signature)],
                                        by=by)


def last_entry(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-pk").first()


class TestForgedPayloads:
    @pytest.mark.parametrize("payload", [
        PREFIX + "this is not base64 <script>",
        PREFIX + base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode() + "!",
        data_url(b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://169.254.169.254/latest"/></svg>'),
        data_url(b"\x89PNG\r\n\x1a\nfake"),
        data_url(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ], ids=["text", "trailing-junk", "svg", "truncated-png", "gif"])
    def test_anything_but_a_png_is_refused_for_trainees_and_trainers(self, running, trainer_user, payload):
        slot, enrolment = running
        with pytest.raises(FormationError):
            mark(slot, enrolment, "present", trainer_user, payload)
        with pytest.raises(FormationError):
            attendance.sign_half_day(slot_id=slot.pk, signature=payload, by=trainer_user)
        assert not Attendance.objects.exists() and not TrainerSignature.objects.exists()

    def test_the_refusal_asks_to_sign_again(self, running, trainer_user):
        slot, enrolment = running
        with translation.override(None), pytest.raises(FormationError) as refused:
            mark(slot, enrolment, "present", trainer_user, data_url(b"<svg/>"))
        assert refused.value.message == "The signature could not be read: please sign again."

    @pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
    def test_a_huge_image_is_refused_from_its_header(self, running, trainer_user):
        """13000×13000 pixels in 1 bit: a few dozen kilobytes sent, gigabytes once drawn on the sheet."""
        slot, enrolment = running
        buffer = io.BytesIO()
        Image.new("1", (13000, 13000), 1).save(buffer, format="PNG", optimize=True)
        load = PngImagePlugin.PngImageFile.load
        with (mock.patch.object(PngImagePlugin.PngImageFile, "load", autospec=True, side_effect=load) as loaded,
              pytest.raises(FormationError)):
            mark(slot, enrolment, "present", trainer_user, data_url(buffer.getvalue()))
        assert not loaded.called, "the pixels were read"
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("size, accepted", [
        ((MAX_WIDTH, MAX_HEIGHT), True), ((MAX_WIDTH + 1, 100), False), ((300, MAX_HEIGHT + 1), False),
    ])
    def test_the_largest_pad_is_accepted_and_no_larger(self, running, trainer_user, size, accepted):
        slot, enrolment = running
        signature = drawing(size=size, mode="1", stroke=0)
        if not accepted:
            with pytest.raises(FormationError):
                mark(slot, enrolment, "present", trainer_user, signature)
            assert not Attendance.objects.exists()
            return
        mark(slot, enrolment, "present", trainer_user, signature)
        stored = stored_image(Attendance.objects.get().signature)
        assert (stored.format, stored.mode, stored.size) == ("PNG", "LA", size)

    def test_what_is_stored_is_the_drawing_re_encoded(self, running, trainer_user):
        """Only the pixels are kept: text chunks and whatever else rode along with the image are dropped."""
        slot, enrolment = running
        extra = PngImagePlugin.PngInfo()
        extra.add_text("Comment", "<svg onload=alert(1)>")
        sent = drawing(pnginfo=extra)
        mark(slot, enrolment, "present", trainer_user, sent)
        attendance.sign_half_day(slot_id=slot.pk, signature=sent, by=trainer_user)
        for signature in (Attendance.objects.get().signature, TrainerSignature.objects.get().signature):
            stored = stored_image(signature)
            assert signature != sent and (stored.mode, stored.size) == ("LA", (300, 100))
            assert "Comment" not in stored.info
            assert stored.getchannel("A").tobytes() == stored_image(sent).getchannel("A").tobytes()


@pytest.fixture
def probe():
    """A local web server recording the paths it is asked for: what a PDF must never make the server fetch."""
    requested = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requested
    server.shutdown()
    server.server_close()


class TestPdfFetchesNothingElsewhere:
    def test_a_stored_svg_does_not_make_the_sheet_fetch_its_links(self, running, trainer_user, probe):
        """A signature stored before the check (or by another way in) is drawn on the sheet, links unfollowed."""
        address, requested = probe
        slot, enrolment = running
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
               f'<image href="{address}/x.png" width="9" height="9"/></svg>')
        Attendance.objects.create(enrolment=enrolment, slot=slot, status="present", signed_at=timezone.now(),
                                  signature=data_url(svg.encode()))
        TrainerSignature.objects.create(slot=slot, trainer=trainer_user.trainer, signed_at=timezone.now(),
                                        signature=data_url(svg.replace("x.png", "y.png").encode()))
        assert documents.attendance_sheet(slot.session).startswith(b"%PDF")
        assert requested == []

    def test_only_data_urls_and_static_files_are_loaded(self):
        static = settings.BASE_DIR / "static"
        assert may_load_in_pdf(drawing())
        assert may_load_in_pdf((static / "css" / "app.css").as_uri())
        assert not may_load_in_pdf("http://127.0.0.1:8000/static/css/app.css")
        assert not may_load_in_pdf("https://example.org/logo.png")
        assert not may_load_in_pdf((settings.BASE_DIR / "config" / "settings.py").as_uri())
        assert not may_load_in_pdf(f"file://{static}/../config/settings.py")
        assert not may_load_in_pdf("file://other-host/static/css/app.css")

    def test_the_fetcher_serves_static_files_and_refuses_the_rest(self):
        fetcher = pdf_url_fetcher()
        response = fetcher.fetch((settings.BASE_DIR / "static" / "css" / "app.css").as_uri())
        assert b".signature-pad" in response.read()
        response.close()
        with pytest.raises(ValueError, match="Not loaded in a PDF document"):
            fetcher.fetch("file:///etc/hostname")


class TestAuditKeepsTheSignaturesGone:
    def test_a_signature_cleared_by_an_absence_is_kept_and_flagged(self, running, trainer_user):
        slot, enrolment = running
        mark(slot, enrolment, "present", trainer_user, drawing())
        first = Attendance.objects.get()
        mark(slot, enrolment, "absent", trainer_user)
        change = last_entry("formation.attendance.recorded").data["changes"]
        assert change == [{"enrolment": enrolment.pk, "before": "present", "after": "absent", "signature_replaced": True,
                           "previous_signature": {"signature": first.signature, "signed_at": first.signed_at.isoformat()}}]
        mark(slot, enrolment, "present", trainer_user, drawing(size=(200, 80)))
        change = last_entry("formation.attendance.recorded").data["changes"]
        assert change == [{"enrolment": enrolment.pk, "before": "absent", "after": "present", "signature_replaced": False}]

    def test_an_excused_absence_clears_and_keeps_the_signature_too(self, running, trainer_user):
        slot, enrolment = running
        mark(slot, enrolment, "present", trainer_user, drawing())
        first = Attendance.objects.get()
        mark(slot, enrolment, "excused", trainer_user)
        change, = last_entry("formation.attendance.recorded").data["changes"]
        assert change["signature_replaced"] is True and change["previous_signature"]["signature"] == first.signature

    def test_a_new_drawing_keeps_the_one_it_replaces(self, running, trainer_user):
        slot, enrolment = running
        mark(slot, enrolment, "present", trainer_user, drawing())
        first = Attendance.objects.get()
        mark(slot, enrolment, "present", trainer_user, drawing(size=(200, 80)))
        change, = last_entry("formation.attendance.recorded").data["changes"]
        assert change["signature_replaced"] is True
        assert change["previous_signature"] == {"signature": first.signature, "signed_at": first.signed_at.isoformat()}
        assert Attendance.objects.get().signature != first.signature

    def test_a_trainer_signing_again_keeps_the_previous_signature(self, running, trainer_user):
        slot, _enrolment = running
        attendance.sign_half_day(slot_id=slot.pk, signature=drawing(), by=trainer_user)
        first = TrainerSignature.objects.get()
        assert last_entry("formation.attendance.trainer_signed").data == {"slot": slot.pk, "replaced": False}
        attendance.sign_half_day(slot_id=slot.pk, signature=drawing(size=(200, 80)), by=trainer_user)
        assert last_entry("formation.attendance.trainer_signed").data == {
            "slot": slot.pk, "replaced": True,
            "previous_signature": {"signature": first.signature, "signed_at": first.signed_at.isoformat()},
        }


class TestNotBeforeTheHalfDay:
    def test_present_and_absent_wait_for_the_half_day_but_an_excuse_does_not(self, trainer_user):
        session = session_starting(timezone.now() + datetime.timedelta(days=11), trainer_user)
        slot, enrolment = session.slots.order_by("starts_at").first(), EnrolmentFactory(session=session)
        for status, signature in (("present", drawing()), ("present", ""), ("absent", "")):
            with pytest.raises(FormationError):
                mark(slot, enrolment, status, trainer_user, signature)
        assert not Attendance.objects.exists()
        mark(slot, enrolment, "excused", trainer_user)
        assert Attendance.objects.get().status == "excused"

    def test_early_arrivals_sign_from_half_an_hour_before(self, trainer_user):
        soon = session_starting(timezone.now() + datetime.timedelta(minutes=25), trainer_user)
        later = session_starting(timezone.now() + datetime.timedelta(minutes=35), trainer_user)
        for session, allowed in ((soon, True), (later, False)):
            slot, enrolment = session.slots.order_by("starts_at").first(), EnrolmentFactory(session=session)
            if allowed:
                mark(slot, enrolment, "present", trainer_user, drawing())
                attendance.sign_half_day(slot_id=slot.pk, signature=drawing(), by=trainer_user)
            else:
                with pytest.raises(FormationError):
                    mark(slot, enrolment, "present", trainer_user, drawing())
                with pytest.raises(FormationError):
                    attendance.sign_half_day(slot_id=slot.pk, signature=drawing(), by=trainer_user)
        assert [a.slot.session for a in Attendance.objects.all()] == [soon]
        assert [s.slot.session for s in TrainerSignature.objects.all()] == [soon]

    def test_the_refusal_says_when_the_half_day_starts_in_paris_time(self, trainer_user):
        in_paris = datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=9), datetime.time(9))
        session = session_starting(timezone.make_aware(in_paris), trainer_user)
        slot, enrolment = session.slots.order_by("starts_at").first(), EnrolmentFactory(session=session)
        with translation.override(None):
            with pytest.raises(FormationError) as refused:
                mark(slot, enrolment, "absent", trainer_user)
            day, time = date_format(in_paris), date_format(in_paris, "TIME_FORMAT")
            assert time != date_format(slot.starts_at.astimezone(datetime.UTC), "TIME_FORMAT")
        assert refused.value.message == (f"This half-day starts on {day} at {time}: attendance can be taken and signed "
                                         "from 30 minutes before.")
