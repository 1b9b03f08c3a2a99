"""Reads an employee CSV file into cleaned rows, or says everything that is wrong with it.

A file is accepted whole or not at all: every bad row is reported with its line number.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from adherents.exceptions import ImportRejected
from adherents.forms import EmployeeForm
from adherents.models import ContractType, Organisation, Population

# CSV column → form field; the template file uses these headers in this order.
COLUMNS = {
    "nom": "last_name",
    "prenom": "first_name",
    "population": "population",
    "contrat": "contract_type",
    "poste": "job_title",
    "email": "email",
    "mobile": "mobile",
    "besoin_adaptation": "adaptation_need",
}
REQUIRED_COLUMNS = ("nom", "prenom", "population", "contrat")
TEMPLATE_EXAMPLE = [
    "Martin", "Sophie", "insertion", "CDDI", "Agente d'entretien", "sophie.martin@example.org", "06 12 34 56 78", "",
]

POPULATION_ALIASES = {
    "insertion": Population.INSERTION, "parcours": Population.INSERTION,
    "salarie en parcours": Population.INSERTION, "permanent": Population.PERMANENT,
    "permanente": Population.PERMANENT, "salarie permanent": Population.PERMANENT,
}
CONTRACT_ALIASES = {value.lower(): value for value in ContractType.values} | {
    "interim d'insertion": ContractType.CTTI, "interim insertion": ContractType.CTTI,
    "apprentissage": ContractType.APPRENTICESHIP, "autre": ContractType.OTHER,
}


@dataclass(frozen=True)
class ImportedRow:
    line: int
    data: dict


def simplify(text: str) -> str:
    """Lower case, no accents, single spaces: 'Prénom ' and 'prenom' name the same column."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raise ImportRejected([_("This file is not a CSV text file. Save it from your spreadsheet as “CSV”.")])
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected([_("The file's encoding is not recognised. Save it as “CSV UTF-8”.")])


def csv_error_message(error: csv.Error, line: int) -> str:
    """The reader's English error as a fixed message naming the line where the broken record starts."""
    if "field larger than field limit" in str(error):
        return _("Line %(line)s: a value is longer than %(limit)s characters; check that every quotation mark (\") "
                 "is closed.") % {"line": line, "limit": csv.field_size_limit()}
    return _("Line %(line)s: a quotation mark (\") is misplaced or never closed. A value in quotation marks must "
             "end with a quotation mark followed by a separator.") % {"line": line}


def read_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every record with the line it ends on. Strict quoting: an unclosed quotation mark is an error rather
    than a value silently swallowing the rest of the file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for row in reader:
            records.append((reader.line_num, row))
    except csv.Error as error:
        start = records[-1][0] + 1 if records else 1
        raise ImportRejected([csv_error_message(error, start)]) from error
    return records


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The simplified header and the non-blank rows with their line numbers."""
    if not text.strip():
        raise ImportRejected([_("The file is empty.")])
    first_line = text.splitlines()[0]
    delimiter = max(";,\t", key=first_line.count)
    (_header_line, header), *records = read_records(text, delimiter)
    rows = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    return [simplify(name).replace(" ", "_") for name in header], rows


def check_header(header: list[str]) -> None:
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(
            _("Unknown columns: %(columns)s. Expected columns: %(expected)s.")
            % {"columns": ", ".join(name[:40] for name in unknown[:10]), "expected": ", ".join(COLUMNS)}
        )
    if duplicated:
        problems.append(_("Columns given twice: %(columns)s.") % {"columns": ", ".join(duplicated)})
    if problems:
        raise ImportRejected(problems)


def row_data(header: list[str], row: list[str]) -> dict:
    data = {COLUMNS[name]: value.strip() for name, value in zip(header, row, strict=False) if name in COLUMNS}
    if "population" in data:
        data["population"] = POPULATION_ALIASES.get(simplify(data["population"]), data["population"])
    if "contract_type" in data:
        data["contract_type"] = CONTRACT_ALIASES.get(simplify(data["contract_type"]), data["contract_type"])
    return data


def describe_errors(form: EmployeeForm) -> str:
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            parts.append(f"{label} : {error}" if label else str(error))
    return " ; ".join(parts)


def parse_employee_file(raw: bytes, organisation: Organisation) -> list[ImportedRow]:
    """Every row cleaned, or ImportRejected listing every problem of the file."""
    if len(raw) > settings.EMPLOYEE_IMPORT_MAX_BYTES:
        raise ImportRejected([
            _("The file is larger than %(size)s MB.") % {"size": settings.EMPLOYEE_IMPORT_MAX_BYTES // (1024 * 1024)}
        ])
    header, rows = read_rows(decode(raw))
    check_header(header)
    if not rows:
        raise ImportRejected([_("The file has a header but no employee.")])
    if len(rows) > settings.EMPLOYEE_IMPORT_MAX_ROWS:
        raise ImportRejected([
            _("The file has %(count)s rows; at most %(max)s can be imported at once.")
            % {"count": len(rows), "max": settings.EMPLOYEE_IMPORT_MAX_ROWS}
        ])
    problems, cleaned, seen_emails = [], [], {}
    for line, row in rows:
        if len(row) > len(header):
            problems.append(_("Line %(line)s: more values than columns.") % {"line": line})
            continue
        form = EmployeeForm(data=row_data(header, row), organisation=organisation)
        if not form.is_valid():
            problems.append(_("Line %(line)s: %(errors)s") % {"line": line, "errors": describe_errors(form)})
            continue
        email = form.cleaned_data["email"]
        if email and email in seen_emails:
            problems.append(
                _("Line %(line)s: the e-mail %(email)s is already on line %(first)s.")
                % {"line": line, "email": email, "first": seen_emails[email]}
            )
            continue
        if email:
            seen_emails[email] = line
        cleaned.append(ImportedRow(line=line, data=form.cleaned_data))
    if problems:
        raise ImportRejected(problems)
    return cleaned


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS.keys())
    writer.writerow(TEMPLATE_EXAMPLE)
    return "\ufeff" + buffer.getvalue()
