"""The dashboard in a real browser: its charts load as images, and the PDF brief downloads with the figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeward.demo.scenario import DEMO_PASSWORD, seed_demo
from homeward.reporting import selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    selectors.clear_cache()
    seed_demo()
    yield
    selectors.clear_cache()


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_dashboard_charts_render_and_the_brief_downloads_with_the_figures(page, demo, tmp_path):
    sign_in(page, "officer")
    page.click("nav >> text=Dashboard")
    page.fill("input[name=on]", "2024-08-09")
    page.fill("input[name=known_at]", "2024-08-09")
    page.click("form.filters button[type=submit]")
    assert "Of 91 known, 8 killed, 14 discharged, 0 missing, 0 prisoner, 69 remain." in page.inner_text("p.sentence")
    for chart in ("#series-chart img", "#state-chart img", "#money-chart img"):
        image = page.locator(chart)
        image.wait_for()
        assert image.evaluate("img => img.complete && img.naturalWidth > 100"), chart
        assert image.get_attribute("alt")
    assert page.locator("#series-chart figcaption").is_visible()
    with page.expect_download() as download_info:
        page.click("#brief-link")
    target = Path(tmp_path) / "brief.pdf"
    download_info.value.save_as(target)
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"(Of 91 known, 8 killed, 14 discharged, 0 missing, 0 prisoner, 69 remain.)" in pdf
    assert b"(as corrected since) Tj" in pdf and b"(94) Tj" in pdf
    assert not page.server_errors
