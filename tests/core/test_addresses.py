"""Addresses of views, reversed once per process (core/addresses.py)."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.addresses import address_of, kept_address


def test_an_address_is_django_s_and_reversed_only_once():
    kept_address.cache_clear()
    assert address_of("adherents:employees", 7) == reverse("adherents:employees", args=[7])
    assert address_of("adherents:employees", 7) == "/adherents/organisations/7/salaries/"
    assert kept_address.cache_info().hits == 1 and kept_address.cache_info().misses == 1


def test_each_site_prefix_has_its_own_addresses():
    try:
        set_script_prefix("/formation/")
        assert address_of("adherents:employees", 7) == "/formation/adherents/organisations/7/salaries/"
    finally:
        set_script_prefix("/")
    assert address_of("adherents:employees", 7) == "/adherents/organisations/7/salaries/"


def test_an_unknown_view_or_wrong_arguments_fail_as_with_url():
    with pytest.raises(NoReverseMatch):
        address_of("adherents:employees")
    with pytest.raises(NoReverseMatch):
        address_of("nowhere")


def test_the_template_tag_escapes_nothing_it_should_not():
    html = Template("{% load ui %}<a href=\"{% address 'adherents:employee_create' 3 %}\">").render(Context())
    assert html == '<a href="/adherents/organisations/3/salaries/nouveau/">'
