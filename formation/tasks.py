from celery import shared_task

from formation import notices
from formation.services import convocations, surveys


@shared_task(acks_late=True)
def send_enrolment_notice(enrolment_id: int, kind: str) -> None:
    """Messages queued before notices went out in batches still name this task: remove it once the
    queues of the release after 2026-11-26 are drained."""
    notices.send_enrolment_notice(kind=kind, enrolment_id=enrolment_id)


@shared_task(acks_late=True)
def send_enrolment_notices(enrolment_ids: list[int], kind: str) -> None:
    """The `kind` notice of each enrolment of a batch; a retry resends none twice (see notices)."""
    for enrolment_id in enrolment_ids:
        notices.send_enrolment_notice(kind=kind, enrolment_id=enrolment_id)


@shared_task(acks_late=True)
def send_convocation(enrolment_id: int) -> None:
    convocations.send_convocation(enrolment_id=enrolment_id)


@shared_task
def send_due_convocations() -> int:
    """Beat, hourly: queue the convocations and reminders that are due."""
    due = convocations.due_enrolments()
    for enrolment_id in due:
        send_convocation.delay(enrolment_id)
    return len(due)


@shared_task
def invite_follow_up_surveys() -> int:
    """Beat, daily: the questionnaires 60 days after the end of a session."""
    return surveys.invite_follow_ups()
