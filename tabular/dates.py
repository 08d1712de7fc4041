"""Dates as officials write them: often partial, day first, sometimes Excel serials."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

MIN_YEAR, MAX_YEAR = 1900, 2100

# Excel's day 0. Serials below 61 are off by one because Excel believes 1900 was a
# leap year, but we only accept serials of five digits or more (see _serial_date).
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_MAX_SERIAL = (dt.date(MAX_YEAR, 12, 31) - _EXCEL_EPOCH.date()).days

_PRECISIONS = ("year", "month", "day")
# Not calendar.month_name: that follows the process locale, and reasons must read the same everywhere.
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_EXPECTED = "expected a date such as 09.08.2024, 2024-08-09, 08.2024 or 2024"

# Russian documents often add 'г.' / 'года' after the year.
_YEAR_WORD = re.compile(r"\s*(г\.?|года?)\s*$", re.IGNORECASE)
# A time part after a full date (from exports of datetime columns) does not change the date.
_TIME_TAIL = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?"
_FORMS = [
    (re.compile(r"(?P<y>\d{4})([-./])(?P<m>\d{1,2})\2(?P<d>\d{1,2})" + _TIME_TAIL), "day"),
    (re.compile(r"(?P<d>\d{1,2})([./-])(?P<m>\d{1,2})\2(?P<y>\d{4})" + _TIME_TAIL), "day"),
    (re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})"), "month"),
    (re.compile(r"(?P<m>\d{1,2})[./-](?P<y>\d{4})"), "month"),
    (re.compile(r"(?P<y>\d{4})"), "year"),
]
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2}")
_TWO_DIGIT_YEAR_PARTS = re.compile(r"(?P<d>\d{1,2})([./-])(?P<m>\d{1,2})\2(?P<y>\d{2})")
_SERIAL = re.compile(r"\d{5,}(?:\.\d+)?")


@dataclass
class DateProblem:
    """Why a year, month and day are not a real date. str() is the English; the code and params are
    for an application that words it in its users' language:

    "year_outside" (year, first, last), "no_month" (month), "no_day" (day), "day_without_month" (),
    "short_month" (year, month, days: the month has only that many).
    """

    code: str
    params: dict
    message: str

    def __str__(self) -> str:
        return self.message


class DateError(ValueError):
    """A date that cannot be read. str() is the reason in English; the code and params are for an
    application that words it in its users' language:

    "not_real" (text, problem: a DateProblem), "not_a_date" (text), "two_digit_year" (text),
    "serial_too_late" (text, year: the last year a date may have), "future" (text),
    "future_birth" (text: a two-digit year that would be a birth after today in either century).
    """

    def __init__(self, code: str, message: str, params: dict) -> None:
        super().__init__(message)
        self.code, self.params = code, params

    def __reduce__(self):
        # An exception pickles as its args, the message alone here; the code and params must travel too.
        return type(self), (self.code, str(self), self.params)


def _problem(year: int, month: int | None, day: int | None) -> DateProblem | None:
    """Why these parts are not a real (partial) date, or None if they are."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return DateProblem("year_outside", {"year": year, "first": MIN_YEAR, "last": MAX_YEAR},
                           f"the year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    if month is None:
        return DateProblem("day_without_month", {}, "a day without a month") if day is not None else None
    if not 1 <= month <= 12:
        return DateProblem("no_month", {"month": month}, f"there is no month {month}")
    if day is None:
        return None
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        return DateProblem("no_day", {"day": day}, f"there is no day {day}")
    if day > days:
        return DateProblem("short_month", {"year": year, "month": month, "days": days},
                           f"{_MONTHS[month]} {year} has {days} days")
    return None


def _not_real(text: str, problem: DateProblem) -> DateError:
    return DateError("not_real", f"{text} is not a real date: {problem}", {"text": text, "problem": problem})


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day ('born 1998', 'left home in August 2024')."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        parts = (self.year, self.month, self.day)
        if not all(p is None or (isinstance(p, int) and not isinstance(p, bool)) for p in parts):
            raise TypeError(f"PartialDate parts must be integers, got {parts!r}")
        problem = _problem(*parts)
        if problem:
            raise _not_real(self._render(), problem)

    def _render(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)

    @property
    def iso(self) -> str:
        return self._render()

    @property
    def precision(self) -> str:
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Strict inverse of .iso, for values we stored ourselves."""
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
        if not m:
            raise ValueError(f'"{text}" is not YYYY, YYYY-MM or YYYY-MM-DD')
        return cls(*(int(p) if p else None for p in m.groups()))

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    def _key(self) -> tuple[dt.date, int]:
        return self.first_day, _PRECISIONS.index(self.precision)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.iso


def _serial_datetime(text: str) -> dt.datetime | None:
    """An Excel serial number ('45513', '45513.75') as a datetime, or None if it is not one.

    Only five digits and up: a four-digit number in a date column is a year (or a
    typo for one), and three digits are never a date. Five digits start at 1927,
    which suits everyone this system deals with.
    """
    if not _SERIAL.fullmatch(text):
        return None
    serial = float(text)
    if serial > _MAX_SERIAL:
        raise DateError("serial_too_late",
                        f"{text} is not a date: as an Excel date number it would be after {MAX_YEAR}",
                        {"text": text, "year": MAX_YEAR})
    # Round to the second so that 45513.999999 (Excel's float noise) does not lose a day.
    return _EXCEL_EPOCH + dt.timedelta(seconds=round(serial * 86400))


def _unknown_as_zero(month: int | None, day: int | None) -> tuple[int | None, int | None]:
    """Russian lists write an unknown day or month as zeros: 00.05.1990 is May 1990 and
    00.00.1990 is 1990. A zero month under a real day (05.00.1990) stays, to be refused."""
    if day == 0:
        day = None
    if month == 0 and day is None:
        month = None
    return month, day


def parse_partial_date(value: object) -> PartialDate | None:
    """Read a date cell. None for an empty cell; ValueError with a reason for anything unusable.

    Slashes and dots are day first (dd.mm.yyyy, dd/mm/yyyy): that is how both
    India and Russia write dates, so 08/09/2024 is 8 September. A day or month of
    zeros means it is not known: 00.08.2024 is August 2024. A two-digit year
    is refused: for an event it could be either century. Dates of birth go
    through parse_date_of_birth, which can settle it.
    """
    return _parse_date(value, None)


def parse_date_of_birth(value: object, *, today: dt.date | None = None) -> PartialDate | None:
    """Read a date-of-birth cell: as parse_partial_date, and a full date with a two-digit year too.

    A birth date cannot be in the future: one after today is refused, and 01.03.98 is
    the latest 01.03.?98 that is not after today: 1998-03-01, and 01.03.05 is 2005-03-01.
    The pivot moves with the calendar (`today`, for tests). Only day.month.yy is read:
    "03.98" is still refused. A partial date is after today only if all of it is (born
    "2025" is fine all through 2025).
    """
    today = today or dt.date.today()
    date = _parse_date(value, today)
    if date is not None and date.first_day > today:
        # Worded as the importers word a future date, so that a list reads the same either way.
        text = value.strip() if isinstance(value, str) else date.iso
        raise DateError("future", f"{text} is in the future", {"text": text})
    return date


def _parse_date(value: object, birth_today: dt.date | None) -> PartialDate | None:
    """parse_partial_date; with birth_today set, two-digit years are read as a date of birth."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return PartialDate.from_date(value.date())
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    if isinstance(value, bool):
        raise DateError("not_a_date", f"{value} is not a date ({_EXPECTED})", {"text": str(value)})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        return None
    text = _YEAR_WORD.sub("", text)

    serial = _serial_datetime(text)
    if serial is not None:
        return PartialDate.from_date(serial.date())
    for pattern, precision in _FORMS:
        m = pattern.fullmatch(text)
        if m:
            year = int(m["y"])
            month = int(m["m"]) if precision != "year" else None
            day = int(m["d"]) if precision == "day" else None
            month, day = _unknown_as_zero(month, day)
            problem = _problem(year, month, day)
            if problem:
                raise _not_real(text, problem)
            return PartialDate(year, month, day)
    if birth_today is not None and (m := _TWO_DIGIT_YEAR_PARTS.fullmatch(text)):
        return _birth_date_of_short_year(text, int(m["d"]), int(m["m"]), int(m["y"]), birth_today)
    if _TWO_DIGIT_YEAR.fullmatch(text):
        raise DateError("two_digit_year", f"{text} has a two-digit year; write the year in full, e.g. 09.08.2024",
                        {"text": text})
    raise DateError("not_a_date", f'"{text}" is not a date ({_EXPECTED})', {"text": text})


def _birth_date_of_short_year(text: str, day: int, month: int, yy: int, today: dt.date) -> PartialDate:
    month, day = _unknown_as_zero(month, day)
    # The later century first (the latest possible birth), unless its year has not come yet.
    years = [y for y in (2000 + yy, 1900 + yy) if y <= today.year]
    for year in years:
        if _problem(year, month, day) is None and PartialDate(year, month, day).first_day <= today:
            return PartialDate(year, month, day)
    # Only an impossible day or month gets here (1900 + yy is always in the past); say
    # why in the terms of the century the year was read in. 29.02.00 is real in 2000 only.
    problem = _problem(years[0], month, day)
    if problem is None:  # only with a `today` before 29.02.2000
        raise DateError("future_birth", f"{text} is not a date of birth: it would be in the future", {"text": text})
    raise _not_real(text, problem)


_TIMESTAMP = re.compile(
    r"(?P<date>.+?)[T ]\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)


def _zone(text: str | None) -> dt.tzinfo:
    if not text or text in ("Z", "UTC", "GMT"):
        return dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text} is not a time-zone offset")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def parse_timestamp(value: object) -> dt.datetime | None:
    """Read a moment as an aware UTC datetime. None for an empty cell.

    A time without a zone, or a date alone, is taken as UTC: the registers were
    kept in UTC, and guessing a local zone would be worse than a documented rule.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text:
            return None
        moment = _serial_datetime(text) or _parse_timestamp_text(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _parse_timestamp_text(text: str) -> dt.datetime:
    m = _TIMESTAMP.fullmatch(text)
    date_text = m["date"] if m else text
    try:
        date = parse_partial_date(date_text)
    except ValueError as exc:
        raise ValueError(f'"{text}" is not a date and time: {exc}') from None
    if date is None or date.precision != "day":
        raise ValueError(f'"{text}" is not a date and time: it needs at least a full date, e.g. 2024-08-09 23:59')
    if not m:
        return dt.datetime(date.year, date.month, date.day)
    hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f'"{text}" is not a date and time: {m["h"]}:{m["mi"]}:{m["s"] or "00"} is not a time of day')
    micro = int((m["f"] or "0").ljust(6, "0"))
    try:
        zone = _zone(m["tz"])
    except ValueError as exc:
        raise ValueError(f'"{text}" is not a date and time: {exc}') from None
    return dt.datetime(date.year, date.month, date.day, hour, minute, second, micro, tzinfo=zone)
