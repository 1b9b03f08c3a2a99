import random

import pytest

from catalogue import demo
from catalogue.models import Course, Theme


def seed(scale: str) -> str:
    return demo.seed(scale=scale, rng=random.Random(2026), password="demo", progress=lambda items: items)


@pytest.mark.django_db
def test_demo_courses_are_realistic_valid_and_idempotent():
    seed("demo")
    assert Theme.objects.count() == 8
    courses = list(Course.objects.prefetch_related("themes"))
    assert 35 <= len(courses) <= 45
    for course in courses:
        course.full_clean()
        assert course.themes.exists() and course.member_price < course.public_price
    assert Course.objects.published().count() == len(courses) - 2
    assert Course.objects.matching("secouriste").get().code == "SST-01"
    assert "0 formations créées" in seed("demo")
    assert Course.objects.count() == len(courses)


@pytest.mark.django_db
def test_full_scale_gives_five_thousand_courses_once():
    seed("full")
    assert Course.objects.count() == demo.FULL_SCALE_COURSES
    assert Course.themes.through.objects.count() >= demo.FULL_SCALE_COURSES
    assert "0 formations créées" in seed("full")
    assert Course.objects.count() == demo.FULL_SCALE_COURSES
