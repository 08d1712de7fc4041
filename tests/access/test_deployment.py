import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet

HOMEWARD = [sys.executable, "-c", "from homeward.cli import main; main()"]


def run_check(tmp_path, **environment):
    env = {"PATH": os.environ["PATH"], "HOMEWARD_DATA_DIR": str(tmp_path), **environment}
    return subprocess.run(HOMEWARD + ["check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True)


def test_the_documented_production_settings_pass_the_deployment_check(tmp_path):
    result = run_check(
        tmp_path, HOMEWARD_PRODUCTION="1", HOMEWARD_SECRET_KEY=secrets.token_urlsafe(50),
        HOMEWARD_FIELD_KEYS=Fernet.generate_key().decode(), HOMEWARD_BLIND_INDEX_KEY=secrets.token_urlsafe(32),
        HOMEWARD_ALLOWED_HOSTS="homeward.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_development_configuration_fails_it(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode != 0
    assert "homeward.E001" in result.stderr and "homeward.E002" in result.stderr and "homeward.E003" in result.stderr
