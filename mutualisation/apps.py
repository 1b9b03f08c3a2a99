from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualisationConfig(AppConfig):
    name = "mutualisation"
    verbose_name = _("Shared training fund")

    def ready(self):
        from mutualisation import checks  # noqa: F401 -- registers the system checks
