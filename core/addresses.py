"""The addresses of views, reversed once per process.

A view's address for given arguments changes only with the URL configuration and the script prefix the site runs
under, both part of the key. Django's reverse() walks the resolver each time: tens of microseconds an address, paid
on every page for each link it draws ({% address %} in core/templatetags/ui.py).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def address_of(viewname: str, *args) -> str:
    """reverse(viewname, args=args), kept: `args` are plain values (ids, slugs)."""
    return kept_address(viewname, args, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=8192)  # a few addresses per member organisation, and the site's fixed ones
def kept_address(viewname: str, args: tuple, urlconf: str, script_prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)
