import pytest
from django.urls import reverse

from homeward.registry import services
from homeward.registry.names import clean

HOSTILE = "<script>alert('x')</script>"


@pytest.mark.parametrize("raw, stored", [
    ("Ravi\u202eramuK", "RaviramuK"),            # right-to-left override
    ("Ravi\u2066Kumar\u2069", "RaviKumar"),      # isolates
    ("Ra\x00vi\x1b[31m", "Ravi[31m"),            # NUL and terminal escapes
    ("क्\u200dष", "क्\u200dष"),                  # the joiner Devanagari needs is kept
    ("line one\nline two", "line one\nline two"),
])
def test_control_characters_are_removed_but_joiners_kept(raw, stored):
    assert clean(raw) == stored


def test_names_and_free_text_are_escaped_on_every_page(client, officer, make_case):
    case = make_case(f"{HOSTILE} Singh\u202e", extra_names=[f"<img src=x onerror=alert(1)>"])
    services.add_report(case=case, report=services.ReportInput(
        source_type="family", received_on=case.events.get().occurred_from, reporter_name=HOSTILE,
        original_text=f"{HOSTILE}\nsecond line"))
    client.force_login(officer)
    for url in (reverse("registry:case_list"), reverse("registry:case_detail", args=[case.reference])):
        html = client.get(url).content.decode()
        assert HOSTILE not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
        assert "\u202e" not in html
