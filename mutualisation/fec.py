"""The French FEC (fichier des écritures comptables) of one fiscal year of the fund.

18 tab-separated columns with a header line, dates YYYYMMDD, amounts with a decimal comma, debits equal to
credits. EcritureNum numbers the file's transactions 1, 2, 3… in the file's order (a continuous sequence, article
A47 A-1 of the Livre des procédures fiscales); PieceRef keeps the transaction's number in the ledger.
"""

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from mutualisation.chart import GENERAL_NAMES
from mutualisation.models import OPENING_CODES, Entry, FiscalYear, TransactionCode

COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib",
    "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
    "Idevise",
)
BANK_JOURNAL = ("BQ", "Banque")
OPENING_JOURNAL = ("AN", "À-nouveaux")
JOURNALS = {
    TransactionCode.RECEIPT: BANK_JOURNAL, TransactionCode.GRANT: BANK_JOURNAL,
    TransactionCode.DISBURSEMENT: BANK_JOURNAL,
    TransactionCode.CLOSING: ("CLO", "Clôture"), TransactionCode.CARRY: ("CLO", "Clôture"),
} | dict.fromkeys(OPENING_CODES, OPENING_JOURNAL)
OTHER_JOURNAL = ("OD", "Opérations diverses")


def journal_of(transaction) -> tuple[str, str]:
    """A transaction's journal; a reversal's is its original's (a cancelled receipt stays in the bank journal)."""
    code = transaction.reverses.code if transaction.code == TransactionCode.REVERSAL else transaction.code
    return JOURNALS.get(code, OTHER_JOURNAL)


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


def file_order(fiscal_year: FiscalYear) -> QuerySet[Entry]:
    """The year's entries in the file's order: by date, the opening entries (AN) first on their day even when
    posted later, then by number in the ledger; a transaction's entries stay together."""
    return (Entry.objects.filter(transaction__fiscal_year=fiscal_year).select_related("transaction__reverses", "account")
            .order_by("date", "-opening", "transaction__number", "pk"))


def numbered(entries: Iterable[Entry]) -> Iterator[tuple[int, Entry]]:
    """Each entry with its EcritureNum: 1 for the first transaction met, one more at each following one."""
    for number, (_transaction, lines) in enumerate(groupby(entries, key=attrgetter("transaction_id")), start=1):
        for entry in lines:
            yield number, entry


def fec_line(number: int, entry: Entry) -> str:
    """One entry as a line of the file (with its line break), numbered `number` in the file's sequence."""
    transaction, account = entry.transaction, entry.account
    journal_code, journal_name = journal_of(transaction)
    date = f"{transaction.date:%Y%m%d}"
    aux = bool(account.aux_code)
    fields = (
        journal_code, journal_name, str(number), date, account.code,
        clean(GENERAL_NAMES.get(account.code, account.name) if aux else account.name),
        account.aux_code, clean(account.name) if aux else "", f"T{transaction.number}", date,
        clean(transaction.label), fec_amount(max(entry.amount, 0)), fec_amount(max(-entry.amount, 0)), "", "",
        f"{timezone.localtime(transaction.created_at):%Y%m%d}", "", "",
    )
    return "\t".join(fields) + "\r\n"


def fec_lines(fiscal_year: FiscalYear) -> Iterator[str]:
    """The file's lines (with their line break), header first, streamed in the file's order."""
    yield "\t".join(COLUMNS) + "\r\n"
    for number, entry in numbered(file_order(fiscal_year).iterator(chunk_size=2000)):
        yield fec_line(number, entry)
