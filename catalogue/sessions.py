"""What the catalogue reads from the sessions app (read only: views may read across apps).

Only sessions open to all members (inter) are shown: an intra session belongs to one organisation.
"""

import datetime
from functools import cache

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Now

from formation.models import Session


def upcoming_sessions():
    """Published inter sessions that have not started yet."""
    return Session.objects.published().upcoming().filter(kind=Session.Kind.INTER)


@cache
def next_session_start() -> Subquery:
    """The start of a course's next upcoming session, built once: the database's clock keeps it current
    (building it costs more than running it, on every catalogue page)."""
    upcoming = Session.objects.published().upcoming(now=Now()).filter(kind=Session.Kind.INTER, course=OuterRef("pk"))
    return Subquery(upcoming.order_by("starts_at").values("starts_at")[:1])


def with_next_session(courses):
    """Annotate each course with `next_session`, the start of its next upcoming session (or None)."""
    return courses.annotate(next_session=next_session_start())


def order_by_next_session(courses, descending: bool):
    """Courses without an upcoming session come last, whichever the direction."""
    key = F("next_session").desc(nulls_last=True) if descending else F("next_session").asc(nulls_last=True)
    return courses.order_by(key, "sort_title", "pk")


def with_upcoming_session(
    courses, *, delegation: str | None = None, after: datetime.date | None = None,
    before: datetime.date | None = None,
):
    """Courses with one upcoming session meeting every condition given (in the delegation of that code, within
    the dates), `next_session` then the start of the first such session: a visitor who asked for March should
    not read an earlier session elsewhere as the course's next one."""
    condition = Q(course=OuterRef("pk"))
    if delegation:
        condition &= Q(venue__delegation__code=delegation)
    if after is not None:
        condition &= Q(starts_at__date__gte=after)
    if before is not None:
        condition &= Q(starts_at__date__lte=before)
    matching = upcoming_sessions().filter(condition)
    return courses.filter(Exists(matching)).annotate(
        next_session=Subquery(matching.order_by("starts_at").values("starts_at")[:1])
    )


def sessions_of(course):
    """A course page's upcoming sessions, with places left, where and when."""
    return upcoming_sessions().filter(course=course).with_places_left().select_related("venue__delegation")
