import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from adherents.models import Delegation


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
    # The calendar feeds print the venue: their ETag follows its last change.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
    # The calendar feeds print the trainer's name: their ETag follows its last change.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
