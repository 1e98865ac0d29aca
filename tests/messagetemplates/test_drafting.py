"""A new update starts from a template: plain links, both texts filled from the incident."""

import pytest
from django.urls import reverse

from apps.messagetemplates import services
from apps.messagetemplates.kinds import KINDS
from tests.factories import StatusUpdateFactory, informed_incident

pytestmark = pytest.mark.django_db


def _new(incident):
    return reverse("update_create", args=[incident.pk])


def _menu(response):
    return [item["kind"] for item in response.context["template_menu"]]


def test_the_form_offers_every_template_as_a_link(realistic, pm, login):
    response = login(pm).get(_new(realistic))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Start from a template" in body
    for kind in KINDS:
        assert f'href="{_new(realistic)}?template={kind}"' in body
    assert response.context["form"]["body_en"].value() in (None, "")


def test_the_first_notice_is_suggested_until_the_client_heard_from_us(realistic, pm, login):
    assert _menu(login(pm).get(_new(realistic)))[0] == "first_notice"


def test_the_status_update_is_suggested_once_the_client_heard(project, pm, now, login):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    assert _menu(login(pm).get(_new(incident)))[0] == "update"


def test_choosing_a_template_fills_both_languages_from_the_incident(realistic, pm, login):
    response = login(pm).get(_new(realistic) + "?template=first_notice")
    form = response.context["form"]
    en, zh = form["body_en"].value(), form["body_zh_hans"].value()
    assert en.startswith("Dear Northwind Logistics team,")
    assert "The routing algorithm recalculates every route on each change." in en
    assert "Wednesday 12 March 2025, 17:00 China Standard Time (UTC+8)" in en
    assert "路径算法在每次变化时都会重新计算全部路线。" in zh
    assert "2025年3月12日（周三）17:00（北京时间）" in zh
    assert 'aria-current="true"' in response.content.decode()


def test_the_projects_own_template_is_used_when_drafting(realistic, project, pm, login):
    services.template_save(
        project=project,
        kind="update",
        language="en",
        body="Hello {client}. Our next update will reach you by {next_update}.",
        actor=pm,
    )
    response = login(pm).get(_new(realistic) + "?template=update")
    assert response.context["form"]["body_en"].value() == (
        "Hello Northwind Logistics. Our next update will reach you by "
        "Wednesday 12 March 2025, 17:00 China Standard Time (UTC+8).\n"
    )
    services.template_reset(project=project, kind="update", language="en", actor=pm)
    response = login(pm).get(_new(realistic) + "?template=update")
    assert response.context["form"]["body_en"].value().startswith("Dear Northwind Logistics team,")


def test_an_unknown_template_is_ignored_with_a_message(realistic, pm, login):
    response = login(pm).get(_new(realistic) + "?template=<b>complaint</b>")
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is no message template “&lt;b&gt;complaint&lt;/b&gt;”" in body
    assert response.context["form"]["body_en"].value() in (None, "")


def test_editing_a_draft_offers_no_template(realistic, pm, login):
    update = StatusUpdateFactory(incident=realistic, author=pm, body_en="Our own words.")
    url = reverse("update_edit", args=[realistic.pk, update.pk])
    response = login(pm).get(url + "?template=update")
    assert "Start from a template" not in response.content.decode()
    assert response.context["form"]["body_en"].value() == "Our own words."


def test_a_posted_draft_keeps_what_was_typed_and_not_the_template(realistic, pm, login):
    response = login(pm).post(
        _new(realistic) + "?template=update", {"body_en": "", "body_zh_hans": ""}
    )
    assert response.status_code == 400
    assert "template_menu" not in response.context
