"""Builders for the awkward files the tests read."""
from __future__ import annotations

import re
import zipfile

import openpyxl


def xlsx(path, rows, *, merges=(), title="Sheet1", extra_sheets=()):
    """Write rows (lists; None for an empty cell) to an XLSX file, with merged ranges."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        # merge_cells blanks the covered cells, as Excel does.
        sheet.merge_cells(ref)
    for name, extra_rows in extra_sheets:
        extra = workbook.create_sheet(name)
        for row in extra_rows:
            extra.append(list(row))
    workbook.save(path)
    return path


def with_cached_values(path, cached: dict[str, tuple[str, str]]):
    """Give formula cells the cached results Excel would have saved ({"B2": ("n", "2")}).

    openpyxl writes formulas without results, unlike Excel.
    """
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    xml = contents[member].decode()
    for ref, (kind, value) in cached.items():
        xml, n = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>',
                         rf'<c r="{ref}"\1 t="{kind}"><f>\2</f><v>{value}</v>', xml)
        assert n == 1, ref
    contents[member] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path
