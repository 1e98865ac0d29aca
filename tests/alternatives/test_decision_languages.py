"""A decision is mailed to the contacts who receive updates, each in the language they read."""

import pytest
from django.urls import reverse

from apps.alternatives.models import Decision
from tests.factories import ClientContactFactory

pytestmark = pytest.mark.django_db

HELEN = "Helen Zhang &lt;helen@client.example.com&gt;"


@pytest.fixture
def helen(project):
    return ClientContactFactory(
        project=project, name="Helen Zhang", email="helen@client.example.com", language="zh-hans"
    )


@pytest.fixture
def chen(contact):
    contact.language = "en"
    contact.save()
    return contact


def _data(alternative, contact, user, **overrides):
    return {
        "alternative": str(alternative.pk),
        "decided_at": "2025-03-10T08:00",
        "meeting": "",
        "client_agreed": [str(contact.pk)],
        "team_agreed": [str(user.pk)],
        "rationale_en": "Full scope matters more than the date.",
        "expected_current_decision": "",
    } | overrides


def test_a_decision_missing_a_readers_language_is_not_recorded_at_first(
    informed, propose, chen, helen, pm, login
):
    extend = propose(informed, title_en="Extend", title_zh_hans="延期")

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]), _data(extend, chen, pm)
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert not Decision.objects.exists()
    assert (
        f"{HELEN} reads Chinese: there is no Chinese text of the reasons — "
        "will receive the English text instead."
    ) in html
    assert 'name="send_anyway"' in html
    assert "Full scope matters more than the date." in html  # what was typed is kept


def test_the_chosen_alternatives_title_counts_too(informed, propose, chen, helen, pm, login):
    extend = propose(informed, title_en="Extend")

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]),
        _data(extend, chen, pm, rationale_zh_hans="范围比日期重要。"),
    )

    assert response.status_code == 400
    assert f"{HELEN} reads Chinese: there is no Chinese text of the alternative chosen" in (
        response.content.decode()
    )


def test_with_send_anyway_ticked_the_decision_is_recorded(
    informed, propose, chen, helen, pm, login
):
    extend = propose(informed, title_en="Extend")

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]),
        _data(extend, chen, pm, send_anyway="on"),
    )

    assert response.status_code == 302
    assert Decision.objects.get().alternative == extend


def test_a_decision_in_every_readers_language_is_recorded_at_once(
    informed, propose, chen, helen, pm, login
):
    extend = propose(informed, title_en="Extend", title_zh_hans="延期")

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]),
        _data(extend, chen, pm, rationale_zh_hans="范围比日期重要。"),
    )

    assert response.status_code == 302


def test_contacts_who_receive_no_updates_are_not_asked_about(
    informed, propose, chen, helen, pm, login
):
    helen.receives_updates = False
    helen.save()
    extend = propose(informed, title_en="Extend")

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]), _data(extend, chen, pm)
    )

    assert response.status_code == 302


def test_the_decision_warning_speaks_chinese_to_a_chinese_pm(
    informed, propose, chen, helen, pm, login
):
    extend = propose(informed, title_en="Extend", title_zh_hans="延期")

    response = login(pm, language="zh-hans").post(
        reverse("decision_record", args=[informed.pk]), _data(extend, chen, pm)
    )

    html = response.content.decode()
    assert f"{HELEN} 阅读中文：理由没有中文版本——将改为收到英文版本。" in html
    assert "仍然发送" in html
