import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adherents.models import Delegation, Employee, Organisation
from catalogue.models import Course
from catalogue.pricing import PriceBasis


def new_token() -> str:
    """A calendar subscription token: 160 random bits, URL-safe."""
    return secrets.token_urlsafe(20)


class Venue(models.Model):
    """A training room: where trainees go, how to get there, how it is accessible."""

    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    delegation = models.ForeignKey(
        Delegation, verbose_name=_("regional delegation"), on_delete=models.PROTECT, related_name="venues"
    )
    access_notes = models.TextField(_("how to get there"), blank=True)
    accessibility_notes = models.TextField(_("accessibility"), blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.postal_code} {self.city}"


class Trainer(models.Model):
    """Someone who runs sessions: COORACE staff or an external trainer; may have a login (role trainer)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="trainer",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    external = models.BooleanField(_("external trainer"), default=False)
    calendar_token = models.CharField(_("calendar token"), max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SessionQuerySet(models.QuerySet):
    def published(self):
        """Sessions shown to members and the public."""
        return self.filter(status__in=Session.PUBLISHED_STATUSES)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(starts_at__gt=now or timezone.now())

    def with_places_left(self):
        confirmed = Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.CONFIRMED))
        return self.annotate(confirmed_count=confirmed, places_left=F("capacity") - confirmed)


class Session(models.Model):
    """A run of a course on given half-days, for all members (inter) or one organisation (intra)."""

    class Kind(models.TextChoices):
        INTER = "inter", _("inter (open to all members)")
        INTRA = "intra", _("intra (one organisation)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for enrolment")
        FULL = "full", _("full")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        COMPLETED = "completed", _("completed")

    PUBLISHED_STATUSES = (Status.OPEN, Status.FULL, Status.CONFIRMED)
    ENROLLING_STATUSES = (Status.OPEN, Status.FULL)

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.INTER)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation (intra)"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="intra_sessions",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    remote_url = models.URLField(_("remote link"), blank=True)
    trainers = models.ManyToManyField(Trainer, verbose_name=_("trainers"), related_name="sessions", blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    min_participants = models.PositiveSmallIntegerField(_("minimum participants"), default=1)
    enrolment_deadline = models.DateField(_("enrolment deadline"))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(condition=Q(min_participants__lte=F("capacity")), name="session_minimum_within_capacity"),
            models.CheckConstraint(
                condition=Q(kind="inter", organisation__isnull=True) | Q(kind="intra", organisation__isnull=False),
                name="session_intra_has_one_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(venue__isnull=False) | ~Q(remote_url=""),
                name="session_published_has_a_place",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""), name="session_cancellation_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "full", "confirmed", "cancelled", "completed"]),
                name="session_status_known",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%d/%m/%Y") if self.starts_at else "?"
        return f"{self.course.title} · {when}"

    def get_absolute_url(self) -> str:
        return reverse("formation:session", args=[self.pk])

    def accepts_enrolment(self, today: datetime.date) -> bool:
        return self.status in self.ENROLLING_STATUSES and today <= self.enrolment_deadline

    @property
    def delegation(self) -> Delegation | None:
        return self.venue.delegation if self.venue_id else None


class Slot(models.Model):
    """A half-day of a session; attendance is signed per slot."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("half-day")
        verbose_name_plural = _("half-days")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.UniqueConstraint(fields=["session", "starts_at"], name="one_slot_per_session_and_start"),
        ]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)


class EnrolmentQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Enrolment.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Enrolment.Status.WAITLISTED)

    def live(self):
        return self.filter(status__in=Enrolment.LIVE_STATUSES)


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
            models.CheckConstraint(condition=Q(price_basis__in=["member", "public"]), name="enrolment_basis_known"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False), name="enrolment_cancellation_dated"
            ),
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
