from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adherents.models import Employee, Organisation
from catalogue.pricing import PriceBasis
from formation.models.sessions import Session


class EnrolmentQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Enrolment.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Enrolment.Status.WAITLISTED)

    def live(self):
        return self.filter(status__in=Enrolment.LIVE_STATUSES)

    def counts_by_session(self, sessions) -> dict[int, dict[str, int]]:
        """{session id: {status: count}} for the given sessions (ids or a queryset), in one query."""
        counts: dict[int, dict[str, int]] = {}
        rows = self.filter(session__in=sessions).order_by().values_list("session", "status").annotate(n=Count("pk"))
        for session_id, status, number in rows:
            counts.setdefault(session_id, {})[status] = number
        return counts

    def with_waiting_position(self):
        """Annotate `waiting_ahead`: how many waitlisted enrolments of the same session come first."""
        ahead = Enrolment.objects.filter(session=OuterRef("session"), status=Enrolment.Status.WAITLISTED).filter(
            Q(enrolled_at__lt=OuterRef("enrolled_at")) | Q(enrolled_at=OuterRef("enrolled_at"), pk__lt=OuterRef("pk"))
        ).order_by().values("session").annotate(n=Count("pk")).values("n")
        return self.annotate(waiting_ahead=Coalesce(Subquery(ahead), 0))


class Enrolment(models.Model):
    """An employee's place in a session, with the price and its basis frozen when enrolled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("waiting list")
        CANCELLED = "cancelled", _("cancelled")
        ABANDONED = "abandoned", _("abandoned")
        COMPLETED = "completed", _("completed")

    LIVE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="enrolments")
    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="enrolments")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    price_basis = models.CharField(_("rate"), max_length=6, choices=PriceBasis.choices)
    unit_price = models.DecimalField(_("price per trainee"), max_digits=9, decimal_places=2)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enrolled by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_late = models.BooleanField(_("cancelled after the deadline"), default=False)
    promoted_at = models.DateTimeField(_("moved from the waiting list at"), null=True, blank=True)
    attended_hours = models.DecimalField(
        _("hours attended"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("Computed from attendance when the session is completed."),
    )
    abandoned_on = models.DateField(_("abandoned on"), null=True, blank=True)
    abandon_reason = models.TextField(_("reason for abandoning"), blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["enrolled_at", "pk"]
        indexes = [models.Index(fields=["session", "status", "enrolled_at"], name="enrolment_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "employee"], condition=Q(status__in=["confirmed", "waitlisted"]),
                name="one_live_enrolment_per_employee_and_session",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="enrolment_price_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlisted", "cancelled", "abandoned", "completed"]),
                name="enrolment_status_known",
            ),
            models.CheckConstraint(condition=Q(price_basis__in=["member", "public", "intra"]),
                                  name="enrolment_basis_known"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False), name="enrolment_cancellation_dated"
            ),
            models.CheckConstraint(
                condition=Q(abandoned_on__isnull=True) | (Q(status="abandoned") & ~Q(abandon_reason="")),
                name="enrolment_abandonment_has_status_and_reason",
            ),
            models.CheckConstraint(condition=Q(attended_hours__gte=0), name="enrolment_attended_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.session}"

    def waiting_position(self) -> int | None:
        """1 for the first on the waiting list; None when not waiting."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Enrolment.objects.waitlisted().filter(session_id=self.session_id).filter(
            Q(enrolled_at__lt=self.enrolled_at) | Q(enrolled_at=self.enrolled_at, pk__lt=self.pk)
        )
        return ahead.count() + 1
