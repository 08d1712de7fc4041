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
