"""iCalendar documents of sessions: the feeds people subscribe to, one session's download, e-mail invitations.

One VEVENT per half-day slot. Its UID (`slot-<pk>@formation.coorace.org`) never changes, so a client
updates the event rather than adding a second one; its SEQUENCE is the session's, which the services
raise on every change of date, time, place or status. Times carry TZID=Europe/Paris and its VTIMEZONE.
An e-mail invitation is one trainee's own events, apart from the feeds: their UIDs name the enrolment too
(`slot-<pk>-enrolment-<pk>@formation.coorace.org`) and their SUMMARY the trainee.

The calendar envelope and the time zone are icalendar components. The events are written here, line by
line from `.values()` rows, with the RFC 5545 escaping and folding: icalendar's component objects cost
about half a millisecond an event and a feed holds thousands (bench/bench_calendar.py). The tests parse
every document back with icalendar.
"""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cache

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard, vDuration

from formation.models import Enrolment, Session, Slot
from formation.scheduling import PARIS

S = Session.Status
UID_DOMAIN = "formation.coorace.org"
PRODID = "-//COORACE Formation//Sessions//FR"
REFRESH = datetime.timedelta(hours=1)
# Sessions that ended longer ago than this leave the feeds (clients then drop their events).
HISTORY = datetime.timedelta(days=365)
# Part of every ETag: change it whenever the same data is written differently.
FORMAT = "1"
# The statuses only a published session can have (cancelled is not one: a draft can be cancelled too).
PUBLISHED_FOR_GOOD = (*Session.PUBLISHED_STATUSES, S.COMPLETED)
ICAL_STATUS = {
    S.DRAFT: "TENTATIVE", S.OPEN: "TENTATIVE", S.FULL: "TENTATIVE",
    S.CONFIRMED: "CONFIRMED", S.COMPLETED: "CONFIRMED", S.CANCELLED: "CANCELLED",
}
SESSION_FIELDS = (
    "pk", "status", "sequence", "updated_at", "remote_url", "cancellation_reason",
    "course__title", "course__code", "course__slug", "organisation__legal_name",
    "venue__name", "venue__address", "venue__postal_code", "venue__city", "venue__access_notes",
    "venue__accessibility_notes",
)
CRLF = b"\r\n"
# Control characters are not allowed in TEXT values (RFC 5545 3.3.11); tabs and line breaks are handled apart.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- which sessions each feed shows ----------------------------------------------------------------------

def _recent(sessions: QuerySet) -> QuerySet:
    return sessions.filter(ends_at__gte=timezone.now() - HISTORY)


def _published(sessions: QuerySet) -> QuerySet:
    """Sessions that were published: cancelled ones stay (marked cancelled), unless cancelled while still drafts.

    published_at (set by open_session) is what tells; a status past draft other than cancelled tells as well,
    which also covers rows written without the services (demo data, test factories).
    """
    return sessions.filter(Q(published_at__isnull=False) | Q(status__in=PUBLISHED_FOR_GOOD))


def public_sessions() -> QuerySet:
    """Inter sessions once published, cancelled ones included; intra sessions belong to their organisation."""
    return _recent(_published(Session.objects.filter(kind=Session.Kind.INTER)))


def trainer_sessions(trainer_id: int) -> QuerySet:
    """The sessions the trainer runs, once published (as formation.access shows them to trainers)."""
    return _recent(_published(Session.objects.filter(trainers=trainer_id)))


def organisation_enrolments(organisation_id: int) -> QuerySet:
    """The organisation's enrolments its feed shows: all but cancelled ones; for a cancelled session, the cancelled ones."""
    cancelled_session = Q(session__status=S.CANCELLED)
    cancelled = Q(status=Enrolment.Status.CANCELLED)
    return Enrolment.objects.filter(organisation_id=organisation_id).filter(
        (cancelled_session & cancelled) | (~cancelled_session & ~cancelled)
    )


def organisation_sessions(organisation_id: int) -> QuerySet:
    """The sessions where the organisation has trainees (see organisation_enrolments)."""
    return _recent(Session.objects.filter(pk__in=organisation_enrolments(organisation_id).values("session_id")))


@dataclass(frozen=True)
class Feed:
    """One calendar: its sessions, its name, and how much it tells."""

    key: str                             # stable: the calendar's UID and part of its ETag
    name: str
    sessions: QuerySet
    private: bool = False                # remote links: for the trainers and the trainees' organisation
    organisation_id: int | None = None   # name this organisation's trainees, and no one else
    subscribed: bool = True              # polled by calendar clients (refresh hints), not a one-off download
    # Whether Last-Modified can be trusted: not where a session leaves the feed while staying unchanged (a trainer
    # taken off it, an enrolment cancelled), since no date left in the feed records the removal; the ETag does.
    dated: bool = True


# --- cheap version of a feed, for ETag and Last-Modified -------------------------------------------------

def version(feed: Feed, *, base_url: str) -> tuple[str, datetime.datetime | None]:
    """The feed's ETag and last modification, from aggregates only: answering 304 never builds the feed.

    The ETag changes with anything the feed shows: its name, sessions (updated_at, SEQUENCE), courses, venues,
    trainers and their links to sessions and, for an organisation, its enrolments and their employees. Last-Modified
    is the latest of those dates, or None for a feed that is not `dated`.
    """
    ids = feed.sessions.values("pk")
    state = feed.sessions.aggregate(
        count=Count("pk"), sequence=Sum("sequence"), changed=Max("updated_at"), course=Max("course__updated_at"),
        venue=Max("venue__updated_at"),
    )
    state |= Session.trainers.through.objects.filter(session__in=ids).aggregate(
        trainers=Count("pk"), link=Max("pk"), trainer=Max("trainer__updated_at"),
    )
    dates = [state["changed"], state["course"], state["venue"], state["trainer"]]
    if feed.organisation_id is not None:
        enrolments = organisation_enrolments(feed.organisation_id).filter(session__in=ids).aggregate(
            enrolled=Max("enrolled_at"), left=Max("cancelled_at"), promoted=Max("promoted_at"),
            employee=Max("employee__updated_at"),
            **{f"{status}_count": Count("pk", filter=Q(status=status)) for status in Enrolment.Status.values},
        )
        state |= enrolments
        dates += [enrolments["enrolled"], enrolments["left"], enrolments["promoted"], enrolments["employee"]]
    source = repr((FORMAT, feed.key, feed.name, feed.private, base_url, translation.get_language(),
                   sorted(state.items())))
    etag = f'"{hashlib.sha256(source.encode()).hexdigest()[:32]}"'
    if not feed.dated:
        return etag, None
    return etag, max((date for date in dates if date is not None), default=None)


# --- writing ---------------------------------------------------------------------------------------------

def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11)."""
    return (
        CONTROLS.sub("", value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )


def _line(name: str, value: str) -> bytes:
    """The content line `name:value`, folded at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    data = f"{name}:{value}".encode()
    if len(data) <= 75:
        return data + CRLF
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # a continuation line starts with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + CRLF


def _wall(moment: datetime.datetime) -> str:
    # Twice as fast as strftime(), which a feed calls eight thousand times.
    return (f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
            f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}")


def _utc(moment: datetime.datetime) -> str:
    return _wall(moment.astimezone(datetime.UTC)) + "Z"


def _paris(moment: datetime.datetime) -> str:
    return _wall(moment.astimezone(PARIS))


def _parameter(value: str) -> str:
    """A quoted parameter value: no double quote or control character may appear in it."""
    cleaned = CONTROLS.sub("", value).replace('"', "'").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return f'"{cleaned}"'


@cache
def paris_timezone() -> Timezone:
    """Europe/Paris as one DAYLIGHT and one STANDARD rule (EU rules since 1996).

    Outlook misreads the list-of-dates form that Timezone.from_tzid() writes; every client reads this one.
    """
    def observance(kind, name, start, offset_from, offset_to, month):
        rule = kind()
        rule.add("DTSTART", start)
        rule.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
        rule.add("TZNAME", name)
        rule.add("TZOFFSETFROM", datetime.timedelta(hours=offset_from))
        rule.add("TZOFFSETTO", datetime.timedelta(hours=offset_to))
        return rule

    zone = Timezone()
    zone.add("TZID", "Europe/Paris")
    zone.add("X-LIC-LOCATION", "Europe/Paris")
    zone.add_component(observance(TimezoneDaylight, "CEST", datetime.datetime(1996, 3, 31, 2), 1, 2, 3))
    zone.add_component(observance(TimezoneStandard, "CET", datetime.datetime(1996, 10, 27, 3), 2, 1, 10))
    return zone


def _head(feed: Feed, method: str | None) -> bytes:
    """BEGIN:VCALENDAR, its properties and the VTIMEZONE: everything before the events.

    The name is written here as TEXT, escaped: icalendar writes NAME and X-WR-CALNAME as given, and an
    organisation's name may hold commas, semicolons and backslashes.
    """
    calendar = Calendar.new(
        prodid=PRODID, calscale="GREGORIAN", method=method, uid=f"{feed.key}@{UID_DOMAIN}",
        refresh_interval=REFRESH if feed.subscribed else None,
    )
    if feed.subscribed:
        calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986 5.7
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))      # Outlook's refresh hint
    name = _text(feed.name)
    return b"".join([
        calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n"),
        _line("NAME", name),
        _line("X-WR-CALNAME", name),
        paris_timezone().to_ical(),
    ])


def _names_by_session(rows) -> dict[int, list[str]]:
    names = defaultdict(list)
    for session_id, first_name, last_name in rows:
        names[session_id].append(f"{first_name} {last_name}")
    return names


def _participants(organisation_id: int, ids: QuerySet) -> dict[int, tuple[list[str], list[str]]]:
    """Per session, the organisation's trainees: (enrolled, waiting)."""
    found = defaultdict(lambda: ([], []))
    rows = organisation_enrolments(organisation_id).filter(session__in=ids).order_by(
        "employee__last_name", "employee__first_name", "pk"
    ).values_list("session_id", "status", "employee__first_name", "employee__last_name")
    for session_id, status, first_name, last_name in rows:
        found[session_id][status == Enrolment.Status.WAITLISTED].append(f"{first_name} {last_name}")
    return found


def _phrases() -> dict:
    """The translated phrases of a document, looked up once: gettext costs microseconds, a feed has thousands."""
    def trainers(count):
        return ngettext("Trainer: %(names)s", "Trainers: %(names)s", count)

    return {
        "remote": _("Remote"), "cancelled": _("Session cancelled: %(reason)s"), "status": _("Session status: %(status)s"),
        "statuses": {value: str(label) for value, label in S.choices},
        "intra": _("Intra session for %(organisation)s"), "trainer": trainers(1), "trainers": trainers(2),
        "place": _("Place: %(place)s"), "access": _("Getting there: %(notes)s"),
        "accessibility": _("Accessibility: %(notes)s"), "remote link": _("Remote link: %(url)s"),
        "remote session": _("Remote session: the link is sent to the trainees."),
        "trainees": _("Your trainees: %(names)s"), "waiting": _("On the waiting list: %(names)s"),
        "details": _("Course details: %(url)s"), "cancelled title": _("Cancelled: %(title)s"),
    }


def _location(row: dict, private: bool, phrases: dict) -> str:
    if row["venue__name"]:
        return f"{row['venue__name']}, {row['venue__address']}, {row['venue__postal_code']} {row['venue__city']}"
    return row["remote_url"] if private else phrases["remote"]


def _description(row: dict, *, trainers: list[str], participants, private: bool, url: str, phrases: dict) -> str:
    lines = [f"{row['course__title']} ({row['course__code']})"]
    if row["status"] == S.CANCELLED:
        lines.append(phrases["cancelled"] % {"reason": row["cancellation_reason"]})
    else:
        lines.append(phrases["status"] % {"status": phrases["statuses"][row["status"]]})
    if row["organisation__legal_name"]:
        lines.append(phrases["intra"] % {"organisation": row["organisation__legal_name"]})
    if trainers:
        lines.append(phrases["trainer" if len(trainers) == 1 else "trainers"] % {"names": ", ".join(trainers)})
    if row["venue__name"]:
        lines.append(phrases["place"] % {"place": _location(row, private, phrases)})
        if row["venue__access_notes"]:
            lines.append(phrases["access"] % {"notes": row["venue__access_notes"]})
        if row["venue__accessibility_notes"]:
            lines.append(phrases["accessibility"] % {"notes": row["venue__accessibility_notes"]})
    if row["remote_url"]:
        lines.append(phrases["remote link"] % {"url": row["remote_url"]} if private else phrases["remote session"])
    if participants is not None:
        enrolled, waiting = participants
        lines.append(phrases["trainees"] % {"names": ", ".join(enrolled) or "—"})
        if waiting:
            lines.append(phrases["waiting"] % {"names": ", ".join(waiting)})
    lines.append(phrases["details"] % {"url": url})
    return "\n".join(lines)


def _document(feed: Feed, *, base_url: str, method: str | None = None, attendee: bytes = b"",
              stamp: datetime.datetime | None = None, cancel: bool = False, enrolment_id: int | None = None,
              trainee: str = "") -> bytes:
    """The calendar of `feed`; for an invitation, `method`, its ATTENDEE/ORGANIZER lines and its DTSTAMP.

    An invitation also gives `enrolment_id`, part of its UIDs, and the `trainee`'s name, part of its SUMMARY: its
    events are that trainee's own, so that cancelling one enrolment leaves the others' events (and the feeds) alone.
    """
    rows = list(feed.sessions.order_by("starts_at", "pk").values(*SESSION_FIELDS))
    ids = feed.sessions.values("pk")
    slots = defaultdict(list)
    for slot in Slot.objects.filter(session__in=ids).order_by("session_id", "starts_at").values_list(
        "pk", "session_id", "starts_at", "ends_at"
    ):
        slots[slot[1]].append(slot)
    trainers = _names_by_session(Session.trainers.through.objects.filter(session__in=ids).order_by(
        "trainer__last_name", "trainer__first_name"
    ).values_list("session_id", "trainer__first_name", "trainer__last_name"))
    participants = _participants(feed.organisation_id, ids) if feed.organisation_id is not None else {}
    # reverse() costs about 0.1 ms and a feed names a thousand courses: reverse once, fill in each slug.
    course_url = base_url.rstrip("/") + reverse("catalogue:course", args=["course-slug"])
    phrases = _phrases()
    uid_suffix = b"" if enrolment_id is None else b"-enrolment-%d" % enrolment_id

    chunks = [_head(feed, method)]
    for row in rows:
        pk, url = row["pk"], course_url.replace("course-slug", row["course__slug"])
        cancelled = cancel or row["status"] == S.CANCELLED
        tail = b"".join([
            _line("DTSTAMP", _utc(stamp or row["updated_at"])),
            _line("LAST-MODIFIED", _utc(row["updated_at"])),
            _line("SEQUENCE", str(row["sequence"])),
            _line("STATUS", "CANCELLED" if cancelled else ICAL_STATUS[row["status"]]),
            _line("LOCATION", _text(_location(row, feed.private, phrases))),
            _line("DESCRIPTION", _text(_description(
                row, trainers=trainers.get(pk, []), participants=participants.get(pk) if feed.organisation_id else None,
                private=feed.private, url=url, phrases=phrases,
            ))),
            _line("URL", url),
            attendee,
            b"END:VEVENT\r\n",
        ])
        title = phrases["cancelled title"] % {"title": row["course__title"]} if cancelled else row["course__title"]
        if trainee:
            title = f"{title} — {trainee}"
        count = len(slots[pk])
        for number, (slot_pk, _session, starts_at, ends_at) in enumerate(slots[pk], start=1):
            summary = f"{title} ({number}/{count})" if count > 1 else title
            chunks += [
                b"BEGIN:VEVENT\r\nUID:slot-%d%s@%s\r\n" % (slot_pk, uid_suffix, UID_DOMAIN.encode()),
                b"DTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\n" % (
                    _paris(starts_at).encode(), _paris(ends_at).encode()),
                _line("SUMMARY", _text(summary)),
                tail,
            ]
    chunks.append(b"END:VCALENDAR\r\n")
    return b"".join(chunks)


def render(feed: Feed, *, base_url: str) -> bytes:
    """The feed as an iCalendar document (UTF-8 bytes); `base_url` makes the course links absolute."""
    return _document(feed, base_url=base_url)


# --- invitations -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Invitation:
    """An iCalendar invitation to attach to an e-mail (RFC 6047)."""

    method: str
    content: bytes
    filename: str = "invitation.ics"

    @property
    def content_type(self) -> str:
        return f"text/calendar; charset=utf-8; method={self.method}"

    @property
    def attachment(self) -> tuple[str, bytes, str]:
        """(file name, content, MIME type), as core.emails.queue_email takes attachments."""
        return self.filename, self.content, self.content_type


def invitation(enrolment: Enrolment, *, base_url: str) -> Invitation:
    """One trainee's invitation: REQUEST while the enrolment is confirmed and the session stands, else CANCEL.

    The events are the trainee's own: their UIDs name the enrolment and their SUMMARY the trainee. The HR contact
    receives every trainee's invitation, so shared UIDs would let one trainee's CANCEL drop the session for all
    (and an HR contact could not tell whose half-days are whose). They carry the feeds' SEQUENCE. DTSTAMP is now:
    at equal SEQUENCE the later message wins (RFC 5546 2.1.5), so a CANCEL of one enrolment supersedes its
    REQUEST, and a new REQUEST the CANCEL.
    """
    session = enrolment.session
    cancel = enrolment.status != Enrolment.Status.CONFIRMED or session.status == S.CANCELLED
    method = "CANCEL" if cancel else "REQUEST"
    organiser_name, organiser_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    employee = enrolment.employee
    trainee = f"{employee.first_name} {employee.last_name}"
    address = employee.email or enrolment.organisation.contact_email
    attendee = _line(f"ORGANIZER;CN={_parameter(organiser_name or 'COORACE Formation')}", f"mailto:{organiser_address}")
    if address:
        attendee += _line(f"ATTENDEE;CN={_parameter(trainee)};ROLE=REQ-PARTICIPANT;RSVP=FALSE", f"mailto:{address}")
    feed = Feed(key=f"enrolment-{enrolment.pk}", name=session.course.title, sessions=Session.objects.filter(pk=session.pk),
                private=True, subscribed=False)
    content = _document(feed, base_url=base_url, method=method, attendee=attendee, stamp=timezone.now(), cancel=cancel,
                        enrolment_id=enrolment.pk, trainee=trainee)
    return Invitation(method=method, content=content)
