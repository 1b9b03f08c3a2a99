"""The French FEC (fichier des écritures comptables) of one fiscal year of the fund.

18 tab-separated columns with a header line, dates YYYYMMDD, amounts with a decimal comma, one
EcritureNum per transaction (its number in the ledger), debits equal to credits.
"""

from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from mutualisation.chart import GENERAL_NAMES
from mutualisation.models import Entry, FiscalYear, TransactionCode

COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib",
    "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
    "Idevise",
)
BANK_JOURNAL = ("BQ", "Banque")
JOURNALS = {
    TransactionCode.RECEIPT: BANK_JOURNAL, TransactionCode.GRANT: BANK_JOURNAL,
    TransactionCode.DISBURSEMENT: BANK_JOURNAL,
    TransactionCode.OPENING: ("AN", "À-nouveaux"), TransactionCode.CARRY_BACK: ("AN", "À-nouveaux"),
    TransactionCode.CLOSING: ("CLO", "Clôture"), TransactionCode.CARRY: ("CLO", "Clôture"),
}
OTHER_JOURNAL = ("OD", "Opérations diverses")


def fec_amount(cents: int) -> str:
    """123456 → '1234,56': no thousands separator, a decimal comma."""
    return f"{cents // 100},{cents % 100:02d}"


def clean(text: str) -> str:
    """A field never contains the separator or a line break."""
    return " ".join(str(text).split())


def fec_filename(fiscal_year: FiscalYear) -> str:
    """The legal name (article A47 A-1 of the Livre des procédures fiscales): the SIREN of whoever keeps the books,
    "FEC", the closing date of the year. Without TRAINING_BODY_SIREN it starts at "FEC"."""
    return f"{settings.TRAINING_BODY.get('siren', '')}FEC{fiscal_year.end:%Y%m%d}.txt"


def fec_lines(fiscal_year: FiscalYear) -> Iterator[str]:
    """The file's lines (with their line break), header first, in the order of dates and transaction numbers."""
    yield "\t".join(COLUMNS) + "\r\n"
    entries = (Entry.objects.filter(transaction__fiscal_year=fiscal_year)
               .select_related("transaction", "account").order_by("transaction__date", "transaction__number", "pk"))
    for entry in entries.iterator(chunk_size=2000):
        transaction, account = entry.transaction, entry.account
        journal_code, journal_name = JOURNALS.get(transaction.code, OTHER_JOURNAL)
        date = f"{transaction.date:%Y%m%d}"
        aux = bool(account.aux_code)
        fields = (
            journal_code, journal_name, str(transaction.number), date, account.code,
            clean(GENERAL_NAMES.get(account.code, account.name) if aux else account.name),
            account.aux_code, clean(account.name) if aux else "", f"T{transaction.number}", date,
            clean(transaction.label), fec_amount(max(entry.amount, 0)), fec_amount(max(-entry.amount, 0)), "", "",
            f"{timezone.localtime(transaction.created_at):%Y%m%d}", "", "",
        )
        yield "\t".join(fields) + "\r\n"
