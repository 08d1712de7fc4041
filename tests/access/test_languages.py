from django.urls import reverse

from homeward.accounts.models import Partner, User


def test_host_liaison_pages_are_in_the_partners_language(client, db):
    partner = Partner.objects.create(code="RU-MOD", name="Министерство обороны", country="RU", language="ru")
    client.force_login(User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner))
    html = client.get(reverse("registry:home"), follow=True).content.decode()
    assert 'lang="ru"' in html and "Запросы посольства" in html and "Выйти" in html


def test_a_liaison_may_still_choose_another_language(client, db):
    partner = Partner.objects.create(code="RU-MOD", name="Министерство обороны", country="RU", language="ru")
    client.force_login(User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Requests from the embassy" in client.get(reverse("registry:home"), follow=True).content.decode()


def test_officer_pages_follow_the_browser_language(client, officer):
    client.force_login(officer)
    html = client.get(reverse("registry:case_list"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Дела" in html


def test_status_and_event_labels_are_in_the_page_language(client, officer, make_case):
    case = make_case()
    client.force_login(officer)
    url = reverse("registry:add_event", args=[case.reference])
    response = client.post(url, {"kind": "identified", "occurred_on": "2024-04-01", "source": "embassy"},
                           HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    html = response.content.decode()
    assert "Записано: установлен (найден / служба подтверждена)" in html   # the message and the badge
    assert "identified (located" not in html
    assert "запрошено увольнение" in html                                  # the next steps offered
    hindi = client.get(reverse("registry:case_detail", args=[case.reference]), HTTP_ACCEPT_LANGUAGE="hi")
    assert "पहचान हुई" in hindi.content.decode()


def test_an_unreadable_event_date_is_explained_in_the_page_language(client, officer, make_case):
    case = make_case()
    events = case.events.count()
    client.force_login(officer)
    url = reverse("registry:add_event", args=[case.reference])
    response = client.post(url, {"kind": "identified", "occurred_on": "1990-13-01", "source": "embassy"},
                           HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    html = response.content.decode()
    assert "1990-13-01 — несуществующая дата: нет месяца с номером 13" in html
    assert "is not a real date" not in html
    assert case.events.count() == events
