"""The shared Redis cache (DJANGO_CACHE_URL): Django's behaviour, one client object per pool."""

import threading

import pytest

from core.cache import RedisCache
from tests import redisserver
from tests.conftest import require

pytestmark = pytest.mark.celery  # needs redis-server, as the Celery worker test


@pytest.fixture
def cache():
    require(redisserver.available(), "redis-server is not installed (apt-get install redis-server)")
    with redisserver.throwaway_redis() as url:
        yield RedisCache(url, {})


def test_it_stores_reads_and_forgets(cache):
    cache.set("session", {"_auth_user_id": "7"}, 60)
    assert cache.get("session") == {"_auth_user_id": "7"}
    assert cache.get_many(["session", "missing"]) == {"session": {"_auth_user_id": "7"}}
    cache.delete("session")
    assert cache.get("session") is None


def test_one_client_serves_every_call(cache):
    client = cache._cache
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client(write=True) is client.get_client(write=True)


def test_the_shared_client_is_safe_across_threads(cache):
    wrong = []

    def work(number: int):
        for step in range(50):
            cache.set(f"key-{number}", step)
            if cache.get(f"key-{number}") != step:
                wrong.append((number, step))

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert cache.get_many([f"key-{number}" for number in range(8)]) == {f"key-{number}": 49 for number in range(8)}
