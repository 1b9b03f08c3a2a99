from smtplib import SMTPException

from celery import shared_task

from core import emails


@shared_task(acks_late=True, autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_email(email_id: int) -> bool:
    return emails.deliver(email_id)
