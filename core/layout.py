"""The layout's fixed parts (templates/base.html) are kept drawn, per language and per person, in each process's
"layout" cache: they change only with the code, the translations or who is logged in (all part of their keys).
A changed setting (in tests) may change them too: the cache is then emptied."""

from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver

LAYOUT_CACHE = "layout"


@receiver(setting_changed)
def forget_the_layout(**kwargs) -> None:
    caches[LAYOUT_CACHE].clear()
