"""Nightly check of the books: finance is told by e-mail when an invariant fails."""

from celery import shared_task
from django.utils import timezone

from mutualisation.nightly import check_books_and_report


@shared_task(acks_late=True)
def verify_ledger_nightly() -> int:
    """Run verify_ledger; on any finding, e-mail finance once for the day. Returns the number of findings."""
    return check_books_and_report(timezone.localdate())
