"""Small-cell suppression: no hidden count can be worked back by subtraction, and the same numbers
come out hidden the same way in every table."""

from types import SimpleNamespace

import pytest

from homeward.access import suppression
from homeward.access.suppression import HIDDEN, SMALL_CELL, SUPPRESSED

ANALYST = SimpleNamespace(role="analyst")
OFFICER = SimpleNamespace(role="hq_officer")
BUCKETS = ("killed", "discharged", "missing", "prisoner", "remaining")


def row(known, killed, discharged, missing, prisoner, remaining):
    return dict(known=known, killed=killed, discharged=discharged, missing=missing, prisoner=prisoner,
                remaining=remaining)


def line_gives_away(total, parts, raw_parts) -> bool:
    """What a reader can work out of one line: exactly one hidden cell, or hidden parts that come to a
    small count beyond what their marks say, or all "<5" and as large as they can be (the total shown)."""
    hidden = [i for i, value in enumerate(parts) if suppression.is_hidden(value)]
    count = len(hidden) + suppression.is_hidden(total)
    if count == 1:
        return True
    if count and not suppression.is_hidden(total):
        beyond = total - sum(v for v in parts if not suppression.is_hidden(v))
        secondary = sum(parts[i] == HIDDEN for i in hidden)
        beyond -= SMALL_CELL * secondary
        return beyond < SMALL_CELL or (secondary == 0 and beyond == (SMALL_CELL - 1) * len(hidden))
    return False


def assert_protected(shown_total, shown_rows, raw_rows=None):
    for shown in [shown_total, *shown_rows.values()]:
        assert not line_gives_away(shown["known"], [shown[b] for b in BUCKETS], None), shown
        for value in shown.values():
            assert value in (SUPPRESSED, HIDDEN) or value >= SMALL_CELL
    if raw_rows is None:
        return
    for column in ("known", *BUCKETS):
        parts = [shown_rows[g][column] for g in shown_rows]
        hidden_small = [shown_rows[g][column] == SUPPRESSED for g in shown_rows]
        assert all(raw_rows[g][column] < SMALL_CELL for g, small in zip(shown_rows, hidden_small) if small)
        if suppression.is_hidden(shown_total[column]):
            assert sum(suppression.is_hidden(p) for p in parts) != 0, column
        elif line_gives_away(shown_total[column], parts, None):
            # The total row is decided alone (so that it reads the same everywhere): when every part
            # of a column is hidden already there is nothing more this table can hide.
            assert all(suppression.is_hidden(p) for p in parts), column


def test_the_reviewers_example_row_no_longer_gives_the_two_zeros_away():
    # known 94 = 9 killed + 14 discharged + 71 remaining: missing and prisoner were both exactly 0.
    shown = suppression.counts(row(94, 9, 14, 0, 0, 71), ANALYST)
    assert shown["missing"] == shown["prisoner"] == SUPPRESSED
    assert not line_gives_away(shown["known"], [shown[b] for b in BUCKETS], None)
    assert shown["known"] == 94 and shown["remaining"] == 71  # the rest stays as it is
    assert shown["killed"] == HIDDEN  # the next-smallest; never "<5", it is not small


def test_two_small_cells_at_their_largest_are_not_given_away_by_the_rest():
    # 28 - 5 - 5 - 10 leaves 8 for two "<5": both would be exactly 4
    shown = suppression.counts(row(28, 4, 4, 5, 5, 10), ANALYST)
    assert shown["killed"] == shown["discharged"] == SUPPRESSED
    assert HIDDEN in shown.values()
    assert not line_gives_away(shown["known"], [shown[b] for b in BUCKETS], None)


def test_a_single_hidden_cell_takes_the_next_smallest_with_it():
    shown = suppression.counts(row(40, 3, 10, 7, 8, 12), ANALYST)
    assert shown == row(40, SUPPRESSED, 10, HIDDEN, 8, 12) or shown == row(40, SUPPRESSED, 10, HIDDEN, HIDDEN, 12)
    assert not line_gives_away(shown["known"], [shown[b] for b in BUCKETS], None)


def test_a_row_with_a_small_total_is_all_hidden_and_officers_see_everything():
    assert set(suppression.counts(row(3, 1, 0, 0, 0, 2), ANALYST).values()) == {SUPPRESSED}
    assert suppression.counts(row(3, 1, 0, 0, 0, 2), OFFICER) == row(3, 1, 0, 0, 0, 2)
    assert suppression.table({"a": row(3, 1, 0, 0, 0, 2)}, OFFICER, total=row(3, 1, 0, 0, 0, 2)) == {
        "a": row(3, 1, 0, 0, 0, 2)}


def test_counts_without_a_total_are_hidden_cell_by_cell():
    assert suppression.counts({"learned later": 3, "corrected since": 12}, ANALYST) == {
        "learned later": SUPPRESSED, "corrected since": 12}


def test_the_state_left_over_cannot_be_worked_out_from_the_others():
    # Every state but one shown: the hidden one would be the total minus the rest.
    states = {"Punjab": row(60, 6, 10, 5, 5, 34), "Haryana": row(30, 6, 6, 6, 6, 6), "Kerala": row(4, 1, 1, 1, 0, 1)}
    total = row(94, 13, 17, 12, 11, 41)
    shown_total = suppression.counts(total, ANALYST)
    shown = suppression.table(states, ANALYST, total=total)
    assert shown["Kerala"]["known"] == SUPPRESSED
    assert suppression.is_hidden(shown["Haryana"]["known"])  # the next-smallest in the "known" column
    assert_protected(shown_total, shown, states)


def test_a_hidden_total_cell_hides_a_second_part_of_its_column():
    total = row(94, 9, 14, 0, 0, 71)  # killed is hidden in the total row
    states = {"Punjab": row(60, 5, 10, 0, 0, 45), "Haryana": row(34, 4, 4, 0, 0, 26)}
    shown = suppression.table(states, ANALYST, total=total)
    assert suppression.counts(total, ANALYST)["killed"] == HIDDEN
    assert suppression.is_hidden(shown["Punjab"]["killed"])  # else 9 - 5 = 4 from the row and the column
    assert_protected(suppression.counts(total, ANALYST), shown, states)


def test_districts_are_held_to_their_states_rows():
    states = {"Punjab": row(20, 5, 5, 0, 0, 10), "Haryana": row(20, 5, 5, 0, 0, 10)}
    districts = {"Punjab / Amritsar": row(16, 5, 5, 0, 0, 6), "Punjab / Ludhiana": row(4, 0, 0, 0, 0, 4),
                 "Haryana / Karnal": row(20, 5, 5, 0, 0, 10)}
    total = row(40, 10, 10, 0, 0, 20)
    result = SimpleNamespace(counts=total, breakdown={"state": states, "district": districts}.get)
    _counts, shown = suppression.figures(result, ANALYST, by=("district",))
    punjab = [shown["district"][d] for d in districts if d.startswith("Punjab")]
    shown_states = suppression.table(states, ANALYST, total=total)
    for column in ("known", "remaining"):
        parts = [d[column] for d in punjab]
        assert not line_gives_away(shown_states["Punjab"][column], parts, None), column


def test_the_same_total_row_comes_out_the_same_everywhere():
    total = row(94, 9, 14, 0, 0, 71)
    series = {"2024-07-31": row(80, 8, 10, 0, 0, 62), "2024-08-09": total}
    assert suppression.table(series, ANALYST)["2024-08-09"] == suppression.counts(total, ANALYST)
    result = SimpleNamespace(counts=total, breakdown={"state": {"Punjab": row(94, 9, 14, 0, 0, 71)},
                                                      "origin": {"IN": row(94, 9, 14, 0, 0, 71)}}.get)
    shown_total, tables = suppression.figures(result, ANALYST, by=("state", "origin", "state"))
    assert shown_total == suppression.counts(total, ANALYST) and list(tables) == ["state", "origin"]


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_never_give_a_cell_away_and_are_deterministic(seed):
    import random

    rng = random.Random(seed)
    rows = {}
    for index in range(rng.randint(1, 12)):
        buckets = [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for _ in BUCKETS]
        rows[f"g{index}"] = row(sum(buckets), *buckets)
    total = {column: sum(r[column] for r in rows.values()) for column in ("known", *BUCKETS)}
    shown = suppression.table(rows, ANALYST, total=total)
    assert shown == suppression.table(rows, ANALYST, total=total)
    assert_protected(suppression.counts(total, ANALYST), shown, rows)
    for group, values in suppression.drawable(shown).items():
        assert all(v == (rows[group][c] if not suppression.is_hidden(shown[group][c]) else 0) for c, v in values.items())
