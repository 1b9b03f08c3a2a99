from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import STAFF_ROLES, Role


class User(AbstractUser):
    """A person who logs in; what they may see and do follows from their role."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER_HR)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
        ]

    @property
    def is_coorace_staff(self) -> bool:
        return self.role in STAFF_ROLES or self.is_superuser


class LoginSession(AbstractBaseSession):
    """A visitor's session, with the logged-in person as a column of its own: a page reads the session and the
    person in one query (adherents/sessions.py), and a deleted person's sessions go with them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")

    def __str__(self) -> str:
        # Never the key, which is what the browser shows to be logged in (the admin lists a deleted user's sessions).
        return gettext("Session until %(date)s") % {
            "date": date_format(timezone.localtime(self.expire_date), "SHORT_DATETIME_FORMAT")}

    @classmethod
    def get_session_store_class(cls):
        return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


class AuditEntry(models.Model):
    """Who did what, when, to which object, with the data changed. Written by services only."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class OutgoingEmail(models.Model):
    """One e-mail, recorded under a unique (kind, key) so that it is sent once whatever retries happen."""

    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("key"), max_length=120)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"name": ..., "type": ..., "base64": ...}]: documents built when the e-mail was decided.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_email_per_kind_and_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
