"""`python manage.py export_fec --year Y [-o FILE]`: the fund's ledger of one fiscal year as a French FEC file."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from mutualisation.fec import fec_filename, fec_lines
from mutualisation.models import FiscalYear


class Command(BaseCommand):
    help = "Write the FEC (fichier des écritures comptables) of a fiscal year of the fund."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output",
                            help="file to write (default: the legal name, <SIREN>FEC<YYYYMMDD>.txt, in this folder)")

    def handle(self, *args, year: int, output: str | None, **options):
        # Messages in the site's language, whatever language the calling thread may have left active.
        with translation.override(settings.LANGUAGE_CODE):
            fiscal_year = FiscalYear.objects.filter(year=year).first()
            if fiscal_year is None:
                raise CommandError(_("No fiscal year %(year)s in the ledger.") % {"year": year})
            path = output or fec_filename(fiscal_year)
            try:
                lines = write_fec(fiscal_year, path)
            except OSError as error:
                raise CommandError(_("The file %(path)s cannot be written: check that its folder exists and that "
                                     "you may write in it.") % {"path": path}) from error
            self.stdout.write(self.style.SUCCESS(_("%(path)s: %(count)s entry lines of %(year)s.")
                                                 % {"path": path, "count": lines, "year": year}))


def write_fec(fiscal_year: FiscalYear, path: str) -> int:
    """Write the year's FEC to `path`; the number of entry lines written (the header left out)."""
    lines = 0
    with open(path, "w", encoding="utf-8", newline="") as file:
        for line in fec_lines(fiscal_year):
            file.write(line)
            lines += 1
    return lines - 1
