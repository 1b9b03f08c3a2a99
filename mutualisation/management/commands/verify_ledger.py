"""`python manage.py verify_ledger`: check L1–L9 on the whole ledger; exit status 1 and a report on any finding."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from mutualisation.models import Entry, Transaction
from mutualisation.verification import INVARIANTS, verify_ledger


class Command(BaseCommand):
    help = "Check the fund's ledger invariants L1–L9; exit status 1 with a report when any fails."

    def handle(self, *args, **options):
        findings = verify_ledger()
        self.stdout.write(_("%(transactions)s transactions and %(entries)s entries checked.")
                          % {"transactions": Transaction.objects.count(), "entries": Entry.objects.count()})
        for invariant, meaning in INVARIANTS.items():
            found = [finding for finding in findings if finding.invariant == invariant]
            if found:
                self.stdout.write(self.style.ERROR(_("%(check)s FAILED — %(meaning)s") % {"check": invariant,
                                                                                          "meaning": meaning}))
                for finding in found:
                    self.stdout.write(f"    {finding.message}")
            else:
                self.stdout.write(self.style.SUCCESS(_("%(check)s ok — %(meaning)s") % {"check": invariant,
                                                                                        "meaning": meaning}))
        if findings:
            self.stderr.write(self.style.ERROR(_("%(count)s finding(s): the books do not hold.")
                                               % {"count": len(findings)}))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(_("The books hold.")))
