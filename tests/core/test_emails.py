import pytest

from core import emails
from core.models import OutgoingEmail
from core.tasks import send_email


@pytest.fixture
def queued(db, organisation, hr_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = emails.queue_email(
            kind="employee_import", key="42", to=["rh@example.org", "", "rh@example.org"],
            template="emails/employee_import",
            context={"organisation": organisation, "count": 3, "filename": "f.csv", "user": hr_user},
        )
    assert len(callbacks) == 1
    return email


def test_an_email_is_recorded_once_per_kind_and_key(queued, organisation, hr_user):
    assert queued.to == ["rh@example.org"]
    assert "3 salariés importés" in queued.subject
    again = emails.queue_email(
        kind="employee_import", key="42", to=["other@example.org"], template="emails/employee_import",
        context={"organisation": organisation, "count": 3, "filename": "f.csv", "user": hr_user},
    )
    assert again is None
    assert OutgoingEmail.objects.count() == 1


def test_the_sending_task_run_twice_sends_one_message(queued, mailoutbox):
    assert send_email(queued.pk) is True
    assert send_email(queued.pk) is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    queued.refresh_from_db()
    assert queued.sent_at is not None


def test_text_parts_are_not_html_escaped_and_the_html_part_is(db, organisation, hr_user):
    organisation.legal_name = "Terre d'Accueil R&D"
    email = emails.queue_email(
        kind="employee_import", key="43", to=["rh@example.org"], template="emails/employee_import",
        context={"organisation": organisation, "count": 1, "filename": "salariés R&D <2026>.csv", "user": hr_user},
    )
    assert "Terre d'Accueil R&D" in email.subject
    assert "salariés R&D <2026>.csv" in email.body_text
    assert "&amp;" not in email.subject + email.body_text and "&#x27;" not in email.subject + email.body_text
    assert "R&amp;D &lt;2026&gt;.csv" in email.body_html


def test_attachments_keep_each_parameter_of_their_type_once(db, organisation, hr_user, mailoutbox):
    """A calendar invitation's part reads `text/calendar; charset="utf-8"; method="REQUEST"`, not a charset twice;
    a PDF travels in base64 unchanged."""
    import email as email_parser

    pdf = b"%PDF-1.7 \x00\xff binary"
    queued = emails.queue_email(
        kind="employee_import", key="ics", to=["rh@example.org"], template="emails/employee_import",
        context={"organisation": organisation, "count": 1, "filename": "f.csv", "user": hr_user},
        attachments=[("invitation.ics", "BEGIN:VCALENDAR\r\nSUMMARY:Évaluer\r\nEND:VCALENDAR\r\n".encode(),
                      "text/calendar; charset=utf-8; method=REQUEST"),
                     ("convocation.pdf", pdf, "application/pdf")])
    emails.deliver(queued.pk)
    parsed = email_parser.message_from_bytes(mailoutbox[0].message().as_bytes())
    parts = {part.get_filename(): part for part in parsed.walk() if part.get_filename()}
    calendar = parts["invitation.ics"]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar["Content-Type"].lower().count("charset") == 1 and calendar.get_param("method") == "REQUEST"
    assert "SUMMARY:Évaluer" in calendar.get_payload(decode=True).decode("utf-8")
    assert parts["convocation.pdf"].get_payload(decode=True) == pdf
