"""PostgreSQL: a posting or a commitment reads its fiscal year under a lock that the closing of the year waits for.

The closing locks every account, then its year's row (FOR UPDATE), and only then reads the year's balances. Before,
a posting on an account opened after the closing had taken its account locks could still read the year as open
(the posting function read it in the statement that waited for the chain head, with that statement's old
snapshot), and a commitment's trigger read it without any lock: both could land in the year just closed, outside
its carried balances. Now both read the year's row FOR KEY SHARE, after the account locks and before the chain head
(the closing's own order): a posting or commitment that comes first is committed before the closing reads the
balances; one that comes after waits for the closing and reads the year as closed.

The lock is the one the transaction's foreign key to its year takes at commit anyway: taken earlier, it costs
nothing more.
"""

import importlib

from django.db import migrations

PREVIOUS = importlib.import_module("mutualisation.migrations.0004_faster_posting_function")
PREVIOUS_TRIGGER = importlib.import_module("mutualisation.migrations.0002_postgresql_guards")

HEAD_AND_YEAR = """    SELECT h.number, h.hash, y.id AS year_id, y.year, y.status INTO v_head
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
"""

YEAR_THEN_HEAD = """    SELECT y.id, y.year, y.status INTO v_year
        FROM mutualisation_fiscalyear y WHERE y.start <= p_date AND y."end" >= p_date FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger:no_year';
    END IF;
    IF v_year.status <> 'open' THEN
        RAISE EXCEPTION 'ledger:closed:%', v_year.year;
    END IF;
    SELECT h.number, h.hash, v_year.id AS year_id INTO v_head FROM mutualisation_chainhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO mutualisation_chainhead (id, number, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
        SELECT h.number, h.hash, v_year.id AS year_id INTO v_head FROM mutualisation_chainhead h WHERE h.id = 1 FOR UPDATE;
    END IF;
"""


def replaced(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"expected once in the previous SQL: {old[:60]!r}")
    return text.replace(old, new)


FUNCTION = replaced(replaced(PREVIOUS.FUNCTION, HEAD_AND_YEAR, YEAR_THEN_HEAD),
                    "    v_head record;\n", "    v_head record;\n    v_year record;\n")

YEAR_TRIGGER_READ = "SELECT status, start, \"end\" INTO year FROM mutualisation_fiscalyear WHERE id = NEW.fiscal_year_id;"
# The commitment trigger's function, alone, from migration 0002's guards.
TRIGGER_FUNCTION = PREVIOUS_TRIGGER.GUARDS[
    PREVIOUS_TRIGGER.GUARDS.index("CREATE FUNCTION mutualisation_in_open_year()"):
    PREVIOUS_TRIGGER.GUARDS.index("CREATE TRIGGER reservation_in_open_year")
].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
LOCKED_TRIGGER_FUNCTION = replaced(TRIGGER_FUNCTION, YEAR_TRIGGER_READ,
                                   YEAR_TRIGGER_READ.removesuffix(";") + " FOR KEY SHARE;")

FORWARD = f"DROP FUNCTION IF EXISTS {PREVIOUS.SIGNATURE};\n{FUNCTION}\n{LOCKED_TRIGGER_FUNCTION}"
BACKWARD = f"DROP FUNCTION IF EXISTS {PREVIOUS.SIGNATURE};\n{PREVIOUS.FUNCTION}\n{TRIGGER_FUNCTION}"


class Migration(migrations.Migration):
    dependencies = [("mutualisation", "0007_reservation_prepared_by_someone")]

    operations = [migrations.RunPython(PREVIOUS.on_postgresql(FORWARD), PREVIOUS.on_postgresql(BACKWARD),
                                       elidable=False)]
