"""Any table a page shows, as CSV or XLSX, through tabular's writers (which defuse formula injection)."""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse

from homeward.audit import services as audit
from tabular import write_csv, write_xlsx

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_bytes(headers: list[str], rows: list, fmt: str, *, title: str = "Sheet1") -> bytes:
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(buffer, headers, rows)
    elif fmt == "xlsx":
        write_xlsx(buffer, headers, rows, sheet_title=title[:31])
    else:
        raise ValueError(f"format {fmt!r}: expected csv or xlsx")
    return buffer.getvalue()


def table_response(request, name: str, headers: list[str], rows: list, fmt: str, *, detail: str = "") -> HttpResponse:
    """The file, and an audit entry saying who exported which table."""
    if fmt not in FORMATS:
        raise Http404("unknown format")
    content = table_bytes(headers, rows, fmt, title=name)
    audit.record(request.user, audit.Action.EXPORT, target_type="table", label=f"{name}.{fmt}",
                 detail=(detail or request.GET.urlencode())[:500])
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
