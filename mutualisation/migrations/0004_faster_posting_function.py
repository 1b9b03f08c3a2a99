"""PostgreSQL: a cheaper posting function, and the transaction hash as an SQL function (replaces 0003's).

The guarantees and the order of the steps are those of migration 0003; what changes is what each posting costs
the server:

- The function's statements run with generic plans (`plan_cache_mode`): PL/pgSQL otherwise re-plans a statement
  whose parameters look selective, and re-planning the lock query and the insert on every call cost about as much
  as running them.
- The fiscal year is read in a statement of its own once the accounts are locked, with the chain head (locked
  last): the closing of a year takes every account's lock, so the year read then is the year as it is (a year
  closed while the posting waited for a lock refuses it).
- The hash is computed in the insert itself by mutualisation_transaction_hash(), the SQL twin of
  mutualisation.hashing.transaction_hash (the same length-prefixed text, the same sha256), which the tests compare.

Three statements in all, one network round trip; services.posting calls it as a server-side prepared statement.
"""

import importlib

from django.db import migrations

HASH_FUNCTION = r"""
CREATE FUNCTION mutualisation_transaction_hash(
    p_previous_hash text, p_number bigint, p_fiscal_year_id bigint, p_date date, p_code text, p_label text,
    p_key text, p_fingerprint text, p_reverses_id bigint, p_created_by bigint, p_created_at timestamptz,
    p_legs text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(
        char_length(p_previous_hash) || ':' || p_previous_hash || E'\n'
        || char_length(p_number::text) || ':' || p_number || E'\n'
        || char_length(p_fiscal_year_id::text) || ':' || p_fiscal_year_id || E'\n'
        || char_length(to_char(p_date, 'YYYY-MM-DD')) || ':' || to_char(p_date, 'YYYY-MM-DD') || E'\n'
        || char_length(p_code) || ':' || p_code || E'\n'
        || char_length(p_label) || ':' || p_label || E'\n'
        || char_length(p_key) || ':' || p_key || E'\n'
        || char_length(p_fingerprint) || ':' || p_fingerprint || E'\n'
        || char_length(coalesce(p_reverses_id::text, '')) || ':' || coalesce(p_reverses_id::text, '') || E'\n'
        || char_length(p_created_by::text) || ':' || p_created_by || E'\n'
        || char_length(((extract(epoch FROM p_created_at) * 1000000)::bigint)::text) || ':'
            || (extract(epoch FROM p_created_at) * 1000000)::bigint || E'\n'
        || char_length(p_legs) || ':' || p_legs || E'\n', 'UTF8')), 'hex')
$$;
"""

FUNCTION = r"""
CREATE FUNCTION mutualisation_post(
    p_key text, p_fingerprint text, p_date date, p_code text, p_label text, p_created_by bigint,
    p_accounts bigint[], p_amounts bigint[], p_ids bigint[], p_debits bigint[], p_credits bigint[], p_legs text,
    p_lock boolean, OUT out_id bigint, OUT out_number bigint, OUT out_fiscal_year_id bigint,
    OUT out_created_at timestamptz, OUT out_previous_hash varchar, OUT out_hash varchar, OUT out_found boolean)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_found record;
    v_head record;
BEGIN
    -- p_ids are the distinct accounts in id order, p_debits and p_credits what the posting adds to each.
    -- 1. Lock them in that order, find the first flagged one the posting would take below zero (L2), and the
    --    transaction of this idempotency key if any (L4).
    IF p_lock THEN
        SELECT checked.accounts, checked.short, t.id, t.number, t.fiscal_year_id, t.created_at, t.previous_hash,
               t.hash, t.fingerprint INTO v_found
            FROM (SELECT count(*) AS accounts,
                         min(a.id || ':' || a.code || coalesce('-' || nullif(a.aux_code, ''), '') || ' ' || a.name)
                             FILTER (WHERE a.may_not_go_negative AND CASE WHEN a.kind = 'bank'
                                 THEN a.debits_posted + d.debits - a.credits_posted - d.credits - a.credits_pending
                                 ELSE a.credits_posted + d.credits - a.debits_posted - d.debits - a.debits_pending
                                 END < 0) AS short
                  FROM (SELECT * FROM mutualisation_account WHERE id = ANY(p_ids) ORDER BY id FOR UPDATE) a
                  JOIN unnest(p_ids, p_debits, p_credits) AS d(id, debits, credits) ON a.id = d.id) checked
            LEFT JOIN mutualisation_transaction t ON t.idempotency_key = p_key;
    ELSE
        SELECT checked.accounts, checked.short, t.id, t.number, t.fiscal_year_id, t.created_at, t.previous_hash,
               t.hash, t.fingerprint INTO v_found
            FROM (SELECT count(*) AS accounts,
                         min(a.id || ':' || a.code || coalesce('-' || nullif(a.aux_code, ''), '') || ' ' || a.name)
                             FILTER (WHERE a.may_not_go_negative AND CASE WHEN a.kind = 'bank'
                                 THEN a.debits_posted + d.debits - a.credits_posted - d.credits - a.credits_pending
                                 ELSE a.credits_posted + d.credits - a.debits_posted - d.debits - a.debits_pending
                                 END < 0) AS short
                  FROM mutualisation_account a
                  JOIN unnest(p_ids, p_debits, p_credits) AS d(id, debits, credits) ON a.id = d.id) checked
            LEFT JOIN mutualisation_transaction t ON t.idempotency_key = p_key;
    END IF;
    IF v_found.accounts <> cardinality(p_ids) THEN
        RAISE EXCEPTION 'ledger:unknown_account';
    END IF;
    IF v_found.id IS NOT NULL THEN
        IF v_found.fingerprint <> p_fingerprint THEN
            RAISE EXCEPTION 'ledger:conflict';
        END IF;
        SELECT v_found.id, v_found.number, v_found.fiscal_year_id, v_found.created_at, v_found.previous_hash,
               v_found.hash, true
            INTO out_id, out_number, out_fiscal_year_id, out_created_at, out_previous_hash, out_hash, out_found;
        RETURN;
    END IF;

    -- 2. Under the account locks (a closing of the year has committed by now), the fiscal year of the date; and
    --    the chain head, locked last: its row lock orders concurrent postings (L9).
    SELECT h.number, h.hash, y.id AS year_id, y.year, y.status INTO v_head
        FROM mutualisation_chainhead h
        LEFT JOIN mutualisation_fiscalyear y ON y.start <= p_date AND y."end" >= p_date
        WHERE h.id = 1 FOR UPDATE OF h;
    IF NOT FOUND THEN
        INSERT INTO mutualisation_chainhead (id, number, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
        SELECT h.number, h.hash, y.id AS year_id, y.year, y.status INTO v_head
            FROM mutualisation_chainhead h
            LEFT JOIN mutualisation_fiscalyear y ON y.start <= p_date AND y."end" >= p_date
            WHERE h.id = 1 FOR UPDATE OF h;
    END IF;
    IF v_head.year_id IS NULL THEN
        RAISE EXCEPTION 'ledger:no_year';
    END IF;
    IF v_head.status <> 'open' THEN
        RAISE EXCEPTION 'ledger:closed:%', v_head.year;
    END IF;
    IF v_found.short IS NOT NULL THEN
        RAISE EXCEPTION 'ledger:funds:%', v_found.short;
    END IF;

    -- 3. The transaction (hashed as it is inserted), its entries, the chain head and the balances, in one statement.
    out_number := v_head.number + 1;
    out_created_at := date_trunc('microseconds', clock_timestamp());
    WITH posted AS (
        INSERT INTO mutualisation_transaction (number, fiscal_year_id, date, code, label, idempotency_key,
                fingerprint, reverses_id, created_by_id, created_at, previous_hash, hash)
            VALUES (out_number, v_head.year_id, p_date, p_code, p_label, p_key, p_fingerprint, NULL, p_created_by,
                    out_created_at, v_head.hash,
                    mutualisation_transaction_hash(v_head.hash, out_number, v_head.year_id, p_date, p_code, p_label,
                                                   p_key, p_fingerprint, NULL, p_created_by, out_created_at, p_legs))
            RETURNING id, hash
    ), entries AS (
        INSERT INTO mutualisation_entry (transaction_id, account_id, amount, date)
            SELECT posted.id, u.account, u.amount, p_date FROM posted, unnest(p_accounts, p_amounts) AS u(account, amount)
    ), head AS (
        UPDATE mutualisation_chainhead h SET number = out_number, hash = posted.hash FROM posted WHERE h.id = 1
    ), balances AS (
        UPDATE mutualisation_account a
            SET debits_posted = a.debits_posted + d.debits, credits_posted = a.credits_posted + d.credits
            FROM unnest(p_ids, p_debits, p_credits) AS d(id, debits, credits)
            WHERE a.id = d.id
    )
    SELECT posted.id, posted.hash INTO out_id, out_hash FROM posted;
    out_fiscal_year_id := v_head.year_id;
    out_previous_hash := v_head.hash;
    out_found := false;
END $$;
"""

SIGNATURE = "mutualisation_post(text, text, date, text, text, bigint, bigint[], bigint[], bigint[], bigint[], bigint[], text, boolean)"
FORWARD = f"DROP FUNCTION IF EXISTS {SIGNATURE};\n{HASH_FUNCTION}\n{FUNCTION}"


def backward_sql() -> str:
    previous = importlib.import_module("mutualisation.migrations.0003_postgresql_posting_function")
    return (f"DROP FUNCTION IF EXISTS {SIGNATURE};\nDROP FUNCTION IF EXISTS mutualisation_transaction_hash(text, bigint, "
            f"bigint, date, text, text, text, text, bigint, bigint, timestamptz, text);\n{previous.FUNCTION}")


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql() if callable(sql) else sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("mutualisation", "0003_postgresql_posting_function")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(backward_sql), elidable=False)]
