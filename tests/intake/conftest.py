import pytest

from homeward.intake import duplicates, services


@pytest.fixture(autouse=True)
def fresh_index(settings, tmp_path):
    """Each test has its own database, so the process-wide index must not outlive it."""
    settings.DATA_DIR = tmp_path
    # Argon2 takes half a second a check by design; the throttling tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    services._dummy_hash.cache_clear()
    settings.HOMEWARD_INTAKE_WORKERS = 1  # one test below runs the forked workers
    settings.HOMEWARD_NOTIFIER = "homeward.intake.notify.FileNotifier"
    duplicates.REGISTRY.reset()
    yield
    duplicates.REGISTRY.reset()


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


FAMILY = {
    "full_name": "Harpreet Singh", "other_names": "हरप्रीत सिंह", "father_name": "Gurmeet Singh",
    "date_of_birth": "14.03.1998", "origin_country": "IN", "home_state": "Punjab", "home_district": "Amritsar",
    "home_village": "Ajnala", "passport_number": "Z1234567", "phone": "+91 98140 00001", "left_home_on": "08.2024",
    "agent_name": "Rakesh Travels Man", "agent_phone": "+91 99999 11111", "agent_agency": "Sky Jobs", "agent_city": "Delhi",
    "promised": "helper job, 2 lakh a month", "last_contact": "September 2024, video call from Rostov",
    "details": "He sent a photo in uniform.", "reporter_name": "Kuldeep Kaur", "relation": "mother",
    "reporter_phone": "+91 98140 00002", "reporter_email": "kuldeep@example.org", "consent_to_share": "on",
    "website": "",
}
