"""Canonical content of transactions and reservations: their fingerprint and the hash chain (L4, L9)."""

import datetime
import hashlib
import json
from collections.abc import Iterable
from json.encoder import encode_basestring


def _digest(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def sorted_legs(legs: Iterable[tuple[int, int]]) -> list[list[int]]:
    return sorted([int(account_id), int(amount)] for account_id, amount in legs)


def transaction_fingerprint(*, date: datetime.date, code: str, label: str, legs: Iterable[tuple[int, int]],
                            reverses_id: int | None) -> str:
    """What a request asks for, whoever sends it and whenever: a retry has the same fingerprint.

    The sha256 of {"code", "date", "label", "legs", "reverses"} as _digest writes it (sorted keys, no spaces, UTF-8),
    written out directly: a posting computes it on every call (the tests compare it with _digest).
    """
    text = "".join((
        '{"code":', encode_basestring(code), ',"date":"', date.isoformat(), '","label":', encode_basestring(label),
        ',"legs":[', ",".join([f"[{account_id},{amount}]" for account_id, amount in sorted_legs(legs)]),
        '],"reverses":', "null" if reverses_id is None else str(int(reverses_id)), "}",
    ))
    return hashlib.sha256(text.encode()).hexdigest()


def reservation_fingerprint(*, date: datetime.date, label: str, source_id: int, destination_id: int,
                            amount: int) -> str:
    return _digest({"date": date.isoformat(), "label": label, "source": source_id, "destination": destination_id,
                    "amount": amount})


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def legs_text(legs: Iterable[tuple[int, int]]) -> str:
    """'account:amount' pairs in account then amount order, separated by ';' (the hashed form of the entries)."""
    return ";".join(f"{account_id}:{amount}" for account_id, amount in sorted_legs(legs))


def transaction_hash(*, previous_hash: str, number: int, fiscal_year_id: int, date: datetime.date, code: str,
                     label: str, idempotency_key: str, fingerprint: str, reverses_id: int | None, created_by_id: int,
                     created_at: datetime.datetime, legs: Iterable[tuple[int, int]]) -> str:
    """sha256 of the previous hash and the transaction's canonical content, entries included.

    The content is a list of length-prefixed fields ("5:hello\n"), so that no field can pass for another; the
    SQL function mutualisation_transaction_hash (migration 0004) builds the very same text.
    """
    fields = [
        previous_hash, str(number), str(fiscal_year_id), date.isoformat(), code, label, idempotency_key, fingerprint,
        "" if reverses_id is None else str(reverses_id), str(created_by_id),
        str((created_at - EPOCH) // datetime.timedelta(microseconds=1)),
        legs_text(legs),
    ]
    text = "".join(f"{len(field)}:{field}\n" for field in fields)
    return hashlib.sha256(text.encode()).hexdigest()


def hash_of(transaction, legs: Iterable[tuple[int, int]]) -> str:
    """The hash a stored transaction should carry, recomputed from its fields and entries."""
    return transaction_hash(
        previous_hash=transaction.previous_hash, number=transaction.number, fiscal_year_id=transaction.fiscal_year_id,
        date=transaction.date, code=transaction.code, label=transaction.label,
        idempotency_key=transaction.idempotency_key, fingerprint=transaction.fingerprint,
        reverses_id=transaction.reverses_id, created_by_id=transaction.created_by_id,
        created_at=transaction.created_at, legs=legs,
    )
