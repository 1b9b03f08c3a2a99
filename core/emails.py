"""E-mails sent once: recorded under a unique (kind, key), delivered by a task after commit."""

import base64
from email import encoders
from email.mime.base import MIMEBase

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from core.models import OutgoingEmail


def mime_part(name: str, content: bytes, mimetype: str) -> MIMEBase:
    """An attachment with the parameters of its MIME type kept once each: Django's attach() adds a charset to a
    text part and keeps the type's own, so a calendar invitation read `charset="utf-8"; method=…; charset=…`."""
    main, *parameters = (part.strip() for part in mimetype.split(";"))
    kind, subtype = main.split("/", 1)
    if kind == "text":
        part = SafeMIMEText(content.decode("utf-8"), subtype, "utf-8")
    else:
        part = MIMEBase(kind, subtype)
        part.set_payload(content)
        encoders.encode_base64(part)
    for parameter in parameters:
        key, _equals, value = parameter.partition("=")
        if key.lower() != "charset":
            part.set_param(key, value)
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template (a subject, a text body) drawn without HTML escaping: "R&D" stays "R&D"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def queue_email(
    *, kind: str, key: str, to: list[str], template: str, context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> OutgoingEmail | None:
    """Record an e-mail rendered from `template` (.subject.txt, .txt, .html) and queue its sending.

    `attachments` are (file name, content, MIME type). Returns None when an e-mail of this kind and
    key exists already: it is never sent twice.
    """
    from core.tasks import send_email

    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    subject = " ".join(render_text(f"{template}.subject.txt", context).split())
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                kind=kind, key=key, to=recipients, subject=subject,
                body_text=render_text(f"{template}.txt", context),
                body_html=render_to_string(f"{template}.html", context),
                attachments=[{"name": name, "type": mimetype, "base64": base64.b64encode(content).decode()}
                             for name, content, mimetype in attachments or []],
            )
    except IntegrityError:
        return None
    send_email.delay_on_commit(email.pk)
    return email


@transaction.atomic
def deliver(email_id: int) -> bool:
    """Send the recorded e-mail unless it was sent already; True when this call sent it."""
    email = OutgoingEmail.objects.select_for_update().filter(pk=email_id, sent_at__isnull=True).first()
    if email is None:
        return False
    message = EmailMultiAlternatives(email.subject, email.body_text, to=email.to)
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(mime_part(attachment["name"], base64.b64decode(attachment["base64"]), attachment["type"]))
    message.send()
    email.sent_at = timezone.now()
    email.save(update_fields=["sent_at"])
    return True
