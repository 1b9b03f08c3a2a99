"""The layout's cache keeps the drawn fragments themselves, with a memory cache's usual rules (core/kept_objects.py)."""

import time

import pytest
from django.utils.safestring import SafeString, mark_safe

from core.kept_objects import KeptObjectsCache


@pytest.fixture
def cache(request):
    kept = KeptObjectsCache(f"test-{request.node.name}", {"OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3}})
    yield kept
    kept.clear()


def test_the_object_kept_is_the_one_given_back_unpickled(cache):
    fragment = mark_safe("<nav>…</nav>")
    cache.set("template.cache.layout_top.d41d8cd98f00b204e9800998ecf8427e", fragment)
    found = cache.get("template.cache.layout_top.d41d8cd98f00b204e9800998ecf8427e")
    assert found is fragment and isinstance(found, SafeString)


def test_a_missing_or_expired_key_gives_the_default(cache, monkeypatch):
    cache.set("kept", "value", timeout=60)
    assert cache.get("absent", "default") == "default"
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert cache.get("kept", "default") == "default"
    assert not cache.has_key("kept")


def test_add_keeps_what_is_there_and_fills_what_is_not(cache):
    assert cache.add("key", "first") is True
    assert cache.add("key", "second") is False
    assert cache.get("key") == "first"


def test_versions_counters_and_deletion_behave_as_in_any_cache(cache):
    cache.set("key", "one", version=1)
    cache.set("key", "two", version=2)
    assert (cache.get("key", version=1), cache.get("key", version=2)) == ("one", "two")
    cache.set("counter", 1)
    assert cache.incr("counter", 4) == 5 and cache.decr("counter") == 4
    with pytest.raises(ValueError):
        cache.incr("nothing")
    assert cache.delete("counter") and cache.get("counter") is None


def test_it_never_holds_more_than_its_maximum(cache):
    for n in range(10):
        cache.set(f"key{n}", n)
    assert len(cache._cache) <= 3
    assert cache.get("key9") == 9  # the latest stays
