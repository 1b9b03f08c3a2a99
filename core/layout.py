"""The layout's fixed parts (templates/base.html) are kept drawn, per language and per person, in each process's
"layout" cache: they change only with the code, the translations or who is logged in (all part of their keys).
A changed setting (in tests) may change them too: the cache is then emptied."""

from html import escape

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core.addresses import address_of

LAYOUT_CACHE = "layout"


def user_menu(request, user) -> SafeString:
    """The menu of the person logged in: their name and role, changing their password, logging out (with this
    visitor's own CSRF token). Drawn once per language, name and role: one cache read a page, where two {% cache %}
    fragments around the token cost twice as much."""
    name, role = user.get_full_name() or user.username, user.get_role_display()
    key = f"user_menu:{get_language()}:{role}:{name}"
    parts = caches[LAYOUT_CACHE].get(key)
    if parts is None:
        parts = drawn_user_menu(name, role)
        caches[LAYOUT_CACHE].set(key, parts, 3600)
    before_token, after_token = parts
    return mark_safe(before_token + csrf_input(request) + after_token)  # noqa: S308 -- escaped in drawn_user_menu


def drawn_user_menu(name: str, role: str) -> tuple[str, str]:
    # Not inside the f-strings: makemessages does not look there.
    change_password, log_out = escape(gettext("Change my password")), escape(gettext("Log out"))
    before_token = (
        '<li class="nav-item dropdown">'
        '<a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">'
        f'{escape(name)} <span class="small opacity-75">({escape(role)})</span></a>'
        '<ul class="dropdown-menu dropdown-menu-end">'
        f'<li><a class="dropdown-item" href="{escape(address_of("password_change"))}">{change_password}</a></li>'
        '<li><hr class="dropdown-divider"></li>'
        f'<li><form method="post" action="{escape(address_of("logout"))}">'
    )
    after_token = f'<button type="submit" class="dropdown-item">{log_out}</button></form></li></ul></li>'
    return before_token, after_token


@receiver(setting_changed)
def forget_the_layout(*, setting: str, **kwargs) -> None:
    # A change of CACHES itself rebuilds the cache handler (Django's own receiver), maybe after this one.
    if setting != "CACHES" and LAYOUT_CACHE in settings.CACHES:
        caches[LAYOUT_CACHE].clear()
