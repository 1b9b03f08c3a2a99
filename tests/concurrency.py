"""Run a function in many real threads at once, each with its own database connection."""

import threading
from collections.abc import Callable, Iterable

from django.db import connection


def run_in_threads(action: Callable, arguments: Iterable[tuple]) -> list:
    """Start one thread per argument tuple, release them together, return what each returned or raised."""
    arguments = list(arguments)
    barrier = threading.Barrier(len(arguments))
    outcomes: list = [None] * len(arguments)

    def worker(index: int, args: tuple) -> None:
        try:
            barrier.wait()
            outcomes[index] = action(*args)
        except Exception as error:  # noqa: BLE001 -- the test inspects every outcome
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, args)) for i, args in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
