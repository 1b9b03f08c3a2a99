"""What an edit of a venue or a trainer (both kept in the Django admin) changes in the sessions' calendars.

The calendar events print the venue (name, address, access) and the trainers' names. A subscribed client replaces
an event it already holds only when its SEQUENCE goes up, so such an edit raises the SEQUENCE and updated_at (the
events' DTSTAMP) of every session concerned that is not completed; a completed session's events are a record of
what took place.
"""

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core import audit
from formation.models import Enrolment, Session, Trainer, Venue
from formation.services.common import notify

# The fields the calendar events print (formation.calendar._location and _description).
VENUE_PRINTED = frozenset({"name", "address", "postal_code", "city", "access_notes", "accessibility_notes"})
TRAINER_PRINTED = frozenset({"first_name", "last_name"})


def _resequence(sessions: QuerySet) -> int:
    """Raise SEQUENCE and updated_at of the sessions not completed, in one UPDATE; the number of them.

    F() reads the row as the UPDATE finds it, so a service holding a session's lock is waited for, not overwritten.
    """
    return sessions.exclude(status=Session.Status.COMPLETED).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )


@transaction.atomic
def venue_edited(*, venue: Venue, fields: list[str], by) -> int:
    """After `venue` was saved with `fields` changed: its sessions' calendar events show the new place."""
    printed = sorted(VENUE_PRINTED.intersection(fields))
    if not printed:
        return 0
    sessions = Session.objects.filter(venue=venue)
    count = _resequence(sessions)
    audit.record(by, "formation.venue.sessions_resequenced", venue, {"fields": printed, "sessions": count})
    # The trainees already convoked get the new address (the notice skips the others and finished sessions).
    notify(Enrolment.objects.filter(session__in=sessions.exclude(status=Session.Status.COMPLETED),
                                    status=Enrolment.Status.CONFIRMED), "session_updated")
    return count


@transaction.atomic
def trainer_edited(*, trainer: Trainer, fields: list[str], by) -> int:
    """After `trainer` was saved with `fields` changed: their sessions' calendar events show the new name."""
    printed = sorted(TRAINER_PRINTED.intersection(fields))
    if not printed:
        return 0
    count = _resequence(trainer.sessions.all())
    audit.record(by, "formation.trainer.sessions_resequenced", trainer, {"fields": printed, "sessions": count})
    return count
