"""Run a function on real threads that start together, each with its own database connection."""

import threading

from django.db import connection


def run_in_threads(function, calls: list[tuple]) -> list:
    """Call function(*args) for each args on its own thread, all released at once; results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def work(index: int, args: tuple) -> None:
        try:
            barrier.wait()
            results[index] = function(*args)
        except Exception as error:  # noqa: BLE001 -- the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index, args)) for index, args in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
