"""The secret addresses of personal calendar feeds: a trainer's and a member organisation's.

A token is 160 random bits (formation.models.places.new_token). Regenerating it replaces it in the same
row, so the old address answers 404 from the next request on: feeds look the token up every time.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from adherents.access import member_of
from adherents.models import Organisation
from core import audit
from formation.models import OrganisationCalendar, Trainer
from formation.models.places import new_token
from formation.services.common import is_training_staff


def organisation_calendar_for(organisation: Organisation) -> OrganisationCalendar:
    """The organisation's calendar token, made the first time it is asked for."""
    calendar, _created = OrganisationCalendar.objects.get_or_create(organisation=organisation)
    return calendar


@transaction.atomic
def regenerate_trainer_token(*, trainer_id: int, by) -> Trainer:
    """Give a trainer a new calendar address; the old one stops working. The trainer or training staff only."""
    trainer = Trainer.objects.select_for_update().get(pk=trainer_id)
    if not (is_training_staff(by) or (trainer.user_id is not None and trainer.user_id == by.pk)):
        raise PermissionDenied
    trainer.calendar_token = new_token()
    trainer.save(update_fields=["calendar_token"])
    # The token itself is a secret: the log says that it changed, never what it is.
    audit.record(by, "formation.calendar.trainer_token_regenerated", trainer)
    return trainer


@transaction.atomic
def regenerate_organisation_token(*, organisation_id: int, by) -> OrganisationCalendar:
    """Give a member organisation a new calendar address; the old one stops working. Its HR or training staff only."""
    member = member_of(by)
    own = member is not None and member.organisation_id == organisation_id
    if not (own or is_training_staff(by)):
        raise PermissionDenied
    organisation = Organisation.objects.get(pk=organisation_id)
    organisation_calendar_for(organisation)
    calendar = OrganisationCalendar.objects.select_for_update().get(organisation=organisation)
    calendar.token = new_token()
    calendar.save(update_fields=["token"])
    audit.record(by, "formation.calendar.organisation_token_regenerated", organisation)
    return calendar
