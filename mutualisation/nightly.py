"""The nightly check of the books, and who hears of it: finance, or the administrators when finance has no
address; an error in the log when nobody can be told. A check that cannot run is reported as such."""

import datetime
import logging

from django.db.models import Q

from core.emails import queue_email
from core.models import User
from core.roles import Role
from mutualisation.verification import verify_ledger

logger = logging.getLogger(__name__)
SHOWN_IN_EMAIL = 50  # findings listed in the e-mail; the rest are counted (the command lists them all)
TEMPLATE = "mutualisation/emails/ledger_verification"


def recipients() -> list[str]:
    """Active finance staff's addresses; the administrators' when no finance address is known (queue_email
    removes duplicates)."""
    for people in (Q(role=Role.FINANCE), Q(role=Role.ADMIN) | Q(is_superuser=True)):
        addresses = list(User.objects.filter(people, is_active=True).exclude(email="").values_list("email", flat=True))
        if addresses:
            return addresses
    return []


def tell(*, today: datetime.date, key: str, context: dict) -> None:
    to = recipients()
    if not to:
        logger.error("ledger check of %s: nobody to tell (no active finance user or administrator with an e-mail "
                     "address): %s", today, context)
        return
    queue_email(kind="ledger_verification", key=key, to=to, template=TEMPLATE, context=context | {"date": today})


def check_books_and_report(today: datetime.date) -> int:
    """Run verify_ledger; on any finding (or if it cannot run) tell finance once for the day. Returns the number
    of findings."""
    try:
        findings = verify_ledger()
    except Exception as error:
        logger.exception("ledger check of %s could not run", today)
        tell(today=today, key=f"{today.isoformat()}:failed", context={"failed": type(error).__name__, "total": 0})
        raise
    if findings:
        tell(today=today, key=today.isoformat(), context={
            "findings": [str(finding) for finding in findings[:SHOWN_IN_EMAIL]], "total": len(findings),
            "more": max(len(findings) - SHOWN_IN_EMAIL, 0)})
    return len(findings)
