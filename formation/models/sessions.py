import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adherents.models import Delegation, Organisation
from catalogue.models import Course
from catalogue.pricing import Price, PriceBasis
from formation.models.places import Trainer, Venue


class SessionQuerySet(models.QuerySet):
    def published(self):
        """Sessions shown to members and the public."""
        return self.filter(status__in=Session.PUBLISHED_STATUSES)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(starts_at__gt=now or timezone.now())

    def with_places_left(self):
        confirmed = Count("enrolments", filter=Q(enrolments__status="confirmed"))
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
    # An intra session's price, for the whole session, frozen when it is scheduled (the course's price per day
    # times its days): its organisation pays it once, however many trainees it sends.
    intra_price = models.DecimalField(_("intra price (whole session)"), max_digits=10, decimal_places=2, null=True,
                                      blank=True)
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
    # When the session left draft (open_session). The status cannot tell whether a cancelled session was ever
    # published; the public and trainers' calendars must not show one that never was.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
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
                condition=Q(kind="inter", intra_price__isnull=True)
                | Q(kind="intra", intra_price__isnull=False, intra_price__gte=0),
                name="session_intra_has_a_price",
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
    def has_started(self) -> bool:
        """The first half-day has begun: a seat freed from now on is no longer anyone's to take, and a trainee who
        leaves has abandoned rather than cancelled."""
        return self.starts_at is not None and self.starts_at <= timezone.now()

    def price_for(self, organisation: Organisation | None, *, on: datetime.date) -> Price:
        """The price per trainee of an enrolment made on `on`: the course's rate for the organisation in an inter
        session; nothing in an intra session, whose flat price (intra_price) the organisation pays once."""
        if self.kind == self.Kind.INTRA:
            return Price(Decimal("0.00"), PriceBasis.INTRA)
        return self.course.price_for(organisation, on=on)

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
