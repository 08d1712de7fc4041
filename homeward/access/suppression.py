"""Small-cell suppression: an analyst never sees a count small enough to point at a family.

Every table of figures an analyst sees (pages, exports, the PDF brief, the API, the charts) goes
through this module, and the same numbers always come out hidden the same way, whichever page
shows them. The rule:

1. Primary: a count under SMALL_CELL, zero included, is shown as "<5".
2. Secondary (complementary): a hidden count must not be recoverable by subtraction. The counts
   are tied together in *lines*: a row (a group's buckets and its "known" total) and a column (one
   bucket over the groups of a breakdown, against the same bucket of the figures' total row; the
   districts of a home state, against that state's row). A line gives a hidden count away when
   - exactly one of its cells is hidden (the total, or one part: the others add up to it), or
   - its total is shown and its hidden parts together are themselves a small count: their sum
     (total minus the shown parts), less the SMALL_CELL each "x" cell is known to hold at least,
     is under SMALL_CELL (two "<5" that sum to 0 are both exactly 0), or
   - its hidden parts are all "<5" and their sum is the most they can hold (two "<5" that sum to 8
     are both exactly 4).
   In such a line the smallest shown cell is hidden too, shown as "x" (never as "<5": it is not
   small), ties going to the first in the line's order (parts before the total, rows largest
   first); this repeats over all lines until none gives anything away.
3. The figures' total row is decided by its own row alone, so that it comes out the same in the
   figures table, the monthly series, the API and every breakdown it heads; a breakdown then
   hides only its own cells (a column whose total is hidden hides a second part, and so on).
   The same holds for a home state's row heading its districts.

Exact disclosure by subtraction within a table and between a breakdown and its totals is what
this prevents; it does not solve every combination of tables as a linear system would.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from homeward.accounts.models import User

SMALL_CELL = 5
SUPPRESSED = "<5"  # a count under SMALL_CELL
HIDDEN = "x"       # a larger count hidden so that a small one beside it cannot be worked out
TOTAL = "known"    # the column that a row's other columns add up to

Row = Mapping[str, int]
Shown = dict[str, int | str]


def suppresses(user) -> bool:
    return getattr(user, "role", None) == User.Role.ANALYST


def is_hidden(value) -> bool:
    return isinstance(value, str)


def cell(value: int, user) -> int | str:
    """One count that stands alone in no table (primary suppression only)."""
    return SUPPRESSED if suppresses(user) and value < SMALL_CELL else value


def _protect(values: dict[tuple, int], lines: list[tuple[tuple | None, list[tuple]]],
             fixed: Mapping[tuple, int | str] = {}) -> dict[tuple, int | str]:
    """The cells of `values` as shown: the rule of the module docstring over `lines`.

    A line is (its total cell, its part cells); a total may be a cell of `fixed` (decided by
    another table, never changed here: whether it is hidden is all that counts).
    """
    marks: dict[tuple, str] = {key: SUPPRESSED for key, value in values.items() if value < SMALL_CELL}

    def hidden(key) -> bool:
        return key in marks if key in values else is_hidden(fixed[key])

    def gives_away(total, parts) -> bool:
        hidden_parts = [key for key in parts if hidden(key)]
        total_hidden = total is not None and hidden(total)
        count = len(hidden_parts) + total_hidden
        if count == 0:
            return False
        if count == 1:
            return total is not None
        if total is None or total_hidden:
            return False
        secondary = sum(marks[key] == HIDDEN for key in hidden_parts)
        beyond = sum(values[key] for key in hidden_parts) - SMALL_CELL * secondary
        # what is left for the hidden parts is small, or (all of them "<5") as large as they can be:
        # 8 left for two "<5" makes both exactly 4
        at_most = (SMALL_CELL - 1) * len(hidden_parts) if secondary == 0 else None
        return beyond < SMALL_CELL or beyond == at_most

    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            while gives_away(total, parts):
                candidates = [key for key in (*parts, total) if key in values and key not in marks]
                if not candidates:
                    break
                smallest = min(candidates, key=lambda key: values[key])  # min keeps the first of equals
                marks[smallest] = HIDDEN
                changed = True
    return {key: marks.get(key, value) for key, value in values.items()}


def _row_lines(rows: Mapping[str, Row]) -> list[tuple[tuple | None, list[tuple]]]:
    return [((group, TOTAL), [(group, column) for column in row if column != TOTAL])
            for group, row in rows.items() if TOTAL in row and len(row) > 1]


def _shown(rows: Mapping[str, Row], lines, fixed=None) -> dict[str, Shown]:
    values = {(group, column): value for group, row in rows.items() for column, value in row.items()}
    protected = _protect(values, lines, fixed or {})
    return {group: {column: protected[(group, column)] for column in row} for group, row in rows.items()}


def counts(row: Row, user) -> Shown:
    """One row of counts as `user` may see it: a figures row ("known" and its buckets) by the row
    rule; counts without a "known" total (e.g. reasons) cell by cell."""
    if not suppresses(user):
        return dict(row)
    return _shown({"": row}, _row_lines({"": row}))[""]


def table(rows: Mapping[str, Row], user, *, total: Row | None = None,
          within: tuple[Mapping[str, Row], Callable[[str], str | None]] | None = None) -> dict[str, Shown]:
    """A table of counts as `user` may see it.

    `total`: the figures' total row the groups add up to (a breakdown); without it each row stands
    on its own (the monthly series, whose rows are each the figures of a day). `within`: a parent
    breakdown and the parent group of each of these groups (the home state of a district), whose
    rows the groups add up to as well.
    """
    if not suppresses(user):
        return {group: dict(row) for group, row in rows.items()}
    lines = _row_lines(rows)
    fixed: dict[tuple, int | str] = {}
    columns = list(dict.fromkeys(column for row in rows.values() for column in row))
    if total is not None:
        shown_total = counts(total, user)
        fixed.update({("__total__", column): value for column, value in shown_total.items()})
        lines += [(("__total__", column) if column in shown_total else None,
                   [(group, column) for group, row in rows.items() if column in row]) for column in columns]
    if within is not None:
        parents, parent_of = within
        shown_parents = table(parents, user, total=total)
        members: dict[str, list[str]] = {}
        for group in rows:
            parent = parent_of(group)
            if parent in shown_parents:
                members.setdefault(parent, []).append(group)
        for parent, groups in members.items():
            fixed.update({(("__parent__", parent), column): value for column, value in shown_parents[parent].items()})
            lines += [((("__parent__", parent), column) if column in shown_parents[parent] else None,
                       [(group, column) for group in groups if column in rows[group]]) for column in columns]
    return _shown(rows, [line for line in lines if line[1]], fixed)


def district_parent(states: Iterable[str]) -> Callable[[str], str | None]:
    """The home state of a district breakdown's group ("state / district"): the longest state key
    that prefixes it."""
    by_length = sorted(states, key=len, reverse=True)

    def parent(group: str) -> str | None:
        return next((state for state in by_length if group.startswith(state + " / ")), None)

    return parent


def figures(result, user, by: Iterable[str] = ()) -> tuple[Shown, dict[str, dict[str, Shown]]]:
    """The counts of a `registry.figures.Figures` and its breakdowns `by`, as `user` may see them.

    Each breakdown is computed and suppressed once however often it is named; the districts are
    held to their home states' rows as well.
    """
    shown = {}
    for name in dict.fromkeys(by):
        rows = result.breakdown(name)
        within = None
        if name == "district" and suppresses(user):
            states = result.breakdown("state")
            within = (states, district_parent(states))
        shown[name] = table(rows, user, total=result.counts, within=within)
    return counts(result.counts, user), shown


def drawable(rows: Mapping[str, Shown]) -> dict[str, dict[str, int]]:
    """What a chart may draw of a table as shown: hidden cells as nothing, groups whose total is
    hidden left out."""
    return {group: {column: 0 if is_hidden(value) else value for column, value in row.items()}
            for group, row in rows.items() if not is_hidden(row.get(TOTAL, 0))}
