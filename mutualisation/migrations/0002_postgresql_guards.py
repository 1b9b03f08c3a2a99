"""PostgreSQL guards of the ledger (SQLite has no equivalent: there the services and verify_ledger stand guard).

- L1: deferred constraint triggers check at commit that every transaction's entries sum to zero and that it
  has at least two — for each new transaction, and for the transaction of each new entry (so that entries
  added to an old transaction are checked too).
- L3: entries, transactions and contribution payments refuse UPDATE and DELETE.
- L5: a reservation changes only while open (settled, voided or carried once), and never its amount or ends.
- L7: a reservation goes only into an open fiscal year, dated within it. (Transactions are checked by the
  posting function of migration 0003 under the account locks that the closing of a year takes too; a
  trigger on every posting would cost a tenth of its time, and verify_ledger reports any late posting.)
"""

from django.db import migrations

GUARDS = r"""
CREATE FUNCTION mutualisation_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE ON mutualisation_entry
    FOR EACH ROW EXECUTE FUNCTION mutualisation_refuse_change();
CREATE TRIGGER transaction_append_only BEFORE UPDATE OR DELETE ON mutualisation_transaction
    FOR EACH ROW EXECUTE FUNCTION mutualisation_refuse_change();
CREATE TRIGGER contribution_payment_append_only BEFORE UPDATE OR DELETE ON mutualisation_contributionpayment
    FOR EACH ROW EXECUTE FUNCTION mutualisation_refuse_change();

CREATE FUNCTION mutualisation_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    checked bigint;
    total numeric;
    lines integer;
BEGIN
    IF TG_TABLE_NAME = 'mutualisation_entry' THEN
        checked := NEW.transaction_id;
    ELSE
        checked := NEW.id;
    END IF;
    SELECT COALESCE(sum(e.amount), 0), count(*) INTO total, lines FROM mutualisation_entry e
        WHERE e.transaction_id = checked;
    IF total <> 0 OR lines < 2 THEN
        RAISE EXCEPTION 'transaction % does not balance: its % entries sum to %', checked, lines, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER transaction_balances AFTER INSERT ON mutualisation_transaction
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION mutualisation_balanced();
CREATE CONSTRAINT TRIGGER entry_transaction_balances AFTER INSERT ON mutualisation_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION mutualisation_balanced();

CREATE FUNCTION mutualisation_in_open_year() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    year record;
BEGIN
    SELECT status, start, "end" INTO year FROM mutualisation_fiscalyear WHERE id = NEW.fiscal_year_id;
    IF year.status <> 'open' THEN
        RAISE EXCEPTION 'fiscal year % is closed: nothing is posted into it', NEW.fiscal_year_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.date < year.start OR NEW.date > year."end" THEN
        RAISE EXCEPTION 'date % is outside fiscal year %', NEW.date, NEW.fiscal_year_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER reservation_in_open_year BEFORE INSERT ON mutualisation_reservation
    FOR EACH ROW EXECUTE FUNCTION mutualisation_in_open_year();

CREATE FUNCTION mutualisation_reservation_changes_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'reservations are never deleted' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status <> 'open' THEN
        RAISE EXCEPTION 'reservation % is % already: it cannot change', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.amount, NEW.source_id, NEW.destination_id, NEW.fiscal_year_id, NEW.idempotency_key, NEW.created_by_id)
        IS DISTINCT FROM (OLD.amount, OLD.source_id, OLD.destination_id, OLD.fiscal_year_id, OLD.idempotency_key,
                          OLD.created_by_id) THEN
        RAISE EXCEPTION 'reservation % keeps its amount, accounts, year, key and approver', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER reservation_changes_once BEFORE UPDATE OR DELETE ON mutualisation_reservation
    FOR EACH ROW EXECUTE FUNCTION mutualisation_reservation_changes_once();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS reservation_changes_once ON mutualisation_reservation;
DROP TRIGGER IF EXISTS reservation_in_open_year ON mutualisation_reservation;
DROP TRIGGER IF EXISTS entry_transaction_balances ON mutualisation_entry;
DROP TRIGGER IF EXISTS transaction_balances ON mutualisation_transaction;
DROP TRIGGER IF EXISTS contribution_payment_append_only ON mutualisation_contributionpayment;
DROP TRIGGER IF EXISTS transaction_append_only ON mutualisation_transaction;
DROP TRIGGER IF EXISTS entry_append_only ON mutualisation_entry;
DROP FUNCTION IF EXISTS mutualisation_reservation_changes_once();
DROP FUNCTION IF EXISTS mutualisation_in_open_year();
DROP FUNCTION IF EXISTS mutualisation_balanced();
DROP FUNCTION IF EXISTS mutualisation_refuse_change();
"""


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("mutualisation", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(GUARDS), on_postgresql(DROP_GUARDS), elidable=False)]
