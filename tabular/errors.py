"""Errors raised while reading or writing spreadsheets."""
from __future__ import annotations

from dataclasses import dataclass


class TableError(Exception):
    """The file as a whole cannot be used (unreadable, empty, no header row, ...).

    The message is written for the official who sent the file, not for a developer.
    """


@dataclass(eq=False)
class CellError(Exception):
    """One cell is unusable; the rest of the file may be fine.

    Kept as a dataclass so callers (bulk-upload preview, import reports) can group
    errors by row or column without parsing the message.
    """

    row: int
    column: str
    field: str | None
    reason: str

    def __post_init__(self) -> None:
        # Exception.__init__ is bypassed by the dataclass __init__; set args so that
        # pickling and repr() of the exception still carry the details.
        self.args = (self.row, self.column, self.field, self.reason)

    def __str__(self) -> str:
        return f'row {self.row}, column "{self.column}": {self.reason}'
