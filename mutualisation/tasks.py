"""Nightly check of the books: finance is told by e-mail when an invariant fails."""

from celery import shared_task
from django.utils import timezone

from core.emails import queue_email
from core.models import User
from core.roles import Role
from mutualisation.verification import verify_ledger


@shared_task(acks_late=True)
def verify_ledger_nightly() -> int:
    """Run verify_ledger; on any finding, e-mail finance once for the day. Returns the number of findings."""
    findings = verify_ledger()
    if findings:
        today = timezone.localdate()
        finance = User.objects.filter(role=Role.FINANCE, is_active=True).values_list("email", flat=True)
        queue_email(
            kind="ledger_verification", key=today.isoformat(), to=list(finance),
            template="mutualisation/emails/ledger_verification",
            context={"findings": [str(finding) for finding in findings], "date": today},
        )
    return len(findings)
