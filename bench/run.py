"""`make bench`: load the federation's full-size demo data, then run every bench/bench_*.py.

Each benchmark prints ratios against a baseline measured in the same run (the machine is shared
and noisy: only ratios of medians mean something). Runs on a throwaway PostgreSQL cluster when
initdb and pg_ctl exist (with PostgreSQL's default durability: a commit waits for the disk), else
on a temporary SQLite file, with a throwaway Redis as the shared cache
when redis-server exists (as in production with several web processes). Exit status 1 when a
limit is exceeded.

    python bench/run.py                 # every benchmark
    python bench/run.py employee_list   # only bench/bench_employee_list.py
"""

import contextlib
import importlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pgcluster, redisserver  # noqa: E402


@contextlib.contextmanager
def database():
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
    elif pgcluster.available():
        # PostgreSQL's own durability settings (every commit waits for its WAL on disk), as in production;
        # the test suite's clusters skip those disk flushes.
        with pgcluster.throwaway_cluster("coorace_bench", durable=True) as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"


def benchmarks(selected: list[str]):
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if not selected or name in selected:
            yield name, importlib.import_module(f"bench.{path.stem}")


@contextlib.contextmanager
def shared_cache():
    """A Redis cache, as production runs with several web processes (README)."""
    if os.environ.get("DJANGO_CACHE_URL") or not redisserver.available():
        yield os.environ.get("DJANGO_CACHE_URL", "")
    else:
        with redisserver.throwaway_redis() as url:
            yield url


def main(selected: list[str]) -> int:
    with database() as url, shared_cache() as cache_url:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_CACHE_URL"] = cache_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
        # Production settings (DEBUG off), minus HTTPS: the test client speaks plain HTTP.
        os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
        os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        print(f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
              f"database {connection.vendor} · cache {'Redis' if cache_url else 'in-process memory'}")
        started = time.monotonic()
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        call_command("seed_demo", scale="full", verbosity=0)
        print(f"full-scale demo data loaded in {time.monotonic() - started:.0f} s")
        failures = 0
        for name, module in benchmarks(selected):
            print(f"\n== {name}")
            for result in module.run():
                print(result.line())
                failures += not result.passed
        print(f"\n{failures} benchmark limit(s) exceeded." if failures else "\nAll benchmark limits met.")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
