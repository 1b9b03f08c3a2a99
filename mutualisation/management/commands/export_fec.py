"""`python manage.py export_fec --year Y [-o FILE]`: the fund's ledger of one fiscal year as a French FEC file."""

from django.core.management.base import BaseCommand, CommandError

from mutualisation.fec import fec_filename, fec_lines
from mutualisation.models import FiscalYear


class Command(BaseCommand):
    help = "Write the FEC (fichier des écritures comptables) of a fiscal year of the fund."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output",
                            help="file to write (default: the legal name, <SIREN>FEC<YYYYMMDD>.txt, in this folder)")

    def handle(self, *args, year: int, output: str | None, **options):
        fiscal_year = FiscalYear.objects.filter(year=year).first()
        if fiscal_year is None:
            raise CommandError(f"No fiscal year {year} in the ledger.")
        path = output or fec_filename(fiscal_year)
        lines = 0
        with open(path, "w", encoding="utf-8", newline="") as file:
            for line in fec_lines(fiscal_year):
                file.write(line)
                lines += 1
        self.stdout.write(self.style.SUCCESS(f"{path}: {lines - 1} entries of {year}."))
