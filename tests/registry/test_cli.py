import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


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
