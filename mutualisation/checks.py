"""System checks of the fund's settings: a wrong SIREN would name every FEC file wrongly, so it stops the start."""

from django.conf import settings
from django.core.checks import Error, register

from adherents.identifiers import is_valid_siren


@register()
def training_body_siren(app_configs, **kwargs) -> list[Error]:
    siren = getattr(settings, "TRAINING_BODY", {}).get("siren", "")
    if not siren or is_valid_siren(siren):
        return []
    return [Error(f"TRAINING_BODY_SIREN={siren!r} is not a SIREN (9 digits with a valid check digit).",
                  hint="It names the FEC files; leave it unset or give the training body's SIREN.",
                  id="mutualisation.E001")]
