from django.db import models
from django.utils.translation import gettext_lazy as _

from adherents.models import Organisation
from formation.models.places import new_token


class OrganisationCalendar(models.Model):
    """The secret token of a member organisation's calendar feed (its sessions and own participants)."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, primary_key=True,
        related_name="calendar",
    )
    token = models.CharField(_("calendar token"), max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = _("organisation calendar")
        verbose_name_plural = _("organisation calendars")

    def __str__(self) -> str:
        return str(self.organisation)
