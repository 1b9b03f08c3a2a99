"""A throwaway Redis server on a free loopback port (no persistence). Used by the Celery worker test and
the benchmarks."""

import contextlib
import shutil
import subprocess
import time

from tests.pgcluster import free_port


def available() -> bool:
    return shutil.which("redis-server") is not None


@contextlib.contextmanager
def throwaway_redis():
    """Yield a redis:// URL; the server is stopped afterwards."""
    import redis

    port = free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
