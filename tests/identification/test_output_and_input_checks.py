"""homeward link / dedupe: the output file (checked first, written whole or not at all), the summary's
time, and what the user is told about repeated ids, bad mappings, stray quotes and dates."""
import csv
import errno
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
LEFT = "id,full_name,date_of_birth\nL1,Rahul Sharma,01.05.1990\nL2,Priya Singh,03.02.1985\n"
RIGHT = "id,full_name,date_of_birth\nR1,Rahul Sharma,1990-05-01\nR2,Priya Singh,1985-02-03\nR3,Amit Kumar,1970\n"


@pytest.fixture
def lists(tmp_path):
    left, right = tmp_path / "left.csv", tmp_path / "right.csv"
    left.write_text(LEFT, encoding="utf-8")
    right.write_text(RIGHT, encoding="utf-8")
    return left, right


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def leftovers(directory):
    return sorted(p.name for p in Path(directory).iterdir() if p.name.endswith(".part"))


# ---------------------------------------------------------------- the output file


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_device_is_a_clear_error(lists):
    left, right = lists
    with pytest.raises(CommandError, match="cannot write /dev/full: No space left on device"):
        call_command("link", str(left), str(right), "-o", "/dev/full")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_device_exits_non_zero_without_traceback(lists):
    left, right = lists
    proc = subprocess.run([sys.executable, str(ROOT / "manage.py"), "link", str(left), str(right), "-o", "/dev/full"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "No space left on device" in proc.stderr


@pytest.mark.parametrize("command", ["link", "dedupe"])
@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_write_leaves_no_truncated_file(lists, tmp_path, monkeypatch, command, existing):
    left, right = lists
    out = tmp_path / "out" / "result.csv"
    out.parent.mkdir()
    if existing:
        out.write_text("the last run's result\n", encoding="utf-8")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    inputs = [str(left), str(right)] if command == "link" else [str(right)]
    with pytest.raises(CommandError, match="cannot write .*result.csv: No space left on device") as info:
        call_command(command, *inputs, "-o", str(out))
    if existing:
        assert "was left as it was" in str(info.value)
        assert out.read_text(encoding="utf-8") == "the last run's result\n"
    else:
        assert "no partial file was left behind" in str(info.value)
        assert not out.exists()
    assert leftovers(out.parent) == []


def test_the_output_replaces_the_old_file_whole_and_keeps_its_permissions(lists, tmp_path):
    left, right = lists
    out = tmp_path / "links.csv"
    out.write_text("old\n" * 1000, encoding="utf-8")
    out.chmod(0o640)
    call_command("link", str(left), str(right), "-o", str(out))
    assert [r["left_id"] for r in read_csv(out)] == ["L1", "L2"]
    assert out.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_a_new_output_gets_the_usual_permissions(lists, tmp_path):
    left, right = lists
    out = tmp_path / "links.csv"
    call_command("link", str(left), str(right), "-o", str(out))
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_output_through_a_symlink_keeps_the_link(lists, tmp_path):
    left, right = lists
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real)
    call_command("dedupe", str(right), "-o", str(link))
    assert link.is_symlink() and [r["id"] for r in read_csv(real)] == ["R1", "R2", "R3"]


@pytest.mark.parametrize("command", ["link", "dedupe"])
@pytest.mark.parametrize("target, message", [
    ("missing-dir/out.csv", "cannot write .*missing-dir/out.csv: the directory .*missing-dir does not exist"),
    (".", "cannot write .*: it is a directory"),
    ("new-dir/", "cannot write .*new-dir/: that names a directory, not a file"),
])
def test_the_output_is_checked_before_the_inputs_are_read(lists, tmp_path, monkeypatch, command, target, message):
    from homeward.identification.management.commands import dedupe, link
    left, right = lists
    read = []
    for module in (link, dedupe):
        monkeypatch.setattr(module, "read_records", lambda *args, **kwargs: read.append(args) or [])
    inputs = [str(left), str(right)] if command == "link" else [str(right)]
    with pytest.raises(CommandError, match=message):
        call_command(command, *inputs, "-o", f"{tmp_path}/{target}")
    assert read == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_directory_is_refused_before_the_inputs_are_read(lists, tmp_path, monkeypatch):
    from homeward.identification.management.commands import link
    left, right = lists
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    monkeypatch.setattr(link, "read_records", lambda *args, **kwargs: pytest.fail("inputs read first"))
    try:
        with pytest.raises(CommandError, match="cannot write .*: Permission denied"):
            call_command("link", str(left), str(right), "-o", str(locked / "out.csv"))
    finally:
        locked.chmod(0o755)


def test_a_directory_that_takes_no_new_file_is_refused_before_the_inputs_are_read(lists, tmp_path, monkeypatch):
    import tempfile

    from homeward.identification.management.commands import link
    left, right = lists

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    monkeypatch.setattr(link, "read_records", lambda *args, **kwargs: pytest.fail("inputs read first"))
    with pytest.raises(CommandError, match="cannot write .*out.csv: Read-only file system"):
        call_command("link", str(left), str(right), "-o", str(tmp_path / "out.csv"))


def test_writing_to_stdout_still_works(lists):
    left, right = lists
    proc = subprocess.run([sys.executable, str(ROOT / "manage.py"), "dedupe", str(right), "-o", "/dev/stdout"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("id,cluster_id\nR1,")


# ---------------------------------------------------------------- the summary


@pytest.mark.parametrize("command, part", [("link", "linking"), ("dedupe", "matching")])
def test_the_summary_counts_the_whole_run(lists, tmp_path, monkeypatch, capsys, command, part):
    from homeward.identification import files
    left, right = lists
    slow_read = files.read_records

    def read_records(*args, **kwargs):   # reading a big file takes a while
        time.sleep(0.3)
        return slow_read(*args, **kwargs)

    from homeward.identification.management.commands import dedupe, link
    monkeypatch.setattr(link, "read_records", read_records)
    monkeypatch.setattr(dedupe, "read_records", read_records)
    inputs = [str(left), str(right)] if command == "link" else [str(right)]
    call_command(command, *inputs, "-o", str(tmp_path / "out.csv"))
    summary = capsys.readouterr().out
    m = re.search(rf"(\d+\.\d) s \((\d+\.\d) s {part}\) -> ", summary)
    assert m, summary
    assert float(m[1]) >= 0.3 and float(m[2]) < 0.3


# ---------------------------------------------------------------- what the user is told about the input


def test_repeated_ids_are_reported(tmp_path, capsys):
    f = tmp_path / "list.csv"
    f.write_text("id,full_name\n1,Rahul Sharma\n1,Priya Singh\n1,Rahul Sharma\n2,Amit Kumar\n2,Amit Verma\n"
                 "3,Ravi Das\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(f), "-o", str(out))
    err = capsys.readouterr().err
    assert ('list.csv: 2 id(s) appear on more than one row: "1" (rows 2, 3, 4), "2" (rows 5, 6); '
            'each repeat is written with its row number added, e.g. "1 (row 3)"') in err
    assert [r["id"] for r in read_csv(out)] == ["1", "1 (row 3)", "1 (row 4)", "2", "2 (row 6)", "3"]


def test_many_repeated_ids_are_shown_a_few_at_a_time(tmp_path):
    from homeward.identification.files import read_records
    f = tmp_path / "list.csv"
    f.write_text("id,full_name\n" + "".join(f"{i},Name {i}\n{i},Other {i}\n" for i in range(8)), encoding="utf-8")
    warnings = []
    read_records(str(f), [], warn=warnings.append)
    assert warnings[0].startswith('list.csv: 8 id(s) appear on more than one row: "0" (rows 2, 3), "1" (rows 4, 5), ')
    assert '"4" (rows 10, 11) ...;' in warnings[0] and '"5"' not in warnings[0]


def test_unique_ids_give_no_warning(lists):
    from homeward.identification.files import read_records
    _, right = lists
    warnings = []
    read_records(str(right), [], warn=warnings.append)
    assert warnings == []


def test_a_mapped_header_that_is_not_there_is_named(lists, tmp_path):
    _, right = lists
    f = tmp_path / "custom.csv"
    f.write_text("Код,Name of person,Born\n1,Rahul Sharma,01.05.1990\n", encoding="utf-8")
    with pytest.raises(CommandError, match='custom.csv: mapped column\\(s\\) "Nope" not found. Headers found '
                                           '\\(row 1\\): "Код", "Name of person", "Born"'):
        call_command("link", str(f), str(right), "-o", str(tmp_path / "out.csv"), "--map-left", "Nope=full_name")


def test_the_same_header_mapped_twice_is_refused(lists, tmp_path):
    _, right = lists
    f = tmp_path / "custom.csv"
    f.write_text("Код,Name of person,Born\n1,Rahul Sharma,01.05.1990\n", encoding="utf-8")
    with pytest.raises(CommandError, match='--map gives the column "Name of person" twice, as full_name and as id'):
        call_command("link", str(f), str(right), "-o", str(tmp_path / "out.csv"),
                     "--map-left", "Name of person=full_name", "--map-left", "Name of person=id")


def test_a_stray_quote_is_an_error_not_three_rows(tmp_path):
    f = tmp_path / "stray.csv"
    rows = [f"L{i},Amit Kumar{i},01.01.{1960 + i}" for i in range(50)]
    rows[2] = 'L2,"Bunty Amit Kumar,01.01.1962'
    f.write_text("id,full_name,date_of_birth\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    with pytest.raises(CommandError, match='stray.csv: row 4: a quote \\(\\"\\) opens here and is never closed'):
        call_command("dedupe", str(f), "-o", str(out))
    assert not out.exists()


def test_windows_1251_that_starts_with_64kb_of_ascii(tmp_path):
    f = tmp_path / "late.csv"
    text = "id;full_name;date_of_birth\r\n" + "".join(f"L{i};Amit Kumar {i};01.01.1990\r\n" for i in range(3000))
    f.write_bytes((text + "R1;Иванов Иван;02.02.1991\r\n").encode("cp1251"))
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(f), "-o", str(out))
    assert len(read_csv(out)) == 3001


def test_dates_of_birth_in_the_future_and_with_zeros(tmp_path):
    from homeward.identification.files import read_records
    f = tmp_path / "list.csv"
    f.write_text("id,full_name,date_of_birth\n1,Rahul Sharma,00.00.1990\n2,Priya Singh,00.05.1985\n"
                 "3,Amit Kumar,2090\n", encoding="utf-8")
    warnings = []
    records = read_records(str(f), [], warn=warnings.append)
    assert [r.date_of_birth for r in records] == ["1990", "1985-05", ""]
    assert len(warnings) == 1 and "row 4: 2090 is in the future" in warnings[0]
