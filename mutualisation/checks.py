"""System checks of the fund's settings: the SIREN names every FEC file (article A47 A-1 of the LPF)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, register

from adherents.identifiers import is_valid_siren


def siren() -> str:
    return getattr(settings, "TRAINING_BODY", {}).get("siren", "")


@register()
def training_body_siren(app_configs, **kwargs) -> list[CheckMessage]:
    """A wrong SIREN would name every FEC file wrongly: it stops the start."""
    if not siren() or is_valid_siren(siren()):
        return []
    return [Error(f"TRAINING_BODY_SIREN={siren()!r} is not a SIREN (9 digits with a valid check digit).",
                  hint="It names the FEC files; leave it unset or give the training body's SIREN.",
                  id="mutualisation.E001")]


@register(deploy=True)
def training_body_siren_set(app_configs, **kwargs) -> list[CheckMessage]:
    """In production, say that FEC files will lack their legal name (information only: nothing breaks)."""
    if siren():
        return []
    return [Info("TRAINING_BODY_SIREN is not set: FEC files are named FEC<date>.txt, not <SIREN>FEC<date>.txt.",
                 hint="Set it to the SIREN of whoever keeps the fund's books.", id="mutualisation.I001")]
