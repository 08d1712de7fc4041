"""One preview never borrows another's state: the cases the uploader may see and the indexes are its own,
so a preview running at the same moment (another officer, another thread) cannot widen or break it."""

import pytest

from homeward.accounts.models import Office, User
from homeward.intake import duplicates, uploads
from matching import Record
from tabular import PartialDate

HEADER = "full_name,date_of_birth,home_state,passport_number,reported_on\n"


def csv_bytes(*rows, header=HEADER):
    return (header + "".join(r + "\n" for r in rows)).encode()


@pytest.fixture
def two_offices(make_case, office):
    """Harpreet Singh is the embassy's case; a consulate's mission officer may not see him."""
    harpreet = make_case("Harpreet Singh", date_of_birth=PartialDate(1998, 3, 14), home_state="Punjab",
                         passport_number="Z1234567")
    consulate = Office.objects.create(code="in-consulate", name="Consulate of India", country="IN")
    mission = User.objects.create_user("mission", role=User.Role.MISSION_OFFICER, country="IN", office=consulate)
    return harpreet, mission


def test_a_preview_stays_in_its_uploaders_scope_while_another_runs(two_offices, officer, monkeypatch):
    harpreet, mission = two_offices
    alone = uploads.store([csv_bytes("Harpreet Singh,14.03.1998,Punjab,Z1234567,")], "a.csv", by=mission,
                          origin="IN", host="RU")
    assert [o["outcome"] for o in uploads.outcomes(alone)] == ["new"]  # not his to attach to

    # While the mission officer's rows are read, an HQ officer (who sees every case) previews his own file.
    planned_rows = uploads._planned_rows
    interrupted = []

    def meanwhile(upload, table):
        for planned in planned_rows(upload, table):
            if upload.uploaded_by_id == mission.pk and not interrupted:
                interrupted.append(uploads.store([csv_bytes("Someone Else,1980,Bihar,,")], "b.csv", by=officer,
                                                 origin="IN", host="RU"))
            yield planned

    monkeypatch.setattr(uploads, "_planned_rows", meanwhile)
    during = uploads.store([csv_bytes("Harpreet Singh,14.03.1998,Punjab,Z1234567,02.05.2024")], "a2.csv",
                           by=mission, origin="IN", host="RU")
    assert interrupted
    rows = uploads.outcomes(during)
    assert [o["outcome"] for o in rows] == ["new"] and "case" not in rows[0]
    assert harpreet.reference not in str(rows)


def test_matching_refuses_to_run_without_the_uploaders_scope(two_offices):
    with pytest.raises(TypeError):
        uploads._match_chunk([uploads._record(uploads.registry.PersonInput(
            names=[uploads.registry.NameInput(full_name="Harpreet Singh")]))], duplicates.REGISTRY.current(), None)


def test_repeats_within_one_list_are_not_disturbed_by_another_list(monkeypatch):
    ours = [Record(id=str(n), full_name=name, date_of_birth="1990-05-01")
            for n, name in enumerate(["Ravi Kumar", "Amit Sharma", "Ravi Kumar", "Sunil Verma", "Amit Sharma"])]
    theirs = [Record(id=str(n), full_name=f"Other Man{n}", date_of_birth="1970") for n in range(3)]
    expected = duplicates.repeats_within(ours, chunk=1)
    assert set(expected) == {"2", "4"}

    score = duplicates.score
    calls = []

    def meanwhile(*args, **kwargs):  # another upload's preview scores its own list in the middle of ours
        calls.append(1)
        if len(calls) == 1:
            duplicates.repeats_within(theirs, chunk=1)
        return score(*args, **kwargs)

    monkeypatch.setattr(duplicates, "score", meanwhile)
    assert duplicates.repeats_within(ours, chunk=1) == expected
