"""Run a ledger service in its own short transaction, again when PostgreSQL asks for it.

A deadlock or a serialization failure aborts one of the transactions involved: it is safe to run
it again from the start. So is a unique violation on an idempotency key: the second attempt finds
the first result and returns it (or refuses a different content).
"""

import functools
import logging
import random
import time

from django.db import IntegrityError, OperationalError, transaction

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Unique columns whose violation means "someone did this already": a new attempt returns their result.
ONCE_ONLY_COLUMNS = ("idempotency_key", "reverses_id")


def is_retryable(error: Exception) -> bool:
    import psycopg.errors

    cause = error.__cause__
    if isinstance(cause, psycopg.errors.DeadlockDetected | psycopg.errors.SerializationFailure):
        return True
    return isinstance(cause, psycopg.errors.UniqueViolation) and any(
        column in (cause.diag.constraint_name or "") for column in ONCE_ONLY_COLUMNS
    )


def run_retrying(action, *, atomic: bool = True):
    """Run `action` — in its own transaction when `atomic` — again after a transient failure, a bounded number of
    times. Inside an enclosing transaction it cannot retry (the enclosing one is aborted): the caller decides.

    `atomic=False` is for an action that is one statement, atomic by itself (the PostgreSQL posting function).
    """
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return action()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            if not atomic:
                return action()
            with transaction.atomic():
                return action()
        except (OperationalError, IntegrityError) as error:
            if attempt == MAX_ATTEMPTS or not is_retryable(error):
                raise
            logger.warning("ledger retry %s of %s after %s", attempt, getattr(action, "__name__", "action"),
                           type(error.__cause__).__name__)
            time.sleep(random.uniform(0, 0.01 * 2**attempt))
    raise AssertionError("unreachable")


def retrying(function):
    """Decorator: the service runs atomically, retried on transient failures (see run_retrying)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return run_retrying(functools.partial(function, *args, **kwargs))

    return wrapper
