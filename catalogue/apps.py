from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        from adherents.models import Delegation
        from catalogue.filters import forget_choice_lists
        from catalogue.models import Theme

        # The catalogue's filter lists name every theme and delegation; any change clears the cached lists.
        for model in (Theme, Delegation):
            for signal in (post_save, post_delete):
                signal.connect(forget_choice_lists, sender=model, dispatch_uid=f"catalogue-choices-{model.__name__}")
