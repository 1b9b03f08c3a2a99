"""The layout's fixed parts (templates/base.html) are kept drawn, per language and per person, in each process's
"layout" cache: they change only with the code, the translations or who is logged in (all part of their keys).
A changed setting (in tests) may change them too: the cache is then emptied."""

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver

LAYOUT_CACHE = "layout"


@receiver(setting_changed)
def forget_the_layout(*, setting: str, **kwargs) -> None:
    # A change of CACHES itself rebuilds the cache handler (Django's own receiver), maybe after this one.
    if setting != "CACHES" and LAYOUT_CACHE in settings.CACHES:
        caches[LAYOUT_CACHE].clear()
