"""The formation models, one module per area; import them from here."""

from formation.models.places import Trainer, Venue  # isort: skip -- dependency order
from formation.models.sessions import Session, SessionQuerySet, Slot  # isort: skip
from formation.models.enrolments import Enrolment, EnrolmentQuerySet  # isort: skip
from formation.models.attendance import Assessment, Attendance, ContactAttempt, SurveyInvitation, TrainerSignature
from formation.models.calendars import OrganisationCalendar

__all__ = [
    "Assessment", "Attendance", "ContactAttempt", "Enrolment", "EnrolmentQuerySet", "OrganisationCalendar", "Session",
    "SessionQuerySet", "Slot", "SurveyInvitation", "Trainer", "TrainerSignature", "Venue",
]
