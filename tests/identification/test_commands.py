"""homeward link / dedupe: files in, CSV out, clear errors for bad input."""
import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

LEFT = "id,full_name,date_of_birth,passport_number\nL1,Harpreet Singh,1998,\nL2,Rahul Kumar,1990,\nL3,Md. Rafi Ansari,1985-06-20,K1234507\n"
RIGHT = ("№;ФИО;Дата рождения;Номер паспорта\n1;СИНГХ ХАРПРИТ;14.03.1998;\n2;Кумар Ракеш;01.05.1990;\n"
         "3;Ансари Мохаммед Рафи;20.06.1985;K12345O7\n4;Шарма Аджай;11.08.1990;\n")


def background_rows(n=300):
    """Other people on the host list, so that name frequencies look like a real roster."""
    from tests.matching.test_engine import background
    return "".join(f"{100 + i};{r.full_name};{'.'.join(reversed(r.date_of_birth.split('-')))};\n"
                   for i, r in enumerate(background(n)))


@pytest.fixture
def files(tmp_path):
    left, right = tmp_path / "left.csv", tmp_path / "right.csv"
    left.write_text(LEFT, encoding="utf-8")
    right.write_bytes((RIGHT + background_rows()).encode("cp1251"))   # Windows-1251, semicolons: as the host ministry sends it
    return left, right, tmp_path / "links.csv"


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_link_writes_best_first_with_explanations(files, capsys):
    left, right, out = files
    call_command("link", str(left), str(right), "-o", str(out))
    rows = read_csv(out)
    assert list(rows[0])[:3] == ["left_id", "right_id", "match_probability"]
    assert {(r["left_id"], r["right_id"]) for r in rows} == {("L1", "1"), ("L3", "3")}
    probs = [float(r["match_probability"]) for r in rows]
    assert probs == sorted(probs, reverse=True)
    assert "(+" in rows[0]["name"]
    summary = capsys.readouterr().out
    assert "3 left rows, 304 right rows" in summary and "2 links" in summary


def test_link_with_parallel_workers_writes_the_same_links(files, tmp_path, monkeypatch):
    import matching.linkage
    from homeward.identification.management.commands import link as command
    left, right, out = files
    call_command("link", str(left), str(right), "-o", str(out))
    asked = []

    def recording_link(*args, **kwargs):
        asked.append(kwargs["workers"])
        return matching.linkage.link(*args, **kwargs)

    monkeypatch.setattr(command, "link", recording_link)
    monkeypatch.setattr(matching.linkage, "PARALLEL_FROM", 1)   # three rows: fork anyway
    monkeypatch.setattr(matching.linkage, "CHUNK", 1)
    parallel = tmp_path / "parallel.csv"
    call_command("link", str(left), str(right), "-o", str(parallel), "--workers", "2")
    assert asked == [2]
    assert read_csv(parallel) == read_csv(out)


def test_link_threshold_and_mapping(tmp_path, files):
    _, right, out = files
    left = tmp_path / "odd.csv"
    left.write_text("Case,Name of person,Born\nC1,Harpreet Singh,1998\n", encoding="utf-8")
    call_command("link", str(left), str(right), "-o", str(out), "--threshold", "0.01",
                 "--map-left", "Case=id", "--map-left", "Name of person=full_name", "--map-left", "Born=date_of_birth")
    assert read_csv(out)[0]["left_id"] == "C1"


def test_link_joint_gives_a_taken_record_to_its_stronger_claim(tmp_path):
    left, right, out = tmp_path / "left.csv", tmp_path / "right.csv", tmp_path / "links.csv"
    left.write_text("id,full_name,date_of_birth\nA1,Annu Rohit,\nA2,Annu Rohit,1981-04-07\n", encoding="utf-8")
    right.write_bytes(("№;ФИО;Дата рождения\n1;Рохит Анну;17.01.1981\n2;Рохит Анну;07.04.1981\n"
                       + background_rows()).encode("cp1251"))
    call_command("link", str(left), str(right), "-o", str(out))
    rows = read_csv(out)
    assert {(r["left_id"], r["right_id"]) for r in rows} == {("A2", "2")} and "claims" not in rows[0]
    call_command("link", str(left), str(right), "-o", str(out), "--joint")
    rows = {r["left_id"]: r for r in read_csv(out)}
    assert {(r["left_id"], r["right_id"]) for r in rows.values()} == {("A2", "2"), ("A1", "1")}
    # A1's name alone could not choose: the explanation says what it had before the other claim
    on_its_own = float(rows["A1"]["claims"].split()[0])
    assert on_its_own < 0.5 < float(rows["A1"]["match_probability"])


def test_dedupe(tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("id,full_name,date_of_birth\n1,Harpreet Singh,1998-03-14\n2,СИНГХ ХАРПРИТ,1998-03-14\n"
                 "3,Rahul Kumar,1990-01-01\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(f), "-o", str(out))
    rows = {r["id"]: r["cluster_id"] for r in read_csv(out)}
    assert rows["1"] == rows["2"] != rows["3"]


@pytest.mark.parametrize("content, message", [
    ("id,date_of_birth,passport_number\n1,1998,K1\n", "no column"),               # no name column
    ("id,full_name,date_of_birth\n1,,1998\n2,,1990\n", "no rows with a name"),    # empty names
    ("", "empty"),
    ("\x00\x01\x02garbage", ""),
])
def test_bad_left_file(tmp_path, files, content, message):
    _, right, out = files
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("link", str(bad), str(right), "-o", str(out))
    assert message in str(exc.value)


@pytest.mark.parametrize("args, message", [
    (["missing.csv"], "no such file"),
    (["--threshold", "1.5"], "between 0 and 1"),
    (["--threshold", "abc"], "number"),
    (["--map-left", "nonsense"], "--map"),
    (["--workers", "0"], "at least 1"),
    (["--workers", "two"], "whole number"),
])
def test_bad_arguments(files, args, message):
    left, right, out = files
    paths = [args[0], str(right)] if args[0].endswith(".csv") else [str(left), str(right), *args]
    with pytest.raises(CommandError) as exc:
        call_command("link", *paths, "-o", str(out))
    assert message in str(exc.value)


def test_unwritable_output(files):
    left, right, _ = files
    with pytest.raises(CommandError, match="cannot write"):
        call_command("link", str(left), str(right), "-o", "/nonexistent-dir/links.csv")


def test_cli_exit_code_and_no_traceback(files, tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    _, right, out = files
    proc = subprocess.run([sys.executable, str(root / "manage.py"), "link", str(tmp_path / "nope.csv"), str(right),
                           "-o", str(out)], capture_output=True, text=True, cwd=root)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "no such file" in proc.stderr


def test_link_reads_xlsx_with_russian_headers_and_date_cells(tmp_path, files):
    import datetime as dt

    from openpyxl import Workbook
    left, _, out = files
    wb = Workbook()
    ws = wb.active
    ws.append(["№", "ФИО", "Дата рождения", "Номер паспорта"])
    ws.append([1, "СИНГХ ХАРПРИТ", dt.datetime(1998, 3, 14), None])
    from tests.matching.test_engine import background
    for i, r in enumerate(background(300)):
        ws.append([100 + i, r.full_name, dt.datetime.fromisoformat(r.date_of_birth), None])
    right = tmp_path / "host.xlsx"
    wb.save(right)
    call_command("link", str(left), str(right), "-o", str(out))
    assert ("L1", "1") in {(r["left_id"], r["right_id"]) for r in read_csv(out)}
