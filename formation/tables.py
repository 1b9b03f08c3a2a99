"""Session and enrolment lists. Rows are drawn in Python (render_body): pages of thousands stay fast."""

from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.templatetags.ui import euros
from formation.display import date_range, place
from formation.documents import available
from formation.models import Enrolment, Session

STATUS_BADGES = {
    "draft": "secondary", "open": "success", "full": "warning", "confirmed": "primary", "cancelled": "danger",
    "completed": "dark", "waitlisted": "warning", "abandoned": "danger",
}


def seated(counts: dict[str, int]) -> int:
    """Trainees holding a seat: confirmed, or completed once the session is over."""
    return counts.get("confirmed", 0) + counts.get("completed", 0)


def badge(value: str, label: str) -> str:
    colour = STATUS_BADGES.get(value, "secondary")
    text = "text-bg-warning" if colour == "warning" else f"text-bg-{colour}"
    return f'<span class="badge {text}">{escape(str(label))}</span>'


class SessionTable(tables.Table):
    starts_at = tables.Column(verbose_name=_("Dates"))
    course = tables.Column(verbose_name=_("Course"), order_by=("course__title",))
    kind = tables.Column(verbose_name=_("Kind"))
    venue = tables.Column(verbose_name=_("Place"), order_by=("venue__city",), default=_("remote"))
    trainers = tables.Column(verbose_name=_("Trainers"), orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"))
    fill = tables.Column(verbose_name=_("Fill"), orderable=False, empty_values=(), accessor="places_left")

    class Meta:
        model = Session
        fields = ("starts_at", "course", "kind", "venue", "trainers", "status", "fill")
        order_by = ("starts_at",)

    @cached_property
    def all_counts(self) -> dict[int, dict[str, int]]:
        """Enrolment counts for every row, used by exports (the page itself counts only its rows)."""
        return Enrolment.objects.counts_by_session(self.data.data.values("pk"))

    def value_starts_at(self, record) -> str:
        return date_range(record.starts_at, record.ends_at)

    def value_trainers(self, record) -> str:
        return ", ".join(str(trainer) for trainer in record.trainers.all())

    def value_fill(self, record) -> str:
        counts = self.all_counts.get(record.pk, {})
        return f"{seated(counts)}/{record.capacity} (+{counts.get('waitlisted', 0)})"

    def render_body(self) -> SafeString:
        kinds, statuses = dict(Session.Kind.choices), dict(Session.Status.choices)
        sessions = [row.record for row in self.paginated_rows]
        counts = Enrolment.objects.counts_by_session([s.pk for s in sessions])
        rows = []
        for s in sessions:
            url = reverse("formation:session", args=[s.pk])
            seats, waitlisted = seated(counts.get(s.pk, {})), counts.get(s.pk, {}).get("waitlisted", 0)
            fill = round(100 * seats / s.capacity)
            waiting = f' <span class="text-body-secondary">+{waitlisted}</span>' if waitlisted else ""
            rows.append(
                f"<tr><td>{escape(date_range(s.starts_at, s.ends_at))}</td>"
                f'<td><a href="{url}">{escape(s.course.title)}</a></td>'
                f"<td>{escape(str(kinds[s.kind]).split(' ')[0])}</td><td>{escape(place(s))}</td>"
                f"<td>{escape(self.value_trainers(s))}</td><td>{badge(s.status, statuses[s.status])}</td>"
                f'<td><span title="{fill} %">{seats}/{s.capacity}</span>{waiting}</td></tr>'
            )
        return mark_safe("".join(rows))  # noqa: S308 -- every value above is escaped


class EnrolmentTable(tables.Table):
    employee = tables.Column(verbose_name=_("Employee"), order_by=("employee__last_name", "employee__first_name"))
    course = tables.Column(verbose_name=_("Course"), accessor="session__course__title")
    dates = tables.Column(verbose_name=_("Dates"), accessor="session__starts_at")
    status = tables.Column(verbose_name=_("Status"))
    unit_price = tables.Column(verbose_name=_("Price per trainee"))
    price_basis = tables.Column(verbose_name=_("Rate"))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = Enrolment
        fields = ("employee", "course", "dates", "status", "unit_price", "price_basis")
        order_by = ("-dates",)

    def value_dates(self, record) -> str:
        return date_range(record.session.starts_at, record.session.ends_at)

    def render_body(self) -> SafeString:
        statuses, bases = dict(Enrolment.Status.choices), {"member": gettext("member"), "public": gettext("public")}
        cancel = escape(gettext("Cancel"))
        documents = {"convocation": escape(gettext("Convocation")), "certificat": escape(gettext("Certificate")),
                     "attestation": escape(gettext("Attestation"))}
        rows = []
        for row in self.paginated_rows:
            e = row.record
            status = badge(e.status, statuses[e.status])
            if e.status == Enrolment.Status.WAITLISTED:
                status += " " + escape(gettext("position %(n)s") % {"n": e.waiting_ahead + 1})
            if e.cancelled_late:
                status += " " + escape(gettext("(late)"))
            action = "".join(
                f'<a class="btn btn-sm btn-link" href="{reverse("formation:enrolment_document", args=[e.pk, kind])}">'
                f"{label}</a>" for kind, label in documents.items() if kind in available(e))
            if e.status in Enrolment.LIVE_STATUSES and not e.session.has_started:  # then: an abandonment, for staff
                action += (f'<a class="btn btn-sm btn-outline-danger" '
                          f'href="{reverse("formation:enrolment_cancel", args=[e.pk])}">{cancel}</a>')
            session_url = reverse("formation:session", args=[e.session_id])
            rows.append(
                f"<tr><td>{escape(str(e.employee))}</td>"
                f'<td><a href="{session_url}">{escape(e.session.course.title)}</a></td>'
                f"<td>{escape(date_range(e.session.starts_at, e.session.ends_at))}</td><td>{status}</td>"
                f"<td>{escape(euros(e.unit_price))}</td><td>{escape(bases[e.price_basis])}</td><td>{action}</td></tr>"
            )
        return mark_safe("".join(rows))  # noqa: S308 -- every value above is escaped
