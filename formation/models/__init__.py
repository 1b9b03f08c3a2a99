"""The formation models, one module per area; import them from here."""

from formation.models.calendars import OrganisationCalendar
from formation.models.enrolments import Enrolment, EnrolmentQuerySet  # noqa: I001 -- dependency order
from formation.models.places import Trainer, Venue
from formation.models.sessions import Session, SessionQuerySet, Slot

__all__ = [
    "Enrolment", "EnrolmentQuerySet", "OrganisationCalendar", "Session", "SessionQuerySet", "Slot", "Trainer", "Venue",
]
