"""A cancelled contribution payment's bank reference may be recorded again, by a payment that replaces it.

The unique (contribution, reference) becomes unique among first payments, and `replaces` is unique: the payments
of a reference form one chain. On PostgreSQL a trigger also refuses a payment that replaces anything but a
cancelled payment (its receipt reversed) of the same contribution and reference, so that only the chain's last
payment may be live. (SQLite has no equivalent: there the service checks it under the contribution's row lock.)
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GUARD = r"""
CREATE FUNCTION mutualisation_payment_replaces_a_cancelled_one() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM mutualisation_contributionpayment p
            JOIN mutualisation_transaction r ON r.reverses_id = p.receipt_id
        WHERE p.id = NEW.replaces_id AND p.contribution_id = NEW.contribution_id AND p.reference = NEW.reference
    ) THEN
        RAISE EXCEPTION 'payment % may only replace a cancelled payment of its contribution and reference, not %',
            NEW.reference, NEW.replaces_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER contribution_payment_replaces_a_cancelled_one BEFORE INSERT ON mutualisation_contributionpayment
    FOR EACH ROW WHEN (NEW.replaces_id IS NOT NULL) EXECUTE FUNCTION mutualisation_payment_replaces_a_cancelled_one();
"""

DROP_GUARD = """
DROP TRIGGER IF EXISTS contribution_payment_replaces_a_cancelled_one ON mutualisation_contributionpayment;
DROP FUNCTION IF EXISTS mutualisation_payment_replaces_a_cancelled_one();
"""


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('mutualisation', '0005_compact_code_checks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='contributionpayment',
            name='one_payment_per_reference',
        ),
        migrations.AddField(
            model_name='contributionpayment',
            name='replaces',
            field=models.OneToOneField(blank=True, help_text='The cancelled payment of the same reference that this one records again.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaced_by', to='mutualisation.contributionpayment', verbose_name='replaces'),
        ),
        migrations.AddConstraint(
            model_name='contributionpayment',
            constraint=models.UniqueConstraint(condition=models.Q(('replaces__isnull', True)), fields=('contribution', 'reference'), name='one_first_payment_per_reference'),
        ),
        migrations.RunPython(on_postgresql(GUARD), on_postgresql(DROP_GUARD), elidable=False),
    ]
