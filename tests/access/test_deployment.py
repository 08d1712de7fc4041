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


def test_keys_that_would_fail_at_the_first_encryption_fail_the_check(tmp_path):
    result = run_check(tmp_path, HOMEWARD_PRODUCTION="1", HOMEWARD_SECRET_KEY=secrets.token_urlsafe(50),
                       HOMEWARD_FIELD_KEYS="x", HOMEWARD_BLIND_INDEX_KEY="y", HOMEWARD_ALLOWED_HOSTS="h.example.org")
    assert result.returncode != 0
    assert "homeward.E004" in result.stderr and "homeward.E005" in result.stderr


def test_a_demo_account_with_the_public_password_fails_the_check(db):
    from homeward.accounts.models import User
    from homeward.checks import _demo_accounts
    from homeward.demo.scenario import DEMO_PASSWORD

    User.objects.create_user("admin", password=DEMO_PASSWORD, role=User.Role.ADMINISTRATOR)
    User.objects.create_user("officer", password="something else entirely", role=User.Role.HQ_OFFICER)
    assert [e.id for e in _demo_accounts()] == ["homeward.E006"]
    assert "'admin'" in _demo_accounts()[0].msg


def test_serve_never_loads_the_demo_in_production(db, settings):
    import pytest
    from django.core.management import CommandError, call_command

    from homeward.accounts.models import User

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--no-demo"):
        call_command("serve", "127.0.0.1:0")
    assert not User.objects.exists()


def test_the_demo_adds_no_accounts_to_a_registry_that_holds_cases(make_case):
    from homeward.accounts.models import User
    from homeward.demo.scenario import seed_demo

    make_case()
    before = set(User.objects.values_list("username", flat=True))
    assert seed_demo() is False
    assert set(User.objects.values_list("username", flat=True)) == before
