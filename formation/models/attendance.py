import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from formation.models.enrolments import Enrolment
from formation.models.places import Trainer
from formation.models.sessions import Slot

# A drawn signature is a PNG data URL; a generous bound on its size keeps pages light.
MAX_SIGNATURE_LENGTH = 200_000


class Attendance(models.Model):
    """A trainee's presence at one half-day (émargement), with their signature when drawn."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused absence")

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="attendances")
    slot = models.ForeignKey(Slot, verbose_name=_("half-day"), on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)
    signature = models.TextField(_("signature"), blank=True, max_length=MAX_SIGNATURE_LENGTH)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "slot"], name="one_attendance_per_enrolment_and_slot"),
            models.CheckConstraint(condition=Q(status__in=["present", "absent", "excused"]), name="attendance_status_known"),
            models.CheckConstraint(
                condition=Q(signature="") | (Q(status="present") & Q(signed_at__isnull=False)),
                name="attendance_signature_only_when_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.employee} · {self.slot} · {self.get_status_display()}"


class TrainerSignature(models.Model):
    """The trainer's signature of a half-day's attendance sheet."""

    slot = models.ForeignKey(Slot, verbose_name=_("half-day"), on_delete=models.PROTECT, related_name="trainer_signatures")
    trainer = models.ForeignKey(Trainer, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="signatures")
    signature = models.TextField(_("signature"), max_length=MAX_SIGNATURE_LENGTH)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("trainer signature")
        verbose_name_plural = _("trainer signatures")
        constraints = [models.UniqueConstraint(fields=["slot", "trainer"], name="one_signature_per_trainer_and_slot")]

    def __str__(self) -> str:
        return f"{self.trainer} · {self.slot}"


class Assessment(models.Model):
    """The trainer's assessment of one objective of the course for one trainee (for the attestation)."""

    class Result(models.TextChoices):
        ACQUIRED = "acquired", _("acquired")
        IN_PROGRESS = "in_progress", _("in progress")
        NOT_ACQUIRED = "not_acquired", _("not acquired")

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="assessments")
    position = models.PositiveSmallIntegerField(_("objective number"))
    objective = models.CharField(_("objective"), max_length=300)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "position"], name="one_assessment_per_objective"),
            models.CheckConstraint(
                condition=Q(result__in=["acquired", "in_progress", "not_acquired"]), name="assessment_result_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.employee} · {self.objective}"


class ContactAttempt(models.Model):
    """A follow-up contact with a trainee at risk of dropping out."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("text message")
        EMPLOYER = "employer", _("through the employer")
        IN_PERSON = "in_person", _("in person")

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="contacts")
    on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    note = models.TextField(_("note"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.enrolment.employee} · {self.on}"


def survey_token() -> str:
    return secrets.token_urlsafe(24)


class SurveyInvitation(models.Model):
    """A single-use link to a satisfaction questionnaire, at completion or 60 days later."""

    class Kind(models.TextChoices):
        END = "end", _("end of training")
        FOLLOW_UP = "follow_up", _("60 days later")

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="surveys")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    token = models.CharField(_("token"), max_length=64, unique=True, default=survey_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Answers: 1 to 5 on each scale, and a free comment.
    overall = models.PositiveSmallIntegerField(_("overall satisfaction"), null=True, blank=True)
    content = models.PositiveSmallIntegerField(_("content and objectives"), null=True, blank=True)
    trainer_rating = models.PositiveSmallIntegerField(_("the trainer"), null=True, blank=True)
    usefulness = models.PositiveSmallIntegerField(_("usefulness for the job"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "kind"], name="one_survey_per_enrolment_and_kind"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (Q(overall__gte=1, overall__lte=5) & Q(content__gte=1, content__lte=5)
                   & Q(trainer_rating__gte=1, trainer_rating__lte=5) & Q(usefulness__gte=1, usefulness__lte=5)),
                name="survey_answers_between_1_and_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_kind_display()}"
