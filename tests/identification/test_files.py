"""homeward link / dedupe: damaged and awkward input files, unused columns, safe output."""
import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.tabular.build import xlsx

ROOT = Path(__file__).resolve().parents[2]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def damaged_xlsx(path):
    """A sound zip whose data sheet has a cell pointing at a shared string that does not exist."""
    xlsx(path, [["Заполните лист 2"]], title="Инструкция",
         extra_sheets=[("Данные", [["ФИО", "Дата рождения"], ["A B", "1990"]])])
    with zipfile.ZipFile(path) as archive:
        contents = {n: archive.read(n) for n in archive.namelist()}
    member = "xl/worksheets/sheet2.xml"
    contents[member] = contents[member].replace(
        b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="s"><v>999</v></c></row>')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


def test_dedupe_damaged_xlsx_is_a_clear_error(tmp_path):
    path = damaged_xlsx(tmp_path / "reg.xlsx")
    with pytest.raises(CommandError, match='reg.xlsx: sheet "Данные" is damaged or not a spreadsheet'):
        call_command("dedupe", str(path), "-o", str(tmp_path / "out.csv"))


def test_dedupe_damaged_xlsx_exits_non_zero_without_traceback(tmp_path):
    path = damaged_xlsx(tmp_path / "reg.xlsx")
    proc = subprocess.run([sys.executable, str(ROOT / "manage.py"), "dedupe", str(path), "-o", str(tmp_path / "o.csv")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "is damaged or not a spreadsheet" in proc.stderr


def test_unused_columns_are_named_on_stderr(tmp_path):
    import io
    f = tmp_path / "list.csv"
    f.write_bytes(("№ п/п;ФИО (полностью);Дата рождения (дд.мм.гггг);Номер паспорта*;Статус;Примечание;Комментарий\n"
                   "1;Кумар Рави;01.03.1998;Z1;в строю;;\n2;Сингх Амит;1990;;ранен;;\n").encode("cp1251"))
    err = io.StringIO()
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(f), "-o", str(out), "--map", "Комментарий=-", stderr=err)
    message = err.getvalue()
    # The columns with hints are read; the ones matching does not use are named (not an error).
    assert 'column(s) not used for matching: "Статус", "Примечание".' in message
    assert "Комментарий" not in message and "ФИО" not in message   # left out on purpose; used
    assert [r["id"] for r in read_csv(out)] == ["1", "2"]


def test_no_warning_when_every_column_is_used(tmp_path):
    import io
    f = tmp_path / "list.csv"
    f.write_text("id,full_name,date_of_birth\n1,Ravi Kumar,1998\n", encoding="utf-8")
    err = io.StringIO()
    call_command("dedupe", str(f), "-o", str(tmp_path / "c.csv"), stderr=err)
    assert "not used" not in err.getvalue()
