"""The XLSX file of a list's export: tablib's (same sheet, headers, frozen row, wrapped text and column widths),
with amounts to the cent shown with two decimals."""

import io
from decimal import Decimal

from openpyxl.styles import Alignment, Font
from openpyxl.workbook import Workbook
from tablib.formats._xlsx import XLSXFormat, safe_xlsx_sheet_title

# How the XLSX export shows an amount to the cent: 175.50 reads "175,50" rather than "175,5".
MONEY_FORMAT = "#,##0.00"


def is_money(value) -> bool:
    """An amount to the cent, as the models store prices and the lists export euros (durations and rates are not)."""
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


def fill_sheet(sheet, dataset) -> None:
    """What tablib's XLSX export writes (bold headers, first row frozen, multi-line text wrapped), a row at a time:
    tablib finds each cell by its name ("B12"), which took 40% of the catalogue's file. The values are those of
    table_values(), which openpyxl all takes as they are."""
    if dataset.headers:
        sheet.append(dataset.headers)
        bold = Font(bold=True)
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    wrap_text = Alignment(wrap_text=True)
    for row_number, values in enumerate(dataset, start=2 if dataset.headers else 1):
        sheet.append(values)
        for column_number, value in enumerate(values, start=1):
            if isinstance(value, str) and "\n" in value:
                sheet.cell(row=row_number, column=column_number).alignment = wrap_text
            elif is_money(value):
                sheet.cell(row=row_number, column=column_number).number_format = MONEY_FORMAT


def xlsx_with_money_format(dataset) -> bytes:
    """tablib's XLSX file of the dataset (same sheet and column widths), its amounts to the cent shown with two
    decimals: tablib leaves every cell's format "General", so 175.50 read "175,5"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = safe_xlsx_sheet_title(dataset.title, "-") if dataset.title else "Tablib Dataset"
    fill_sheet(sheet, dataset)
    XLSXFormat._adapt_column_width(sheet, "adaptive")
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
