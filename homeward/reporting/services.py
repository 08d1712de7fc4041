"""Writes of the reporting app: published statements are recorded once, as stated."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from homeward.audit import services as audit

from .models import PublishedStatement

NUMBERS = ("known", "killed", "discharged", "missing", "prisoner", "remaining")


class ReportingError(ValueError):
    pass


@transaction.atomic
def record_statement(*, published_on: date, forum: str, text: str, figures_on: date | None = None,
                     origin_country: str = "", numbers: dict[str, int | None], remaining_includes_missing=False,
                     remaining_includes_prisoner=False, source_url: str = "", recorded_by=None) -> PublishedStatement:
    """Store a statement unchanged; its numbers are checked for sense later, not corrected here."""
    if published_on > timezone.now().date():
        raise ReportingError(f"published_on: {published_on} is in the future")
    if figures_on and figures_on > published_on:
        raise ReportingError(f"figures_on: {figures_on} is after the statement was published ({published_on})")
    if not forum.strip():
        raise ReportingError("forum: say where it was published")
    unknown = set(numbers) - set(NUMBERS)
    if unknown:
        raise ReportingError(f"numbers: unknown figure(s) {', '.join(sorted(unknown))}")
    for name, value in numbers.items():
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ReportingError(f"{name}: {value!r} is not a count")
    if all(numbers.get(n) is None for n in NUMBERS):
        raise ReportingError("numbers: a statement needs at least one figure")
    origin = origin_country.strip().upper()
    if origin and (len(origin) != 2 or not origin.isalpha()):
        raise ReportingError(f"origin_country: {origin_country!r} is not a two-letter country code")
    statement = PublishedStatement.objects.create(
        published_on=published_on, figures_on=figures_on or published_on, forum=forum.strip(), origin_country=origin,
        text=text, source_url=source_url, remaining_includes_missing=remaining_includes_missing,
        remaining_includes_prisoner=remaining_includes_prisoner, recorded_at=timezone.now(), recorded_by=recorded_by,
        **{n: numbers.get(n) for n in NUMBERS},
    )
    audit.record_change(recorded_by, statement, action=audit.Action.CREATE, after={
        "published_on": published_on.isoformat(), "forum": statement.forum, "origin": origin,
        **{n: numbers.get(n) for n in NUMBERS}})
    return statement
