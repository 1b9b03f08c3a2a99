from celery import shared_task

from formation import notices


@shared_task(acks_late=True)
def send_enrolment_notice(enrolment_id: int, kind: str) -> None:
    notices.send_enrolment_notice(kind=kind, enrolment_id=enrolment_id)
