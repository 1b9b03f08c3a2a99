"""PostgreSQL: a posting in one round trip (after pgledger).

mutualisation_post() does on the server what services.posting.post_many does in Python on SQLite, in the same
order: lock the accounts by id, return the first result of a known idempotency key (or refuse a different
content), refuse a closed or missing fiscal year, refuse a flagged account going below zero (L2), then append
to the hash chain under the chain head's lock and update the stored balances. The hash is built exactly as
mutualisation.hashing.transaction_hash builds it (the caller passes the sorted legs' text), which
verify_ledger checks. Three statements in all, one network round trip.
"""

from django.db import migrations

FUNCTION = r"""
CREATE FUNCTION mutualisation_post(
    p_key text, p_fingerprint text, p_date date, p_code text, p_label text, p_created_by bigint,
    p_accounts bigint[], p_amounts bigint[], p_ids bigint[], p_debits bigint[], p_credits bigint[], p_legs text,
    p_lock boolean, OUT out_id bigint, OUT out_number bigint, OUT out_fiscal_year_id bigint,
    OUT out_created_at timestamptz, OUT out_previous_hash varchar, OUT out_hash varchar, OUT out_found boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_found record;
    v_head record;
    v_number bigint;
    v_created timestamptz;
    v_text text := '';
    v_field text;
    v_hash text;
BEGIN
    -- p_ids are the distinct accounts in id order, p_debits and p_credits what the posting adds to each.
    -- In one statement: lock them in that order and find the first flagged one the posting would take below
    -- zero (L2); then, under the locks (a request with the same key has committed by now), the transaction
    -- of this idempotency key if any, and the fiscal year of the date.
    IF p_lock THEN
        SELECT checked.accounts, checked.short, t.id, t.number, t.fiscal_year_id, t.created_at, t.previous_hash,
               t.hash, t.fingerprint, y.id AS year_id, y.year, y.status INTO v_found
            FROM (SELECT count(*) AS accounts,
                         min(a.id || ':' || a.code || coalesce('-' || nullif(a.aux_code, ''), '') || ' ' || a.name)
                             FILTER (WHERE a.may_not_go_negative AND CASE WHEN a.kind = 'bank'
                                 THEN a.debits_posted + d.debits - a.credits_posted - d.credits - a.credits_pending
                                 ELSE a.credits_posted + d.credits - a.debits_posted - d.debits - a.debits_pending
                                 END < 0) AS short
                  FROM (SELECT * FROM mutualisation_account WHERE id = ANY(p_ids) ORDER BY id FOR UPDATE) a
                  JOIN unnest(p_ids, p_debits, p_credits) AS d(id, debits, credits) ON a.id = d.id) checked
            LEFT JOIN mutualisation_transaction t ON t.idempotency_key = p_key
            LEFT JOIN mutualisation_fiscalyear y ON y.start <= p_date AND y."end" >= p_date;
    ELSE
        SELECT checked.accounts, checked.short, t.id, t.number, t.fiscal_year_id, t.created_at, t.previous_hash,
               t.hash, t.fingerprint, y.id AS year_id, y.year, y.status INTO v_found
            FROM (SELECT count(*) AS accounts,
                         min(a.id || ':' || a.code || coalesce('-' || nullif(a.aux_code, ''), '') || ' ' || a.name)
                             FILTER (WHERE a.may_not_go_negative AND CASE WHEN a.kind = 'bank'
                                 THEN a.debits_posted + d.debits - a.credits_posted - d.credits - a.credits_pending
                                 ELSE a.credits_posted + d.credits - a.debits_posted - d.debits - a.debits_pending
                                 END < 0) AS short
                  FROM mutualisation_account a
                  JOIN unnest(p_ids, p_debits, p_credits) AS d(id, debits, credits) ON a.id = d.id) checked
            LEFT JOIN mutualisation_transaction t ON t.idempotency_key = p_key
            LEFT JOIN mutualisation_fiscalyear y ON y.start <= p_date AND y."end" >= p_date;
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
    IF v_found.year_id IS NULL THEN
        RAISE EXCEPTION 'ledger:no_year';
    END IF;
    IF v_found.status <> 'open' THEN
        RAISE EXCEPTION 'ledger:closed:%', v_found.year;
    END IF;
    IF v_found.short IS NOT NULL THEN
        RAISE EXCEPTION 'ledger:funds:%', v_found.short;
    END IF;

    -- Take the chain head (its row lock orders concurrent postings) and its next number at once.
    UPDATE mutualisation_chainhead h SET number = h.number + 1 WHERE h.id = 1 RETURNING h.number, h.hash INTO v_head;
    IF NOT FOUND THEN
        INSERT INTO mutualisation_chainhead (id, number, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
        UPDATE mutualisation_chainhead h SET number = h.number + 1 WHERE h.id = 1 RETURNING h.number, h.hash INTO v_head;
    END IF;
    v_number := v_head.number;
    v_created := date_trunc('microseconds', clock_timestamp());
    FOREACH v_field IN ARRAY ARRAY[
            v_head.hash, v_number::text, v_found.year_id::text, to_char(p_date, 'YYYY-MM-DD'), p_code, p_label, p_key,
            p_fingerprint, '', p_created_by::text, (extract(epoch FROM v_created) * 1000000)::bigint::text, p_legs] LOOP
        v_text := v_text || char_length(v_field) || ':' || v_field || E'\n';
    END LOOP;
    v_hash := encode(sha256(convert_to(v_text, 'UTF8')), 'hex');

    -- The transaction, its entries, the chain head and the balances, in one statement.
    WITH posted AS (
        INSERT INTO mutualisation_transaction (number, fiscal_year_id, date, code, label, idempotency_key,
                fingerprint, reverses_id, created_by_id, created_at, previous_hash, hash)
            VALUES (v_number, v_found.year_id, p_date, p_code, p_label, p_key, p_fingerprint, NULL, p_created_by,
                    v_created, v_head.hash, v_hash)
            RETURNING id
    ), entries AS (
        INSERT INTO mutualisation_entry (transaction_id, account_id, amount, date)
            SELECT posted.id, u.account, u.amount, p_date FROM posted, unnest(p_accounts, p_amounts) AS u(account, amount)
    ), head AS (
        UPDATE mutualisation_chainhead SET hash = v_hash WHERE id = 1
    ), balances AS (
        UPDATE mutualisation_account a
            SET debits_posted = a.debits_posted + d.debits, credits_posted = a.credits_posted + d.credits
            FROM unnest(p_ids, p_debits, p_credits) AS d(id, debits, credits)
            WHERE a.id = d.id
    )
    SELECT posted.id INTO out_id FROM posted;
    out_number := v_number;
    out_fiscal_year_id := v_found.year_id;
    out_created_at := v_created;
    out_previous_hash := v_head.hash;
    out_hash := v_hash;
    out_found := false;
END $$;
"""

DROP = ("DROP FUNCTION IF EXISTS mutualisation_post(text, text, date, text, text, bigint, bigint[], bigint[], bigint[], "
        "bigint[], bigint[], text, boolean);")


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("mutualisation", "0002_postgresql_guards")]

    operations = [migrations.RunPython(on_postgresql(FUNCTION), on_postgresql(DROP), elidable=False)]
