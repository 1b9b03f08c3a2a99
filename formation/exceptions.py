class FormationError(Exception):
    """A business rule refused the action; the message is translated and meant for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class EnrolmentError(FormationError):
    pass


class SessionStateError(FormationError):
    pass


class SchedulingConflict(FormationError):
    pass
