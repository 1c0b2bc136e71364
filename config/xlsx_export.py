"""The one XLSX writer, for exports that a platform imports as a workbook (e-fapiao batches).

openpyxl writes a text cell that starts with "=" as a formula: every cell passes through the
CSV writer's `neutralise`, so people's text is text here too.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.http import HttpResponse
from openpyxl import Workbook

from config.csv_export import neutralise

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_attachment(
    filename: str, sheet: str, header: Iterable[object], rows: Iterable[Iterable[object]]
) -> HttpResponse:
    """A download of one sheet; ``filename`` is ours, never user text."""
    book = Workbook()
    page = book.active
    assert page is not None
    page.title = sheet
    page.append([neutralise(cell) for cell in header])
    for cells in rows:
        page.append([neutralise(cell) for cell in cells])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
