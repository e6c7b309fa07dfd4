"""Spreadsheet downloads for workers: CSV (UTF-8 with BOM, so Excel opens Chinese right)
or XLSX, from a header row and rows. Text a spreadsheet would run as a formula (``=``,
``+``, ``-``, ``@``, tab, carriage return at the start) gets a leading apostrophe — the
OWASP advice against CSV injection — in both formats."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def spreadsheet_response(fmt: str, filename: str, headers: Sequence[str],
                         rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1"
                         ) -> HttpResponse:
    """An attachment ``filename`` (its extension is ``fmt``); 404 for another format."""
    if fmt not in FORMATS:
        raise Http404
    safe_rows = [[safe_cell(c) for c in row] for row in rows]
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(headers)
        writer.writerows(safe_rows)
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = sheet[:31]
        ws.append(list(headers))
        for r in safe_rows:
            ws.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(buf.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
