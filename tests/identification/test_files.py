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


IDS = ['=HYPERLINK("http://x","click")', "@SUM(1+1)", "+1+2", "L00001", "№ 12", "-"]
SAFE = ["'" + i for i in IDS[:3]] + IDS[3:]
NAMES = ["Harpreet Singh", "Rahul Kumar", "Amit Sharma", "Vikas Rana", "Sunil Verma", "Raj Malhotra"]


def id_file(path, ids, dobs):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "full_name", "date_of_birth"])
        w.writerows(zip(ids, NAMES, dobs))
    return path


def test_dedupe_output_cannot_run_formulas_and_keeps_normal_ids(tmp_path):
    f = id_file(tmp_path / "list.csv", IDS, ["1990", "1991", "1992", "1993", "1994", "1995"])
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(f), "-o", str(out))
    rows = read_csv(out)
    assert [r["id"] for r in rows] == SAFE
    assert all(r["cluster_id"] == r["id"] for r in rows)   # each its own cluster, neutralised the same way
    assert out.read_text(encoding="utf-8").splitlines()[0] == "id,cluster_id"


def test_link_output_cannot_run_formulas_and_keeps_normal_ids(tmp_path):
    dobs = ["14.03.1998", "01.05.1990", "20.06.1985", "11.08.1990", "02.02.1992", "03.03.1993"]
    left = id_file(tmp_path / "left.csv", IDS, dobs)
    right = id_file(tmp_path / "right.csv", ["R" + str(n) for n in range(6)], dobs)
    out = tmp_path / "links.csv"
    call_command("link", str(left), str(right), "-o", str(out), "--threshold", "0")
    rows = read_csv(out)
    assert list(rows[0])[:3] == ["left_id", "right_id", "match_probability"]
    pairs = {(r["left_id"], r["right_id"]) for r in rows}
    assert {(safe, f"R{n}") for n, safe in enumerate(SAFE)} <= pairs
    assert not any(r["left_id"].startswith(("=", "+", "@")) for r in rows)


def test_help_says_how_ids_are_written():
    from homeward.identification.management.commands import dedupe, link
    for command in (dedupe.Command(), link.Command()):
        assert "apostrophe" in command.help and "L00001" in command.help


def test_dates_of_birth_with_two_digit_years_are_read(tmp_path):
    from homeward.identification.files import read_records
    f = tmp_path / "list.csv"
    f.write_bytes("№;ФИО;Дата рождения\n1;Кумар Радж;01.03.98\n2;Сингх Амит;31.02.98\n".encode("cp1251"))
    warnings = []
    records = read_records(str(f), [], warn=warnings.append)
    assert [r.date_of_birth for r in records] == ["1998-03-01", ""]
    assert warnings == ["list.csv: 1 date(s) of birth could not be read and were ignored "
                        "(row 3: 31.02.98 is not a real date: February 1998 has 28 days)"]
