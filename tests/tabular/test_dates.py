import datetime as dt
import pickle
import re

import pytest
from hypothesis import given, strategies as st

from tabular import DateError, PartialDate, parse_date_of_birth, parse_partial_date, parse_timestamp

UTC = dt.timezone.utc


@pytest.mark.parametrize("text, expected", [
    ("2024-08-09", "2024-08-09"),
    ("2024-8-9", "2024-08-09"),
    ("09.08.2024", "2024-08-09"),
    ("9.8.2024", "2024-08-09"),
    ("9/8/2024", "2024-08-09"),
    ("09/08/2024", "2024-08-09"),      # day first: 9 August, not 8 September
    ("08/09/2024", "2024-09-08"),
    ("09-08-2024", "2024-08-09"),
    ("2024.08.09", "2024-08-09"),
    ("2024-08-09 00:00:00", "2024-08-09"),  # datetime cells exported as text
    ("2024-08-09T14:30", "2024-08-09"),
    (" 09.08.2024 ", "2024-08-09"),
    ("29.02.2024", "2024-02-29"),
    ("2024-08", "2024-08"),
    ("08.2024", "2024-08"),
    ("8.2024", "2024-08"),
    ("08/2024", "2024-08"),
    ("2024", "2024"),
    # An unknown day or month written as zeros, as Russian lists do: the date is partial.
    ("00.08.2024", "2024-08"),
    ("00.00.2024", "2024"),
    ("00.2024", "2024"),
    ("2024-08-00", "2024-08"),
    ("2024-00-00", "2024"),
    ("1900", "1900"),
    ("2100", "2100"),
    ("1995 г.", "1995"),
    ("09.08.2024г.", "2024-08-09"),
    ("45513", "2024-08-09"),           # Excel serial
    ("45513.0", "2024-08-09"),
    ("45513.75", "2024-08-09"),        # serial with a time of day
    (45513, "2024-08-09"),
    (45513.0, "2024-08-09"),
    (2024, "2024"),
    (2024.0, "2024"),
    (dt.date(2024, 8, 9), "2024-08-09"),
    (dt.datetime(2024, 8, 9, 23, 59), "2024-08-09"),
])
def test_parse_partial_date_accepts(text, expected):
    assert parse_partial_date(text).iso == expected


@pytest.mark.parametrize("text", [None, "", "   ", "\t\n"])
def test_parse_partial_date_empty_is_none(text):
    assert parse_partial_date(text) is None


@pytest.mark.parametrize("text, reason", [
    ("31.02.2024", "31.02.2024 is not a real date: February 2024 has 29 days"),
    ("29.02.2023", "29.02.2023 is not a real date: February 2023 has 28 days"),
    ("31.04.2024", "31.04.2024 is not a real date: April 2024 has 30 days"),
    ("2024-02-30", "2024-02-30 is not a real date: February 2024 has 29 days"),
    ("08.00.2024", "08.00.2024 is not a real date: there is no month 0"),   # a day without its month
    ("09.13.2024", "09.13.2024 is not a real date: there is no month 13"),
    ("2024-13", "2024-13 is not a real date: there is no month 13"),
    ("13.2024", "13.2024 is not a real date: there is no month 13"),
    ("2024-00-09", "2024-00-09 is not a real date: there is no month 0"),
    ("1899", "1899 is not a real date: the year 1899 is outside 1900–2100"),
    ("2101", "2101 is not a real date: the year 2101 is outside 1900–2100"),
    ("2204", "the year 2204 is outside"),      # a typo for 2024, not Excel day 2204
    ("09.08.1850", "the year 1850 is outside"),
    ("09.08.24", "09.08.24 has a two-digit year"),
    ("999999", "as an Excel date number it would be after 2100"),
    ("abc", '"abc" is not a date (expected a date such as 09.08.2024'),
    ("123", '"123" is not a date'),           # too short to be a year or a serial
    ("2024/08", '"2024/08" is not a date'),
    ("09.08/2024", '"09.08/2024" is not a date'),  # mixed separators
    ("August 2024", '"August 2024" is not a date'),
    ("-45513", '"-45513" is not a date'),
    (True, "True is not a date"),
])
def test_parse_partial_date_rejects_with_reason(text, reason):
    with pytest.raises(ValueError) as info:
        parse_partial_date(text)
    assert reason in str(info.value)


@pytest.mark.parametrize("value, iso, first_day, precision", [
    (PartialDate(2024), "2024", dt.date(2024, 1, 1), "year"),
    (PartialDate(2024, 8), "2024-08", dt.date(2024, 8, 1), "month"),
    (PartialDate(2024, 8, 9), "2024-08-09", dt.date(2024, 8, 9), "day"),
])
def test_partial_date_properties(value, iso, first_day, precision):
    assert (value.iso, str(value), value.first_day, value.precision) == (iso, iso, first_day, precision)
    assert PartialDate.from_iso(iso) == value


@pytest.mark.parametrize("parts, error", [
    ((2024, 2, 30), ValueError),
    ((2024, None, 5), ValueError),
    ((1899,), ValueError),
    ((2024, 13), ValueError),
    (("2024",), TypeError),
    ((True,), TypeError),
])
def test_partial_date_validates(parts, error):
    with pytest.raises(error):
        PartialDate(*parts)


@pytest.mark.parametrize("text", ["2024-8", "24", "2024-08-09T10:00", "09.08.2024", ""])
def test_from_iso_is_strict(text):
    with pytest.raises(ValueError):
        PartialDate.from_iso(text)


def test_partial_date_ordering_by_first_day_then_precision():
    dates = [PartialDate(2024, 8, 9), PartialDate(2024, 8), PartialDate(2024), PartialDate(2024, 1, 1),
             PartialDate(2024, 1), PartialDate(2023, 12, 31)]
    assert [d.iso for d in sorted(dates)] == ["2023-12-31", "2024", "2024-01", "2024-01-01", "2024-08",
                                             "2024-08-09"]
    assert PartialDate(2024, 8) == PartialDate(2024, 8) and len({PartialDate(2024), PartialDate(2024)}) == 1


@pytest.mark.parametrize("text, expected", [
    ("2024-08-09T23:59", dt.datetime(2024, 8, 9, 23, 59, tzinfo=UTC)),
    ("2024-08-09 23:59:00+03:00", dt.datetime(2024, 8, 9, 20, 59, tzinfo=UTC)),
    ("2024-08-09T23:59:30Z", dt.datetime(2024, 8, 9, 23, 59, 30, tzinfo=UTC)),
    ("2024-08-09T23:59:30.25+0530", dt.datetime(2024, 8, 9, 18, 29, 30, 250000, tzinfo=UTC)),
    ("2024-08-10T01:00-02", dt.datetime(2024, 8, 10, 3, 0, tzinfo=UTC)),
    ("09.08.2024 23:59", dt.datetime(2024, 8, 9, 23, 59, tzinfo=UTC)),
    ("9.8.2024 7:05", dt.datetime(2024, 8, 9, 7, 5, tzinfo=UTC)),
    ("2024-08-09", dt.datetime(2024, 8, 9, tzinfo=UTC)),
    ("09.08.2024", dt.datetime(2024, 8, 9, tzinfo=UTC)),
    ("45513.75", dt.datetime(2024, 8, 9, 18, 0, tzinfo=UTC)),
    (dt.datetime(2024, 8, 9, 12), dt.datetime(2024, 8, 9, 12, tzinfo=UTC)),
    (dt.datetime(2024, 8, 9, 12, tzinfo=dt.timezone(dt.timedelta(hours=3))), dt.datetime(2024, 8, 9, 9, tzinfo=UTC)),
    (dt.date(2024, 8, 9), dt.datetime(2024, 8, 9, tzinfo=UTC)),
])
def test_parse_timestamp(text, expected):
    result = parse_timestamp(text)
    assert result == expected and result.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text", [None, "", "  "])
def test_parse_timestamp_empty(text):
    assert parse_timestamp(text) is None


@pytest.mark.parametrize("text, reason", [
    ("2024-08", "needs at least a full date"),
    ("2024", "needs at least a full date"),
    ("2024-08-09 24:00", "24:00:00 is not a time of day"),
    ("2024-08-09 23:60", "23:60:00 is not a time of day"),
    ("31.02.2024 10:00", "February 2024 has 29 days"),
    ("2024-08-09 10:00+25:00", "is not a time-zone offset"),
    ("yesterday", '"yesterday" is not a date and time'),
])
def test_parse_timestamp_rejects(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_timestamp(text)


partial_dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).flatmap(
    lambda d: st.sampled_from([PartialDate(d.year), PartialDate(d.year, d.month), PartialDate(d.year, d.month, d.day)]))


@given(partial_dates)
def test_iso_round_trip(value):
    assert parse_partial_date(value.iso) == value
    assert PartialDate.from_iso(value.iso) == value


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_day_first_round_trip(day):
    assert parse_partial_date(day.strftime("%d.%m.%Y")) == PartialDate(day.year, day.month, day.day)
    assert parse_partial_date(f"{day.day}/{day.month}/{day.year}").first_day == day


@given(st.dates(dt.date(1927, 6, 1), dt.date(2100, 12, 31)))
def test_excel_serial_round_trip(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_partial_date(str(serial)).first_day == day


@given(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31), timezones=st.just(UTC)))
def test_timestamp_iso_round_trip(moment):
    assert parse_timestamp(moment.isoformat()) == moment


TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize("text, expected", [
    ("01.03.98", "1998-03-01"), ("1.3.98", "1998-03-01"), ("01/03/98", "1998-03-01"), ("01-03-98", "1998-03-01"),
    ("01.03.05", "2005-03-01"), ("01.06.25", "2025-06-01"),   # today is the latest possible birth
    ("02.06.25", "1925-06-02"), ("15.08.25", "1925-08-15"),   # later this year: not born yet, so 1925
    ("01.01.26", "1926-01-01"), ("31.12.99", "1999-12-31"), ("01.01.00", "2000-01-01"),
    ("29.02.00", "2000-02-29"), ("01.03.98 г.", "1998-03-01"),
    # Everything parse_partial_date reads, it reads the same.
    ("01.03.1998", "1998-03-01"), ("1998", "1998"), ("03.1998", "1998-03"), ("35125", "1996-03-01"),
    # Zeros for an unknown day or month, common in Russian lists.
    ("00.00.1990", "1990"), ("00.05.1990", "1990-05"), ("00.05.90", "1990-05"), ("00.00.05", "2005"),
    # Today and the partial dates that include it are not in the future.
    ("01.06.2025", "2025-06-01"), ("2025", "2025"), ("06.2025", "2025-06"), (dt.date(2025, 6, 1), "2025-06-01"),
])
def test_parse_date_of_birth_reads_two_digit_years(text, expected):
    assert parse_date_of_birth(text, today=TODAY).iso == expected


@pytest.mark.parametrize("text, reason", [
    ("31.02.98", "31.02.98 is not a real date: February 1998 has 28 days"),
    ("29.02.01", "29.02.01 is not a real date: February 2001 has 28 days"),
    ("31.06.25", "31.06.25 is not a real date: June 2025 has 30 days"),
    ("01.13.98", "there is no month 13"),
    ("03.98", '"03.98" is not a date'),          # month.yy is not read: too easily a day.month
    ("01.03/98", "01.03/98 has a two-digit year"),   # mixed separators: not read
    ("05.00.1990", "05.00.1990 is not a real date: there is no month 0"),   # a day without its month
    # A birth after today.
    ("2090", "2090 is in the future"),
    ("02.06.2025", "02.06.2025 is in the future"),
    ("07.2025", "07.2025 is in the future"),
    ("2026", "2026 is in the future"),
    ("2026 г.", "2026 г. is in the future"),
    ("00.00.2090", "00.00.2090 is in the future"),
    ("45850", "45850 is in the future"),   # Excel serial of 2025-07-12
    (45850, "2025-07-12 is in the future"),
    (dt.date(2025, 6, 2), "2025-06-02 is in the future"),
])
def test_parse_date_of_birth_rejects_with_reason(text, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_date_of_birth(text, today=TODAY)


def test_parse_date_of_birth_pivots_on_the_real_today():
    assert parse_date_of_birth("01.01.00").iso == "2000-01-01"
    this_year = dt.date.today().year
    assert parse_date_of_birth(f"01.01.{this_year % 100:02d}").year == this_year
    assert parse_date_of_birth(None) is None and parse_date_of_birth(" ") is None


def test_event_dates_keep_refusing_two_digit_years():
    with pytest.raises(ValueError, match="01.03.98 has a two-digit year; write the year in full"):
        parse_partial_date("01.03.98")


# The English reasons are tested above; these are the codes an application words them again from.
@pytest.mark.parametrize("parse, value, code, params, problem", [
    (parse_partial_date, "31.02.2024", "not_real", {"text": "31.02.2024"},
     ("short_month", {"year": 2024, "month": 2, "days": 29})),
    (parse_date_of_birth, "31.02.98", "not_real", {"text": "31.02.98"},
     ("short_month", {"year": 1998, "month": 2, "days": 28})),
    (parse_partial_date, "1990-13-01", "not_real", {"text": "1990-13-01"}, ("no_month", {"month": 13})),
    (parse_partial_date, "05.00.1990", "not_real", {"text": "05.00.1990"}, ("no_month", {"month": 0})),
    (parse_partial_date, "1899", "not_real", {"text": "1899"},
     ("year_outside", {"year": 1899, "first": 1900, "last": 2100})),
    (parse_partial_date, " abc ", "not_a_date", {"text": "abc"}, None),
    (parse_partial_date, True, "not_a_date", {"text": "True"}, None),
    (parse_partial_date, "09.08.24", "two_digit_year", {"text": "09.08.24"}, None),
    (parse_date_of_birth, "999999", "serial_too_late", {"text": "999999", "year": 2100}, None),
    (parse_date_of_birth, "2026 г.", "future", {"text": "2026 г."}, None),
    (parse_date_of_birth, 45850, "future", {"text": "2025-07-12"}, None),
])
def test_date_errors_carry_a_code_and_the_params_of_their_reason(parse, value, code, params, problem):
    with pytest.raises(DateError) as info:
        parse(value, today=TODAY) if parse is parse_date_of_birth else parse(value)
    error = info.value
    assert isinstance(error, ValueError) and error.code == code
    assert {k: v for k, v in error.params.items() if k != "problem"} == params
    if problem:
        assert (error.params["problem"].code, error.params["problem"].params) == problem
        assert str(error) == f"{params['text']} is not a real date: {error.params['problem']}"
    else:
        assert "problem" not in error.params


def test_a_birth_date_that_is_in_the_future_in_both_centuries_has_its_own_code():
    with pytest.raises(DateError) as info:
        parse_date_of_birth("29.02.00", today=dt.date(2000, 1, 15))  # 29.02.1900 was never a day
    assert info.value.code == "future_birth" and info.value.params == {"text": "29.02.00"}
    assert str(info.value) == "29.02.00 is not a date of birth: it would be in the future"


@pytest.mark.parametrize("parts, problem", [
    ((2024, None, 5), ("day_without_month", {})),
    ((2024, 5, -1), ("no_day", {"day": -1})),
    ((2024, 2, 30), ("short_month", {"year": 2024, "month": 2, "days": 29})),
])
def test_partial_date_refuses_with_a_date_error_too(parts, problem):
    with pytest.raises(DateError) as info:
        PartialDate(*parts)
    assert info.value.code == "not_real"
    assert (info.value.params["problem"].code, info.value.params["problem"].params) == problem


def test_a_date_error_survives_pickling_with_its_code():
    """Imports may run in another process; the error must come back whole."""
    with pytest.raises(DateError) as info:
        parse_partial_date("31.02.2024")
    copy = pickle.loads(pickle.dumps(info.value))
    assert (type(copy), str(copy), copy.code) == (DateError, str(info.value), "not_real")
    assert copy.params["problem"].params == {"year": 2024, "month": 2, "days": 29}
