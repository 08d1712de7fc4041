from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from homeward.audit.models import AuditEntry
from homeward.intake import services, uploads
from homeward.intake.models import Attempt, Upload
from homeward.registry.models import Case, ImportBatch


def stored(officer, content: bytes, name="register.csv", *, days_ago=0):
    upload = uploads.store([content], name, by=officer, origin="IN", host="RU")
    Upload.objects.filter(pk=upload.pk).update(uploaded_at=timezone.now() - timedelta(days=days_ago))
    return Upload.objects.get(pk=upload.pk)


def files_of(upload):
    return [uploads.upload_dir() / upload.stored_as, uploads._outcomes_path(upload)]


def purge(days=30):
    out = StringIO()
    call_command("purge_intake", f"--days={days}", stdout=out)
    return out.getvalue()


def test_old_uploads_go_with_their_files_young_ones_and_the_registry_stay(officer, django_capture_on_commit_callbacks):
    committed = stored(officer, b"full_name,date_of_birth\nRavi Kumar,1990\n", days_ago=40)
    uploads.commit(committed, by=officer)
    abandoned = stored(officer, b"full_name,date_of_birth\nMohan Lal,1985\n", "old.csv", days_ago=31)
    waiting = stored(officer, b"full_name,date_of_birth\nAmit Yadav,1991\n", "new.csv", days_ago=2)
    assert all(path.exists() for upload in (committed, abandoned, waiting) for path in files_of(upload))
    with django_capture_on_commit_callbacks(execute=True):
        output = purge()
    assert "2 upload(s) older than 30 days removed" in output
    assert list(Upload.objects.all()) == [waiting]
    assert not any(path.exists() for upload in (committed, abandoned) for path in files_of(upload))
    assert all(path.exists() for path in files_of(waiting))
    assert Case.objects.count() == 1 and ImportBatch.objects.count() == 1  # what was committed stays
    entries = AuditEntry.objects.filter(target_type="intake.upload", detail__contains="purge_intake")
    assert {(e.target_id, e.changes["after"]["committed"]) for e in entries} == {(str(committed.pk), True),
                                                                               (str(abandoned.pk), False)}


def test_a_file_uploaded_again_lately_keeps_its_stored_copy(officer, django_capture_on_commit_callbacks):
    content = b"full_name,date_of_birth\nRavi Kumar,1990\n"
    old = stored(officer, content, days_ago=60)
    recent = stored(officer, content, days_ago=1)
    assert old.stored_as == recent.stored_as
    with django_capture_on_commit_callbacks(execute=True):
        purge()
    assert not uploads._outcomes_path(old).exists()
    assert (uploads.upload_dir() / recent.stored_as).exists() and uploads.outcomes(recent)


def test_throttle_records_older_than_their_window_go(db):
    now = timezone.now()
    Attempt.objects.bulk_create([
        Attempt(kind=Attempt.Kind.WRONG_PASSCODE, key="ref:IN-2024-00001", at=now - timedelta(minutes=20)),
        Attempt(kind=Attempt.Kind.WRONG_PASSCODE, key="ref:IN-2024-00001", at=now - timedelta(minutes=5)),
        Attempt(kind=Attempt.Kind.SUBMISSION, key="ip:10.0.0.1", at=now - timedelta(minutes=50)),
        Attempt(kind=Attempt.Kind.SUBMISSION, key="ip:10.0.0.1", at=now - timedelta(hours=2)),
    ])
    assert "2 throttle record(s) removed" in purge()
    assert sorted((a.kind, round((now - a.at).total_seconds() / 60)) for a in Attempt.objects.all()) == [
        ("submission", 50), ("wrong_passcode", 5)]
    assert AuditEntry.objects.filter(target_type="intake.attempt").count() == 1
    # What still counts keeps counting: the throttle sees the recent attempts.
    assert services._count(Attempt.Kind.SUBMISSION, "ip:10.0.0.1", now - services.SUBMISSION_WINDOW) == 1


def test_days_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1"):
        purge(days=0)
