"""Every change to sessions, enrolments and attendance: one function per business action.

Import them from here: `from formation import services; services.enrol_employees(...)`.
"""

from formation.services.enrolment import cancel_enrolment, enrol_employees
from formation.services.sessions import (
    cancel_session,
    complete_session,
    confirm_session,
    create_session,
    open_session,
    reschedule_slot,
    update_session,
)

__all__ = [
    "cancel_enrolment", "cancel_session", "complete_session", "confirm_session", "create_session", "enrol_employees",
    "open_session", "reschedule_slot", "update_session",
]
