"""Reads an employee CSV file into cleaned rows, or says everything that is wrong with it.

A file is accepted whole or not at all: every bad row is reported with its line number.
"""

import codecs
import csv
import io
import re
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
# Other names of the same columns, among them the headers of the employee list's own export.
COLUMN_ALIASES = {"e-mail": "email", "courriel": "email", "besoin_d'adaptation": "besoin_adaptation",
                  "portable": "mobile", "telephone": "mobile"}

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


# Typographic apostrophes, as word processors and spreadsheets write them, read as the plain one.
APOSTROPHES = str.maketrans("\u2019\u2018\u02bc`\u00b4", "'" * 5)


def simplify(text: str) -> str:
    """Lower case, no accents, single spaces: 'Prénom ' and 'prenom' name the same column."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower().translate(APOSTROPHES))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


# Accented letters written in UTF-8 (é is C3 A9): found in a file that is not UTF-8 as a whole, they mean a file
# of two encodings, which no single decoding reads right.
UTF8_LETTER = re.compile(rb"[\xc3\xc2][\x80-\xbf]")


def decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in raw:
        raise ImportRejected([_("This file is not a CSV text file. Save it from your spreadsheet as “CSV”.")])
    else:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            if UTF8_LETTER.search(raw):
                raise ImportRejected([_("The file mixes two encodings (UTF-8 and Windows): some accents would be "
                                        "garbled. Save it again as “CSV UTF-8”.")]) from None
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
    raise ImportRejected([_("The file's encoding is not recognised. Save it as “CSV UTF-8”.")])


def csv_error_message(error: csv.Error, line: int) -> str:
    """The reader's English error as a fixed message naming the line where the broken record starts."""
    if "field larger than field limit" in str(error):
        return _("Line %(line)s: a value is longer than %(limit)s characters; check that every quotation mark (\") "
                 "is closed.") % {"line": line, "limit": csv.field_size_limit()}
    return _("Line %(line)s: a quotation mark (\") is misplaced or never closed. A value in quotation marks must "
             "end with a quotation mark followed by a separator.") % {"line": line}


def read_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every record with the line it starts on (a value in quotation marks may span lines). Strict quoting: an
    unclosed quotation mark is an error rather than a value silently swallowing the rest of the file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, previous_end = [], 0
    try:
        for row in reader:
            records.append((previous_end + 1, row))
            previous_end = reader.line_num
    except csv.Error as error:
        raise ImportRejected([csv_error_message(error, previous_end + 1)]) from error
    return records


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The simplified header and the non-blank rows with their line numbers."""
    if not text.strip():
        raise ImportRejected([_("The file is empty.")])
    first_line = next(line for line in text.splitlines() if line.strip())
    # Excel's "sep=;" line names the separator; otherwise the one the header uses most.
    hint = first_line.strip().lower()
    separator_line = hint.startswith("sep=") and len(hint) == 5
    delimiter = hint[4] if separator_line else max(";,\t", key=first_line.count)
    records = [(line, row) for line, row in read_records(text, delimiter) if any(cell.strip() for cell in row)]
    if separator_line:
        records = records[1:]
    if not records:
        raise ImportRejected([_("The file is empty.")])
    (_header_line, header), *rows = records
    names = [simplify(name).replace(" ", "_") for name in header]
    return [COLUMN_ALIASES.get(name, name) for name in names], rows


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


def choice_names() -> dict[str, dict[str, str]]:
    """For each field with choices, every name of each value: its code, its usual names, and its label in the
    current language (as the employee list exports it). Read once per file."""
    return {field: {simplify(str(label)): value for value, label in choices.choices} | aliases
            for field, aliases, choices in (("population", POPULATION_ALIASES, Population),
                                            ("contract_type", CONTRACT_ALIASES, ContractType))}


def row_data(header: list[str], row: list[str], names: dict[str, dict[str, str]]) -> dict:
    data = {COLUMNS[name]: value.strip() for name, value in zip(header, row, strict=False) if name in COLUMNS}
    for field, known in names.items():
        if field in data:
            data[field] = known.get(simplify(data[field]), data[field])
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
    problems, cleaned, seen_emails, names = [], [], {}, choice_names()
    taken_emails = set(organisation.employees.active().exclude(email="").values_list("email", flat=True))
    for line, row in rows:
        if len(row) > len(header):
            problems.append(_("Line %(line)s: more values than columns.") % {"line": line})
            continue
        if any(value.strip() for name, value in zip(header, row, strict=False) if not name):
            problems.append(_("Line %(line)s: a value in a column without a name.") % {"line": line})
            continue
        form = EmployeeForm(data=row_data(header, row, names), organisation=organisation, taken_emails=taken_emails)
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
    # The header only: an example line left in the file would be imported (the import page shows one).
    writer.writerow(COLUMNS.keys())
    return "\ufeff" + buffer.getvalue()
