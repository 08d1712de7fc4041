import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook


def run(capsys, *arguments):
    call_command("figures", "--on", "2024-08-09", "--known-at", "2024-08-09", *arguments)
    return capsys.readouterr().out


def test_by_state_as_json_adds_up_to_the_figures(demo, capsys):
    rows = json.loads(run(capsys, "--by", "state", "--format", "json"))
    assert sum(row["known"] for row in rows.values()) == 91
    assert sum(row["killed"] for row in rows.values()) == 8


@pytest.mark.parametrize("by, header", [("origin", "origin"), ("agent", "agent"), ("partner", "partner")])
def test_by_other_groupings_as_csv_and_table(demo, capsys, by, header):
    lines = run(capsys, "--by", by, "--format", "csv").splitlines()
    assert lines[0] == f"{header},known,killed,discharged,missing,prisoner,remaining"
    if by == "origin":
        assert lines[1] == "IN,91,8,14,0,0,69"
    assert run(capsys, "--by", by).splitlines()[0].startswith(header)


def test_xlsx_and_pdf_are_written_to_the_named_file(demo, capsys, tmp_path):
    run(capsys, "--by", "origin", "--format", "xlsx", "-o", str(tmp_path / "f.xlsx"))
    rows = [[c.value for c in row] for row in load_workbook(tmp_path / "f.xlsx").active.iter_rows()]
    assert rows == [["origin", "known", "killed", "discharged", "missing", "prisoner", "remaining"],
                    ["IN", 91, 8, 14, 0, 0, 69]]
    run(capsys, "--format", "pdf", "-o", str(tmp_path / "brief.pdf"))
    pdf = (tmp_path / "brief.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"(Of 91 known, 8 killed, 14 discharged, 0 missing, 0 prisoner, 69 remain.)" in pdf


def test_files_need_an_output_name(demo):
    with pytest.raises(CommandError, match="-o FILE"):
        call_command("figures", "--on", "2024-08-09", "--format", "pdf")
