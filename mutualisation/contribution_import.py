"""Reads the two CSV files finance sends: calls for contributions (payroll bases) and payments received.

A file is accepted whole or not at all: every bad line is reported with its number. The reading
(size limit, encoding detection, delimiter) is the one of the employee import.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from operator import itemgetter

from django.utils.translation import gettext as _

from adherents.employee_import import decode, read_rows
from adherents.exceptions import ImportRejected
from adherents.models import Organisation
from core.templatetags.ui import euros
from mutualisation.amounts import parse_euros, to_euros
from mutualisation.models import MAX_AMOUNT_CENTS, Contribution, ContributionPayment, FiscalYear

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
CALL_COLUMNS = ("siret", "masse_salariale")
PAYMENT_COLUMNS = ("siret", "date", "montant", "reference")
CALL_TEMPLATE = [CALL_COLUMNS, ("41234567000019", "523 400,00")]
PAYMENT_TEMPLATE = [PAYMENT_COLUMNS, ("41234567000019", "15/03/2026", "4 187,20", "VIR-2026-0042")]


@dataclass(frozen=True)
class CallRow:
    line: int
    organisation: Organisation
    payroll_base_cents: int


@dataclass(frozen=True)
class PaymentRow:
    line: int
    contribution: Contribution
    amount_cents: int
    date: datetime.date
    reference: str
    replaces_id: int | None  # the cancelled payment of this reference that the line records again


@dataclass(frozen=True)
class Table:
    """A file's readable lines as {column: text}, and (line, problem) for each line that could not be read."""

    rows: list[tuple[int, dict[str, str]]]
    problems: list[tuple[int, str]]


def read_table(raw: bytes, columns: tuple[str, ...]) -> Table:
    """The file's lines, or ImportRejected for a file that cannot be read at all."""
    if len(raw) > MAX_BYTES:
        raise ImportRejected([_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}])
    header, rows = read_rows(decode(raw))
    problems = header_problems(header, columns)
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([_("The file has a header but no line to import.")])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([_("The file has %(count)s rows; at most %(max)s can be imported at once.")
                              % {"count": len(rows), "max": MAX_ROWS}])
    readable, problems = [], []
    for line, row in rows:
        if len(row) > len(header):
            problems.append((line, _("Line %(line)s: more values than columns.") % {"line": line}))
            continue
        # A line cut short lacks its last values: they are empty, and checked as such.
        values = [value.strip() for value in row] + [""] * (len(header) - len(row))
        readable.append((line, dict(zip(header, values, strict=True))))
    return Table(rows=readable, problems=problems)


def header_problems(header: list[str], columns: tuple[str, ...]) -> list[str]:
    missing = [name for name in columns if name not in header]
    unknown = [name[:40] for name in header if name and name not in columns]
    problems = []
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(columns)s. Expected columns: %(expected)s.")
                        % {"columns": ", ".join(unknown[:10]), "expected": ", ".join(columns)})
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        problems.append(_("Columns given twice: %(columns)s.") % {"columns": ", ".join(duplicated)})
    return problems


def parse_amount(text: str, errors: list[str], *, allow_zero: bool = False) -> int | None:
    try:
        cents = parse_euros(text)
    except ValueError:
        errors.append(_("the amount “%(value)s” is not an amount in euros such as 1 234,56") % {"value": text[:30]})
        return None
    if cents > MAX_AMOUNT_CENTS or (cents == 0 and not allow_zero):
        errors.append(_("the amount must be greater than zero and at most 9 999 999 999,99 €"))
        return None
    return cents


def parse_date(text: str, errors: list[str]) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 -- a calendar date, no time
        except ValueError:
            continue
    errors.append(_("the date “%(value)s” is not a date such as 15/03/2026") % {"value": text[:30]})
    return None


def organisations_by_siret(table) -> dict[str, Organisation]:
    sirets = {"".join(values.get("siret", "").split()) for _line, values in table}
    return {organisation.siret: organisation for organisation in Organisation.objects.filter(siret__in=sirets)}


def reject_if(problems: list[tuple[int, str]]) -> None:
    """Refuse the file if anything is wrong with it, every (line, problem) listed in the order of the lines."""
    if problems:
        raise ImportRejected([problem for _line, problem in sorted(problems, key=itemgetter(0))])


def describe(line: int, errors: list[str]) -> str:
    return _("Line %(line)s: %(errors)s") % {"line": line, "errors": " ; ".join(errors)}


def parse_call_file(raw: bytes, year: int) -> list[CallRow]:
    """Payroll bases of year-1, one line per member; a member already called for `year` is a bad line."""
    table = read_table(raw, CALL_COLUMNS)
    organisations = organisations_by_siret(table.rows)
    called = set(Contribution.objects.filter(year=year, organisation__in=organisations.values())
                 .values_list("organisation_id", flat=True))
    problems, rows, seen = list(table.problems), [], {}
    for line, values in table.rows:
        errors = []
        siret = "".join(values["siret"].split())
        organisation = organisations.get(siret)
        if organisation is None:
            errors.append(_("no member has the SIRET “%(siret)s”") % {"siret": siret[:20]})
        elif organisation.pk in called:
            errors.append(_("%(member)s was already called for %(year)s") % {"member": organisation, "year": year})
        elif siret in seen:
            errors.append(_("this member is already on line %(first)s") % {"first": seen[siret]})
        base = parse_amount(values["masse_salariale"], errors, allow_zero=True)
        if errors:
            problems.append((line, describe(line, errors)))
            continue
        seen[siret] = line
        rows.append(CallRow(line=line, organisation=organisation, payroll_base_cents=base))
    reject_if(problems)
    return rows


def check_reference(reference: str, contribution: Contribution | None, latest: ContributionPayment | None,
                    seen: dict[tuple[int, str], int], errors: list[str]) -> None:
    """A payment has a reference, recorded once per contribution: a cancelled payment's may be recorded again."""
    if not reference:
        errors.append(_("the reference is missing"))
    elif latest is not None and not latest.cancelled:
        errors.append(_("the payment “%(reference)s” is already recorded") % {"reference": reference})
    elif contribution is not None and (contribution.pk, reference) in seen:
        errors.append(_("the payment “%(reference)s” is already on line %(first)s")
                      % {"reference": reference, "first": seen[(contribution.pk, reference)]})


def parse_payment_file(raw: bytes, year: int) -> list[PaymentRow]:
    """Payments received for the contributions of `year`; each must fit what remains due, once per reference."""
    table = read_table(raw, PAYMENT_COLUMNS)
    organisations = organisations_by_siret(table.rows)
    contributions = {contribution.organisation_id: contribution for contribution in
                     Contribution.objects.with_paid().select_related("organisation")
                     .filter(year=year, organisation__in=organisations.values())}
    remaining = {pk: c.amount_due_cents - c.paid_cents for pk, c in contributions.items()}
    latest = ContributionPayment.objects.filter(contribution__in=contributions.values()).latest_per_reference()
    open_years = list(FiscalYear.objects.filter(status=FiscalYear.Status.OPEN))
    problems, rows, seen = list(table.problems), [], {}
    for line, values in table.rows:
        errors = []
        siret = "".join(values["siret"].split())
        organisation = organisations.get(siret)
        contribution = contributions.get(organisation.pk) if organisation else None
        if organisation is None:
            errors.append(_("no member has the SIRET “%(siret)s”") % {"siret": siret[:20]})
        elif contribution is None:
            errors.append(_("no contribution was called from %(member)s for %(year)s")
                          % {"member": organisation, "year": year})
        amount = parse_amount(values["montant"], errors)
        day = parse_date(values["date"], errors)
        if day is not None and not any(fiscal_year.contains(day) for fiscal_year in open_years):
            errors.append(_("no open fiscal year covers %(date)s") % {"date": day.strftime("%d/%m/%Y")})
        reference = values["reference"][:100]
        previous = latest.get((contribution.pk, reference)) if contribution else None
        check_reference(reference, contribution, previous, seen, errors)
        if contribution is not None and amount is not None and amount > remaining[organisation.pk]:
            errors.append(_("the amount exceeds what remains due (%(remaining)s)")
                          % {"remaining": euros(to_euros(remaining[organisation.pk]))})
        if errors:
            problems.append((line, describe(line, errors)))
            continue
        seen[(contribution.pk, reference)] = line
        remaining[organisation.pk] -= amount
        rows.append(PaymentRow(line=line, contribution=contribution, amount_cents=amount, date=day,
                               reference=reference, replaces_id=previous.pk if previous else None))
    reject_if(problems)
    return rows


def template_csv(rows) -> str:
    """A file to fill in, with its header and one example line (UTF-8 with BOM, for Excel)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return "\ufeff" + buffer.getvalue()
