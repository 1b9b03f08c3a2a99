"""PostgreSQL: the seat-sensitive part of an enrolment in one round trip (as mutualisation 0003 does for postings).

formation_enrol() does on the server what services.enrolment._enrol_in_python does with the ORM, in the same
order and with the same rules: the organisation of the member user; the session row locked FOR UPDATE (the seat
lock: C1 and C3); refusal of another organisation's intra session, of a session not open for enrolment, of a
deadline passed; the employees, which must all be active employees of that organisation and not already live in
the session (C2, also guarded by the partial unique index); the rate (member rate when the organisation's
membership for the year of `p_today` is active, as Organisation.is_in_good_standing and catalogue.pricing.basis_for
decide; tests check both paths give the same price); the free seats counted after the lock (each statement of a
volatile function takes a fresh snapshot, so enrolments committed while we waited for the lock are counted); the
enrolments inserted in the employees' order (last name, first name, id), confirmed while seats remain then
waitlisted; the session marked full when no seat is left; the audit entry, with the columns core.audit.record
would write (object_repr is str(session): course title · first day in `p_timezone`). One statement, so it is its
own transaction when the caller has none.

A refusal changes nothing and is returned as a code (out_refusal) with what the caller needs to word it in
French; the caller queues the notices.
"""

from django.db import migrations

FUNCTION = r"""
CREATE FUNCTION formation_enrol(
    p_session bigint, p_user bigint, p_employees bigint[], p_today date, p_now timestamptz, p_timezone text,
    p_lock boolean,
    OUT out_refusal text, OUT out_organisation bigint, OUT out_status text, OUT out_deadline date,
    OUT out_starts_at timestamptz, OUT out_course_id bigint, OUT out_course_title text, OUT out_basis text,
    OUT out_unit_price numeric, OUT out_ids bigint[], OUT out_employees bigint[], OUT out_statuses text[],
    OUT out_already text[])
LANGUAGE plpgsql AS $$
DECLARE
    v_session record;
    v_found integer;
    v_free integer;
BEGIN
    SELECT m.organisation_id INTO out_organisation FROM adherents_memberuser m WHERE m.user_id = p_user;
    IF out_organisation IS NULL THEN
        out_refusal := 'not_a_member';
        RETURN;
    END IF;
    IF p_lock THEN
        SELECT s.kind, s.organisation_id, s.status, s.capacity, s.enrolment_deadline, s.starts_at, c.id AS course_id,
               c.title, c.member_price, c.public_price INTO v_session
            FROM formation_session s JOIN catalogue_course c ON c.id = s.course_id
            WHERE s.id = p_session FOR UPDATE OF s;
    ELSE
        SELECT s.kind, s.organisation_id, s.status, s.capacity, s.enrolment_deadline, s.starts_at, c.id AS course_id,
               c.title, c.member_price, c.public_price INTO v_session
            FROM formation_session s JOIN catalogue_course c ON c.id = s.course_id
            WHERE s.id = p_session;
    END IF;
    IF NOT FOUND THEN
        out_refusal := 'missing';
        RETURN;
    END IF;
    out_status := v_session.status;
    out_deadline := v_session.enrolment_deadline;
    out_starts_at := v_session.starts_at;
    out_course_id := v_session.course_id;
    out_course_title := v_session.title;
    IF v_session.kind = 'intra' AND v_session.organisation_id IS DISTINCT FROM out_organisation THEN
        out_refusal := 'reserved';
        RETURN;
    END IF;
    IF v_session.status NOT IN ('open', 'full') THEN
        out_refusal := 'status';
        RETURN;
    END IF;
    IF p_today > v_session.enrolment_deadline THEN
        out_refusal := 'deadline';
        RETURN;
    END IF;

    SELECT count(*), array_agg(e.first_name || ' ' || e.last_name ORDER BY e.last_name, e.first_name, e.id)
                         FILTER (WHERE live.id IS NOT NULL)
        INTO v_found, out_already
        FROM adherents_employee e
        LEFT JOIN formation_enrolment live ON live.session_id = p_session AND live.employee_id = e.id
                                          AND live.status IN ('confirmed', 'waitlisted')
        WHERE e.id = ANY(p_employees) AND e.organisation_id = out_organisation AND e.archived_at IS NULL;
    IF v_found <> cardinality(p_employees) THEN
        out_refusal := 'foreign';
        RETURN;
    END IF;
    IF out_already IS NOT NULL THEN
        out_refusal := 'already';
        RETURN;
    END IF;

    IF EXISTS (SELECT 1 FROM adherents_membership ms WHERE ms.organisation_id = out_organisation
               AND ms.year = extract(year FROM p_today)::integer AND ms.status = 'active') THEN
        out_basis := 'member';
        out_unit_price := v_session.member_price;
    ELSE
        out_basis := 'public';
        out_unit_price := v_session.public_price;
    END IF;

    v_free := v_session.capacity - (SELECT count(*) FROM formation_enrolment f
                                    WHERE f.session_id = p_session AND f.status = 'confirmed');
    WITH chosen AS (
        SELECT e.id, e.last_name, e.first_name,
               row_number() OVER (ORDER BY e.last_name, e.first_name, e.id) AS place
            FROM adherents_employee e WHERE e.id = ANY(p_employees)
    ), inserted AS (
        INSERT INTO formation_enrolment (session_id, employee_id, organisation_id, status, price_basis, unit_price,
                                         enrolled_by_id, enrolled_at, cancelled_late, abandon_reason)
            SELECT p_session, c.id, out_organisation,
                   CASE WHEN c.place <= v_free THEN 'confirmed' ELSE 'waitlisted' END,
                   out_basis, out_unit_price, p_user, p_now, false, ''
                FROM chosen c ORDER BY c.place
            RETURNING id, employee_id, status
    )
    SELECT array_agg(i.id ORDER BY c.place), array_agg(i.employee_id ORDER BY c.place),
           array_agg(i.status ORDER BY c.place)
        INTO out_ids, out_employees, out_statuses
        FROM inserted i JOIN chosen c ON c.id = i.employee_id;

    v_free := v_free - LEAST(GREATEST(v_free, 0), cardinality(p_employees));
    IF v_free <= 0 AND v_session.status = 'open' THEN
        UPDATE formation_session SET status = 'full', updated_at = p_now WHERE id = p_session;
        out_status := 'full';
    END IF;

    INSERT INTO core_auditentry (at, actor_id, action, object_type, object_id, object_repr, data)
        VALUES (p_now, p_user, 'formation.enrolment.created', 'formation.session', p_session::text,
                left(v_session.title || ' · '
                     || coalesce(to_char(v_session.starts_at AT TIME ZONE p_timezone, 'DD/MM/YYYY'), '?'), 255),
                jsonb_build_object('employees', to_jsonb(out_employees), 'unit_price', out_unit_price::text,
                                   'basis', out_basis,
                                   'waitlisted', cardinality(array_positions(out_statuses, 'waitlisted'))));
END $$;
"""

DROP = "DROP FUNCTION IF EXISTS formation_enrol(bigint, bigint, bigint[], date, timestamptz, text, boolean);"


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("formation", "0002_attendance_documents_surveys"),
        ("adherents", "0001_initial"),
        ("catalogue", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(on_postgresql(FUNCTION), on_postgresql(DROP), elidable=False)]
