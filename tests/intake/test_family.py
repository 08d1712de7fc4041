import json
from datetime import date

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from homeward.audit.models import AuditEntry
from homeward.intake import services
from homeward.intake.models import FamilyAccess, ReviewItem
from homeward.registry import services as registry
from homeward.registry.models import Case, CaseAgent, RecruitingAgent, Report
from tabular import PartialDate

from .conftest import FAMILY


def submit(client, **changes):
    return client.post(reverse("intake:family_report"), FAMILY | changes, follow=True)


def test_report_page_is_public_and_has_every_field(client, db):
    html = client.get(reverse("intake:family_report")).content.decode()
    for name in ("full_name", "date_of_birth", "home_state", "passport_number", "left_home_on", "agent_name",
                 "promised", "last_contact", "reporter_name", "relation", "reporter_email", "consent_to_share"):
        assert f'name="{name}"' in html


def test_a_family_report_opens_a_case_with_a_passcode_shown_once(client, db, settings,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client)
    case = Case.objects.get()
    receipt = response.context["receipt"]
    assert receipt["reference"] == case.reference and case.reference in response.content.decode()
    passcode = receipt["passcode"]
    assert passcode in response.content.decode()
    # Stored hashed only.
    access = FamilyAccess.objects.get(case=case)
    assert passcode not in access.passcode_hash and identify_hasher(access.passcode_hash)
    # Shown once: reloading the page does not show it again.
    assert passcode not in client.get(reverse("intake:family_thanks")).content.decode()
    # Sent through the configured sender (the file backend here).
    sent = [json.loads(line) for line in (settings.DATA_DIR / "outbox" / "messages.jsonl").read_text().splitlines()]
    assert sent[-1]["email"] == "kuldeep@example.org" and passcode in sent[-1]["body"]
    report = case.reports.get()
    assert report.source_type == Report.SourceType.FAMILY and report.consent_to_share
    assert report.reporter_name == "Kuldeep Kaur" and "Rostov" in report.original_text
    assert {n.full_name for n in case.person.names.all()} == {"Harpreet Singh", "हरप्रीत सिंह"}
    assert case.person.date_of_birth == "1998-03-14" and case.left_home_on == "2024-08"
    assert case.status == "reported"


def test_consent_is_recorded_per_report(client, db):
    submit(client, consent_to_share="", full_name="Ravi Kumar", other_names="", passport_number="", phone="")
    assert Report.objects.get().consent_to_share is False


def test_the_agent_becomes_his_own_record_linked_to_the_case(client, db):
    submit(client)
    submit(client, full_name="Vikram Yadav", other_names="", passport_number="", phone="", date_of_birth="1990",
           agent_name="Rakesh", agent_phone="9999911111")
    agent = RecruitingAgent.objects.get()
    assert agent.agency == "Sky Jobs" and agent.city == "Delhi"
    links = CaseAgent.objects.filter(agent=agent)
    assert links.count() == 2  # the same phone is the same agent
    assert links.get(case__person__names__full_name="Harpreet Singh").promised == "helper job, 2 lakh a month"


def lookup(client, reference, passcode, address="10.0.0.1"):
    return client.post(reverse("intake:family_lookup"), {"reference": reference, "passcode": passcode},
                       REMOTE_ADDR=address, follow=True)


def test_status_page_shows_plain_status_and_last_update_only(client, db, make_case):
    make_case("Someone Else Entirely", home_state="Kerala")  # another case, never shown
    receipt = submit(client).context["receipt"]
    response = lookup(client, receipt["reference"], receipt["passcode"].lower().replace("-", " "))
    html = response.content.decode()
    assert response.status_code == 200
    assert "We have received your report" in html
    case = Case.objects.get(reference=receipt["reference"])
    assert response.context["status"].last_update == case.events.get().recorded_at.date()
    assert "Someone Else Entirely" not in html and "Kuldeep" not in html and "Z1234567" not in html
    # Adding information is a new report on the same case.
    client.post(reverse("intake:family_status"), {"text": "He called on 2 October.", "reporter_name": "Kuldeep Kaur",
                                                  "relation": "mother", "contact": ""})
    assert case.reports.count() == 2 and case.reports.last().source_type == "family"


def test_status_follows_events(client, db):
    receipt = submit(client).context["receipt"]
    case = Case.objects.get()
    registry.record_event(case=case, kind="identified", occurred_on=PartialDate.from_iso(date.today().isoformat()))
    html = lookup(client, receipt["reference"], receipt["passcode"]).content.decode()
    assert "confirmed where he is" in html


def test_without_a_passcode_the_status_page_sends_you_to_the_lookup(client, db):
    response = client.get(reverse("intake:family_status"))
    assert response.status_code == 302 and response["Location"] == reverse("intake:family_lookup")


def test_wrong_passcodes_from_elsewhere_never_keep_a_family_out(client, db):
    receipt = submit(client).context["receipt"]
    # Someone who knows the reference tries passcodes from one address, then from many.
    for attempt in range(services.WRONG_PER_REFERENCE_AND_ADDRESS + 2):
        lookup(client, receipt["reference"], "WRONG-CODE-0000", address="203.0.113.9")
    for attempt in range(10):
        lookup(client, receipt["reference"], "WRONG-CODE-0000", address=f"10.0.1.{attempt}")
    html = lookup(client, receipt["reference"], receipt["passcode"], address="198.51.100.7").content.decode()
    assert "We have received your report" in html and "Too many" not in html


def test_wrong_passcodes_are_throttled_per_reference_from_one_address(client, db):
    receipt = submit(client).context["receipt"]
    for attempt in range(services.WRONG_PER_REFERENCE_AND_ADDRESS):
        html = lookup(client, receipt["reference"], "WRONG-CODE-0000", address="10.0.1.1").content.decode()
        assert "do not match" in html
    html = lookup(client, receipt["reference"], "WRONG-CODE-0000", address="10.0.1.1").content.decode()
    assert "Too many wrong passcodes" in html and "family-status" not in html
    # The same answer for a reference that does not exist: the limit tells nothing about references.
    for attempt in range(services.WRONG_PER_REFERENCE_AND_ADDRESS + 1):
        html = lookup(client, "IN-2099-99999", "WRONG-CODE-0000", address="10.0.1.2").content.decode()
    assert "Too many wrong passcodes" in html
    # That address waits, whatever it sends now; the family, from anywhere else, does not.
    assert "Too many" in lookup(client, receipt["reference"], receipt["passcode"], address="10.0.1.1").content.decode()
    html = lookup(client, receipt["reference"], receipt["passcode"], address="10.0.1.9").content.decode()
    assert "We have received your report" in html


def test_wrong_passcodes_are_throttled_per_address(client, db, make_case):
    receipt = submit(client).context["receipt"]
    for attempt in range(services.WRONG_PER_ADDRESS):
        lookup(client, f"IN-2024-{attempt:05d}", "guess", address="10.6.6.6")
    html = lookup(client, receipt["reference"], "guess", address="10.6.6.6").content.decode()
    assert "Too many wrong passcodes" in html
    # That address is refused before any passcode is checked; another address is not punished for it.
    assert "Too many" in lookup(client, receipt["reference"], receipt["passcode"], address="10.6.6.6").content.decode()
    assert "We have received your report" in lookup(client, receipt["reference"], receipt["passcode"],
                                                    address="10.7.7.8").content.decode()
    assert "do not match" in lookup(client, receipt["reference"], "guess", address="10.7.7.7").content.decode()


def test_unknown_reference_answers_like_a_wrong_passcode(client, db):
    assert "do not match" in lookup(client, "IN-2099-99999", "ABCD-EFGH-JKLM").content.decode()


def test_submissions_are_rate_limited_per_address(client, db):
    for i in range(services.SUBMISSIONS_PER_ADDRESS):
        submit(client, full_name=f"Person Number{'x' * i}", other_names="", passport_number="", phone="")
    response = submit(client, full_name="One Too Many", other_names="")
    assert "Too many reports" in response.content.decode()
    assert Case.objects.count() == services.SUBMISSIONS_PER_ADDRESS


def test_the_honeypot_keeps_nothing(client, db):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 200 and Case.objects.count() == 0


@pytest.mark.parametrize("field, value, message", [
    ("full_name", "x" * 201, "at most 200 characters"),
    ("details", "x" * 10_000, "at most 4000 characters"),
    ("date_of_birth", "31.02.2024", "February 2024 has 29 days"),
    ("full_name", "<script>alert(1)</script>", "cannot contain &lt; or &gt;"),
    ("reporter_email", "not-an-email", "valid email"),
    ("full_name", "", "This field is required"),
])
def test_bad_input_gets_a_clear_error_and_writes_nothing(client, db, field, value, message):
    response = submit(client, **{field: value})
    assert message in response.content.decode()
    assert Case.objects.count() == 0 and Report.objects.count() == 0


def test_a_probable_duplicate_is_queued_never_merged(client, db, make_case):
    existing = make_case("Harpreet Singh", date_of_birth=PartialDate(1998, 3, 14),
                         home_state="Punjab", passport_number="Z1234567")
    submit(client, other_names="")
    new = Case.objects.exclude(pk=existing.pk).get()
    item = ReviewItem.objects.get()
    assert item.case == new and item.candidate == existing and item.probability >= 0.5
    assert item.state == "open" and new.status == "reported" and existing.status == "reported"
    assert AuditEntry.objects.filter(target_type="intake.reviewitem").exists()


@pytest.mark.parametrize("how", ["cookie", "header"])
def test_report_page_in_hindi(client, db, how):
    if how == "cookie":
        client.cookies["django_language"] = "hi"
        response = client.get(reverse("intake:family_report"))
    else:
        response = client.get(reverse("intake:family_report"), HTTP_ACCEPT_LANGUAGE="hi")
    html = response.content.decode()
    assert 'lang="hi"' in html
    assert "उसका नाम" in html and "रिपोर्ट भेजें" in html


@pytest.mark.parametrize("language, cell, reason", [
    ("hi", "31.02.2024", "31.02.2024 वास्तविक तारीख़ नहीं है: फ़रवरी 2024 में केवल 29 दिन होते हैं"),
    ("ne", "31.02.2024", "31.02.2024 वास्तविक मिति होइन: फेब्रुअरी 2024 मा जम्मा 29 दिन हुन्छन्"),
    ("hi", "abc", "&quot;abc&quot; तारीख़ नहीं है (तारीख़ इस तरह लिखें: 09.08.2024, 2024-08-09, 08.2024 या 2024)"),
])
def test_a_family_reads_why_a_date_was_refused_in_its_own_language(client, db, language, cell, reason):
    client.cookies["django_language"] = language
    html = submit(client, date_of_birth=cell).content.decode()
    assert reason in html and "not a real date" not in html and "is not a date" not in html
    assert Case.objects.count() == 0


def test_report_page_in_nepali(client, db):
    html = client.get(reverse("intake:family_report"), HTTP_ACCEPT_LANGUAGE="ne").content.decode()
    assert 'lang="ne"' in html and "रिपोर्ट पठाउनुहोस्" in html


def test_report_page_in_russian(client, db):
    html = client.get(reverse("intake:family_report"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'lang="ru"' in html and "Его имя" in html and "Отправить сообщение" in html


def test_the_sender_is_pluggable(settings, capsys):
    from homeward.intake import notify
    del settings.HOMEWARD_NOTIFIER
    assert isinstance(notify.notifier(), notify.ConsoleNotifier)
    notify.notifier().send(notify.Message("a@example.org", "", "Subject", "Passcode: X"))
    assert "Passcode: X" in capsys.readouterr().out
    settings.HOMEWARD_NOTIFIER = "homeward.intake.notify.FileNotifier"
    notify.notifier().send(notify.Message("", "+91 1", "Subject", "Body"))
    assert json.loads((settings.DATA_DIR / "outbox" / "messages.jsonl").read_text())["phone"] == "+91 1"


def test_status_page_in_hindi(client, db):
    receipt = submit(client).context["receipt"]
    client.cookies["django_language"] = "hi"
    html = lookup(client, receipt["reference"], receipt["passcode"]).content.decode()
    assert "हमें आपकी रिपोर्ट मिल गई है" in html and "अंतिम अपडेट" in html


def test_behind_a_trusted_proxy_each_family_is_counted_at_its_own_address(client, db, settings):
    settings.TRUSTED_PROXIES = 1
    receipt = submit(client).context["receipt"]

    def via_proxy(passcode, visitor):
        return client.post(reverse("intake:family_lookup"), {"reference": receipt["reference"], "passcode": passcode},
                           REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=visitor).content.decode()

    for attempt in range(services.WRONG_PER_REFERENCE_AND_ADDRESS):
        via_proxy("WRONG-CODE-0000", "203.0.113.9")
    assert "Too many wrong passcodes" in via_proxy("WRONG-CODE-0000", "203.0.113.9")
    assert "do not match" in via_proxy("WRONG-CODE-0000", "198.51.100.7")
