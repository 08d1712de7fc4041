"""A small slice of the shared development sets (skipped when ../shared is not there)."""
import csv
from pathlib import Path

import pytest

from matching import Record, link

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "identification"


def _read(path, n=None, ids=None):
    heads = {"№": "id", "ФИО": "full_name", "Дата рождения": "date_of_birth", "Номер паспорта": "passport_number"}
    out = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            row = {heads.get(k, k): v for k, v in row.items()}
            d = row.get("date_of_birth", "")
            if d.count(".") == 2:
                dd, mm, yy = d.split(".")
                row["date_of_birth"] = f"{yy}-{mm}-{dd}"
            if ids is None or row["id"] in ids:
                out.append(Record.from_mapping(row))
            if n and len(out) >= n:
                break
    return out


@pytest.mark.skipif(not DATA.exists(), reason="shared development data not present")
@pytest.mark.parametrize("name, min_f1", [("full", 0.95), ("devanagari-latin", 0.85)])
def test_slice_quality(name, min_f1):
    d = DATA / name
    with open(d / "truth.csv", encoding="utf-8") as f:
        truth = {(r["left_id"], r["right_id"]) for r in csv.DictReader(f)}
    left = _read(d / "left.csv", n=300)
    right = _read(d / "right.csv")
    gold = {(l, r) for l, r in truth if l in {x.id for x in left}}
    pred = {(l.left_id, l.right_id) for l in link(left, right).links}
    tp = len(pred & gold)
    f1 = 2 * tp / (len(pred) + len(gold))
    assert f1 >= min_f1
