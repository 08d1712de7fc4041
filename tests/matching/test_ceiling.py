"""The quality bench's ceiling: which true pairs no engine can decide, and the F1 that leaves."""
import sys
from pathlib import Path

import pytest

from matching import Record

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from identification_quality import tie_ceiling  # noqa: E402


def rec(id_, name, dob="", passport=""):
    return Record(id=id_, full_name=name, date_of_birth=dob, passport_number=passport)


HOST_KUMARS = [rec("r1", "Рахул Кумар", "1990-05-01"), rec("r2", "КУМАР РАХУЛ", "1991-07-02")]


@pytest.mark.parametrize("left, right, tied", [
    # the case carries no date: the two Rahul Kumars of the host list look the same to it
    ([rec("l1", "Rahul Kumar")], HOST_KUMARS, 1),
    # a year tells them apart, and so does a full date
    ([rec("l1", "Rahul Kumar", "1990")], HOST_KUMARS, 0),
    ([rec("l1", "Rahul Kumar", "1990-05-01")], HOST_KUMARS, 0),
    # the same year on both: only the case's full date would separate them, and it has none
    ([rec("l1", "Rahul Kumar", "1990")], [rec("r1", "Рахул Кумар", "1990-05-01"),
                                          rec("r2", "Рахул Кумар", "1990-09-09")], 1),
    # a passport on the case separates two records with the same name and date
    ([rec("l1", "Rahul Kumar", "1990", "K1234567")],
     [rec("r1", "Рахул Кумар", "1990", "K1234567"), rec("r2", "Рахул Кумар", "1990", "M7654321")], 0),
    # an initial sees only the first letter: "T. Yash" cannot tell Яш Теджу from Тхакар Яш
    ([rec("l1", "T. Yash")], [rec("r1", "Яш Теджу"), rec("r2", "Тхакар Яш")], 1),
    ([rec("l1", "T. Yash")], [rec("r1", "Яш Теджу"), rec("r2", "Санджай Яш")], 0),
    # two cases with the same name and year, one of them on the host list: a left twin
    ([rec("l1", "Rahul Kumar", "1990"), rec("l2", "Kumar Rahul", "1990")], [rec("r1", "Рахул Кумар", "1990-05-01")], 1),
])
def test_tied_pairs(left, right, tied):
    gold = {("l1", "r1")}
    count, abstain, guess = tie_ceiling(left, right, gold)
    assert count == tied
    if tied:   # one true pair, undecidable: abstaining finds nothing, guessing is right half the time
        assert abstain == 0.0 and guess == pytest.approx(0.5)
    else:
        assert abstain == guess == 1.0


def test_ceiling_f1_over_several_pairs():
    left = [rec("l1", "Rahul Kumar"), rec("l2", "Amit Shah", "1980"), rec("l3", "Neha Rao", "1985")]
    right = HOST_KUMARS + [rec("r3", "Амит Шах", "1980-01-01"), rec("r4", "Неха Рао", "1985-02-02")]
    count, abstain, guess = tie_ceiling(left, right, {("l1", "r1"), ("l2", "r3"), ("l3", "r4")})
    assert count == 1
    assert abstain == pytest.approx(2 * 2 / (2 * 2 + 1))           # 2 found, 1 missed
    assert guess == pytest.approx(2 * 2.5 / (2 * 2.5 + 2 * 0.5))   # half a pair right, half wrong
