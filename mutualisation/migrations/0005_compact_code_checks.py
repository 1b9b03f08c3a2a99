"""The account-kind and transaction-code CHECK constraints, unchanged in meaning, written with one array constant
(the any_of lookup of models.ledger) instead of an IN list: PostgreSQL reads a table's CHECK constraints back from
their stored text on every statement that writes the table, and a posting writes both tables."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('adherents', '0001_initial'),
        ('mutualisation', '0004_faster_posting_function'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='account',
            name='account_kind_known',
        ),
        migrations.RemoveConstraint(
            model_name='transaction',
            name='transaction_code_known',
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(('kind__any_of', ['bank', 'contributions', 'fund_available', 'envelope', 'drawing_right', 'commitments', 'payments'])), name='account_kind_known'),
        ),
        migrations.AddConstraint(
            model_name='transaction',
            constraint=models.CheckConstraint(condition=models.Q(('code__any_of', ['receipt', 'distribution', 'grant', 'transfer', 'settlement', 'disbursement', 'reversal', 'carry', 'carry_back', 'closing', 'opening'])), name='transaction_code_known'),
        ),
    ]
