"""The project's templates pages: who reads, who changes, the preview, the reset."""

import pytest
from django.urls import reverse

from apps.events.models import Event
from apps.messagetemplates import services
from apps.messagetemplates.kinds import MAX_BODY_CHARS, default_body
from apps.messagetemplates.models import ProjectTemplate
from apps.projects.models import ProjectRole
from tests.factories import member

pytestmark = pytest.mark.django_db

OWN = "Dear {client} team,\n\nWe are sorry. Our next update will reach you by {next_update}.\n"


def _list(project):
    return reverse("message_templates", args=[project.pk])


def _edit(project, kind="first_notice", language="en"):
    return reverse("message_template_edit", args=[project.pk, kind, language])


def _reset(project, kind="first_notice", language="en"):
    return reverse("message_template_reset", args=[project.pk, kind, language])


def test_the_project_page_links_to_its_templates(project, pm, login):
    body = login(pm).get(project.get_absolute_url()).content.decode()
    assert f'href="{_list(project)}"' in body


def test_the_list_shows_each_kind_in_both_languages_and_who_changed_it(project, pm, login):
    services.template_save(
        project=project, kind="update", language="zh-hans", body="{next_update}前更新。", actor=pm
    )
    response = login(pm).get(_list(project))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 12
    changed = [(r.kind, r.language) for r in rows if not r.is_default]
    assert changed == [("update", "zh-hans")]
    body = response.content.decode()
    assert "Changed for this project" in body and pm.get_full_name() in body
    assert f'href="{_reset(project, "update", "zh-hans")}"' in body


def test_the_editor_lists_the_placeholders_previews_a_sample_and_checks_the_tone(
    project, pm, login
):
    response = login(pm).get(_edit(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "{next_update}" in body and "{options}" in body
    assert response.context["preview_incident"] is None
    assert "Filled with an example" in body
    assert response.context["tone"] == []
    assert "nothing to point out" in body


def test_the_preview_is_filled_from_the_latest_open_incident(realistic, project, pm, login):
    response = login(pm).get(_edit(project, "update", "zh-hans"))
    assert response.context["preview_incident"] == realistic
    assert "路径算法" not in str(response.context["preview_html"])  # the update has no cause
    assert "约85%的功能已完成并通过测试。" in str(response.context["preview_html"])


def test_the_pm_saves_a_template(project, pm, login):
    response = login(pm).post(_edit(project), {"body": OWN, "save": ""})
    assert response.status_code == 302
    assert ProjectTemplate.objects.get(project=project).body == OWN
    assert Event.objects.filter(verb="message_template.saved").count() == 1


def test_the_preview_button_shows_the_typed_text_without_saving(project, pm, login):
    typed = "We are sorry, {client}. Our next update will reach you by {next_update}.\n\nASAP!!!"
    response = login(pm).post(_edit(project), {"body": typed, "preview": ""})
    assert response.status_code == 200
    assert not ProjectTemplate.objects.exists()
    assert response.context["body"] == typed
    assert any(reading.notes for reading in response.context["tone"])


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Hello {customer}, next update by {next_update}.", "{customer} is not a placeholder"),
        ("   ", "reset it to the default"),
        ("x" * (MAX_BODY_CHARS + 5), "at most"),
    ],
)
def test_bad_input_is_explained_and_kept(project, pm, login, typed, error):
    response = login(pm).post(_edit(project), {"body": typed, "save": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert error in body
    assert response.context["body"] == typed
    assert not ProjectTemplate.objects.exists()


def test_a_team_member_reads_but_does_not_change(project, login):
    teammate = member(project, ProjectRole.MEMBER, username="mate")
    client = login(teammate)
    assert client.get(_list(project)).status_code == 200
    response = client.get(_edit(project))
    assert response.status_code == 200
    assert "Save the template" not in response.content.decode()
    assert client.post(_edit(project), {"body": OWN}).status_code == 403
    assert client.get(_reset(project)).status_code == 403
    assert not ProjectTemplate.objects.exists()


def test_pmo_staff_change_any_projects_templates(project, pmo, login):
    assert login(pmo).post(_edit(project), {"body": OWN, "save": ""}).status_code == 302


def test_a_stranger_sees_nothing(project, stranger, login):
    client = login(stranger)
    assert client.get(_list(project)).status_code == 404
    assert client.get(_edit(project)).status_code == 404
    assert client.post(_reset(project)).status_code == 404


def test_an_unknown_kind_or_language_is_a_404(project, pm, login):
    client = login(pm)
    assert client.get(_edit(project, "complaint", "en")).status_code == 404
    assert client.get(_edit(project, "update", "fr")).status_code == 404


def test_reset_asks_first_then_brings_the_default_back(project, pm, login):
    services.template_save(project=project, kind="first_notice", language="en", body=OWN, actor=pm)
    client = login(pm)
    asked = client.get(_reset(project))
    assert asked.status_code == 200
    assert "Reset to default" in asked.content.decode()
    assert ProjectTemplate.objects.exists()
    done = client.post(_reset(project))
    assert done.status_code == 302
    assert not ProjectTemplate.objects.exists()
    assert Event.objects.get(verb="message_template.reset").data["body"] == OWN
    editor = client.get(_edit(project))
    assert editor.context["body"] == default_body("first_notice", "en")


def test_resetting_a_default_says_there_is_nothing_to_reset(project, pm, login):
    response = login(pm).get(_reset(project))
    assert response.status_code == 200
    assert "default already" in response.content.decode()
