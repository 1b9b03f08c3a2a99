from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdherentsConfig(AppConfig):
    name = "adherents"
    verbose_name = _("Network")
