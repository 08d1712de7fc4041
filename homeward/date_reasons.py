"""Reasons a date cannot be read, in the user's language (tabular's DateError, worded again)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _, ngettext, pgettext

from tabular import DateError, PartialDate


def date_reason(exc: ValueError) -> str:
    """Why a date was refused, in the language of the page or file being read. tabular words its
    reasons in English only; the English here is tabular's, word for word, so that an English page
    reads as it always has. Any other ValueError is passed on as it is."""
    if not isinstance(exc, DateError):
        return str(exc)
    date = exc.params["text"]
    if exc.code == "not_real":
        return _("%(date)s is not a real date: %(problem)s") % {
            "date": date, "problem": _date_problem(exc.params["problem"])}
    if exc.code == "not_a_date":
        return _('"%(date)s" is not a date (expected a date such as 09.08.2024, 2024-08-09, 08.2024 or 2024)'
                 ) % {"date": date}
    if exc.code == "two_digit_year":
        return _("%(date)s has a two-digit year; write the year in full, e.g. 09.08.2024") % {"date": date}
    if exc.code == "serial_too_late":
        return _("%(date)s is not a date: as an Excel date number it would be after %(year)s"
                 ) % {"date": date, "year": exc.params["year"]}
    if exc.code == "future":
        return _("%(date)s is in the future") % {"date": date}
    if exc.code == "future_birth":
        return _("%(date)s is not a date of birth: it would be in the future") % {"date": date}
    return str(exc)


def _date_problem(problem) -> str:
    """The part of a "not a real date" reason after the colon (tabular's DateProblem), translated."""
    p = problem.params
    if problem.code == "year_outside":
        return _("the year %(year)s is outside %(first)s–%(last)s") % p
    if problem.code == "no_month":
        return _("there is no month %(month)s") % p
    if problem.code == "no_day":
        return _("there is no day %(day)s") % p
    if problem.code == "day_without_month":
        return _("a day without a month")
    if problem.code == "short_month":
        # Translators: a Django date format (F: month name, m: month number, Y: year) for the month in
        # "February 1990 has 28 days": "F Y" gives "February 1990", "m.Y" gives "02.1990", for a language
        # whose sentence needs the month in another case than the names Django has.
        month_format = pgettext("month of a date problem", "F Y")
        month = date_format(PartialDate(p["year"], p["month"]).first_day, month_format)
        return ngettext("%(month)s has %(days)s day", "%(month)s has %(days)s days", p["days"]
                        ) % {"month": month, "days": p["days"]}
    return str(problem)
