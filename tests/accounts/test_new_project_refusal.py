"""Someone who is not PMO staff, at "new project", is told the real rule and whom to ask."""

import pytest
from django.urls import reverse

from apps.projects.models import Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _refusal(response) -> str:
    assert response.status_code == 403
    html = response.content.decode()
    start = html.index('id="create-refused">') + len('id="create-refused">')
    return " ".join(html[start : html.index("</p>", start)].split())


def test_the_refusal_names_up_to_three_pmo_staff(login, stranger):
    for first, last in [("Min", "Zhou"), ("Anna", "Berg"), ("Jun", "Wang"), ("Zoe", "Zimmer")]:
        UserFactory(
            username=f"{first}.{last}".lower(),
            first_name=first,
            last_name=last,
            profile__is_pmo=True,
        )

    text = _refusal(login(stranger).get(reverse("project_create")))

    assert text == "Only PMO staff create projects. Ask one of them: Anna Berg, Jun Wang, Min Zhou."
    assert "your role on this project" not in text


def test_the_refusal_of_a_post_creates_nothing(login, pm):
    response = login(pm).post(reverse("project_create"), {"name": "Mine", "client_name": "X"})

    assert "Only PMO staff create projects" in _refusal(response)
    assert not Project.objects.filter(name="Mine").exists()


def test_pmo_staff_who_cannot_log_in_are_not_named(login, stranger):
    gone = UserFactory(
        username="gone", first_name="Gone", last_name="Away", profile__is_pmo=True, is_active=False
    )
    invited = UserFactory(username="new", first_name="Not", last_name="Yet", profile__is_pmo=True)
    invited.set_unusable_password()
    invited.save()

    text = _refusal(login(stranger).get(reverse("project_create")))

    assert gone.get_full_name() not in text
    assert invited.get_full_name() not in text
    assert text == "Only PMO staff create projects. Ask your PMO."


def test_a_pmo_staff_member_without_a_name_is_named_by_login(login, stranger):
    UserFactory(username="pmo.desk", first_name="", last_name="", profile__is_pmo=True)

    text = _refusal(login(stranger).get(reverse("project_create")))

    assert text.endswith("Ask one of them: pmo.desk.")


def test_a_name_is_shown_as_text(login, stranger):
    UserFactory(username="x", first_name="<b>Bold</b>", last_name="", profile__is_pmo=True)

    html = login(stranger).get(reverse("project_create")).content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html


def test_the_refusal_is_in_chinese_for_a_chinese_reader(login, stranger):
    UserFactory(username="a", first_name="Min", last_name="Zhou", profile__is_pmo=True)
    UserFactory(username="b", first_name="Wei", last_name="Li", profile__is_pmo=True)

    response = login(stranger, language="zh-hans").get(reverse("project_create"))

    assert '<html lang="zh-hans">' in response.content.decode()
    assert "Wei Li、Min Zhou" in _refusal(response)  # the Chinese list separator


def test_pmo_staff_still_get_the_form(login, pmo):
    assert login(pmo).get(reverse("project_create")).status_code == 200
