"""Small-cell suppression: an analyst never sees a count small enough to point at a family."""

from homeward.accounts.models import User

SMALL_CELL = 5
SUPPRESSED = "<5"


def suppresses(user) -> bool:
    return getattr(user, "role", None) == User.Role.ANALYST


def cell(value: int, user) -> int | str:
    return SUPPRESSED if suppresses(user) and value < SMALL_CELL else value


def counts(row: dict[str, int], user) -> dict[str, int | str]:
    return {key: cell(value, user) for key, value in row.items()}


def table(rows: dict[str, dict[str, int]], user) -> dict[str, dict[str, int | str]]:
    return {key: counts(row, user) for key, row in rows.items()}
