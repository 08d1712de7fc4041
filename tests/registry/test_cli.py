import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.demo.scenario import seed_demo


@pytest.fixture
def demo(db):
    seed_demo()


def test_figures_json_has_exactly_the_bucket_keys(demo, capsys):
    call_command("figures", "--on", "2024-08-09", "--known-at", "2024-08-09T23:59", "--format", "json")
    assert json.loads(capsys.readouterr().out) == {
        "known": 91, "killed": 8, "discharged": 14, "missing": 0, "prisoner": 0, "remaining": 69}


def test_figures_csv_and_origin_filter(demo, capsys):
    call_command("figures", "--on", "2025-01-17", "--known-at", "2025-01-17", "--origin", "IN", "--format", "csv")
    assert capsys.readouterr().out.splitlines() == [
        "known,killed,discharged,missing,prisoner,remaining", "126,12,96,16,0,2"]


def test_figures_table_shows_both_views_and_the_cases_that_differ(demo, capsys):
    call_command("figures", "--on", "2024-08-09", "--known-at", "2024-08-09")
    out = capsys.readouterr().out
    assert "known at 2024-08-09 23:59" in out and "as corrected since" in out
    assert "(learned later)" in out and "(corrected since)" in out


@pytest.mark.parametrize("arguments, message", [
    (["--on", "2024"], "whole date"),
    (["--on", "31.02.2024"], "29 days"),
    (["--on", "2024-08-09", "--known-at", "yesterday"], "--known-at"),
])
def test_figures_bad_dates(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("figures", *arguments)


def test_console_script_runs_djangos_commands_too(tmp_path):
    env = {"HOMEWARD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    homeward = [sys.executable, "-c", "from homeward.cli import main; main()"]
    result = subprocess.run(homeward + ["migrate", "-v", "0"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = subprocess.run(homeward + ["figures", "--on", "2024-08-09", "--format", "json"], env=env,
                            capture_output=True, text=True, cwd=tmp_path)
    assert json.loads(result.stdout)["known"] == 0
    assert (tmp_path / "homeward.sqlite3").exists()
