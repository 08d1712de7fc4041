"""A response list's unreadable dates are told in the language of the page: the date parsers give their
reasons in English only, with a code that the import words again in Hindi, Nepali or Russian."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override

from homeward.accounts.models import User
from homeward.exchange import services
from homeward.exchange.models import Response
from homeward.registry.models import Case

from .conftest import as_cp1251_csv, response_rows

NEXT_YEAR = f"01.01.{dt.date.today().year + 1}"
DOB, EVENT = "Дата рождения", "Дата"

# (column, cell, the reason in English as tabular words it, the reason in Russian)
BAD_DATES = [
    (DOB, "31.02.1990", "31.02.1990 is not a real date: February 1990 has 28 days",
     "31.02.1990 — несуществующая дата: в месяце 02.1990 всего 28 дней"),
    (DOB, "32.01.1990", "32.01.1990 is not a real date: January 1990 has 31 days",
     "32.01.1990 — несуществующая дата: в месяце 01.1990 всего 31 день"),
    (DOB, "1990-13-01", "1990-13-01 is not a real date: there is no month 13",
     "1990-13-01 — несуществующая дата: нет месяца с номером 13"),
    (DOB, "1899", "1899 is not a real date: the year 1899 is outside 1900–2100",
     "1899 — несуществующая дата: год 1899 вне диапазона 1900–2100"),
    (DOB, "abc", '"abc" is not a date (expected a date such as 09.08.2024, 2024-08-09, 08.2024 or 2024)',
     "«abc» — не дата (ожидается дата вида 09.08.2024, 2024-08-09, 08.2024 или 2024)"),
    (DOB, "999999", "999999 is not a date: as an Excel date number it would be after 2100",
     "999999 — не дата: как числовое значение даты Excel это было бы позже 2100 года"),
    (DOB, NEXT_YEAR, f"{NEXT_YEAR} is in the future", f"{NEXT_YEAR} — дата в будущем"),
    (EVENT, "15.05.24", "15.05.24 has a two-digit year; write the year in full, e.g. 09.08.2024",
     "в дате 15.05.24 год указан двумя цифрами; укажите год полностью, например 09.08.2024"),
]


@pytest.fixture
def asked(registry60, partner):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    return [c for c in registry60 if c.reports.filter(consent_to_share=True).exists()]


def with_bad_cell(asked, column, cell) -> bytes:
    rows = response_rows(asked[:3])
    rows[1][column] = cell  # the file's row 3
    return as_cp1251_csv(rows)


@pytest.mark.parametrize("column, cell, english, russian", BAD_DATES)
def test_the_reason_is_in_english_by_default_word_for_word(asked, partner, column, cell, english, russian):
    result = services.import_response(partner=partner, content=with_bad_cell(asked, column, cell),
                                      file_name="otvet.csv")
    assert result.errors == [f'row 3, column "{column}": {english}']


@pytest.mark.parametrize("column, cell, english, russian", BAD_DATES)
def test_the_reason_is_in_russian_on_a_russian_page(asked, partner, column, cell, english, russian):
    with override("ru"):
        result = services.import_response(partner=partner, content=with_bad_cell(asked, column, cell),
                                          file_name="otvet.csv")
    assert result.errors == [f"строка 3, столбец «{column}»: {russian}"]
    assert not Response.objects.exists()


@pytest.mark.parametrize("language, reason", [
    ("hi", "31.02.1990 वास्तविक तारीख़ नहीं है: फ़रवरी 1990 में केवल 28 दिन होते हैं"),
    ("ne", "31.02.1990 वास्तविक मिति होइन: फेब्रुअरी 1990 मा जम्मा 28 दिन हुन्छन्"),
])
def test_hindi_and_nepali_name_the_month_in_their_own_words(asked, partner, language, reason):
    with override(language):
        result = services.import_response(partner=partner, content=with_bad_cell(asked, DOB, "31.02.1990"),
                                          file_name="otvet.csv")
    assert len(result.errors) == 1 and result.errors[0].endswith(f": {reason}")


def test_the_liaison_reads_the_reason_in_russian_on_the_upload_page(client, asked, partner):
    client.force_login(User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner))
    upload = SimpleUploadedFile("ответ.csv", with_bad_cell(asked, DOB, "31.02.1990"), content_type="text/csv")
    page = client.post(reverse("exchange:liaison_upload"), {"file": upload}, follow=True).content.decode()
    assert "31.02.1990 — несуществующая дата: в месяце 02.1990 всего 28 дней" in page
    assert "is not a real date" not in page and not Response.objects.exists()
