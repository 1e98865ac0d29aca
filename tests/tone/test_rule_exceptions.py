"""A project's PMs switch a tone rule off, with a reason, and back on; the record keeps both.

Its findings then no longer show in that project's incidents, and still do in others'.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.events.models import Event
from apps.projects.models import ProjectRole
from apps.tone.models import RuleException
from apps.tone.services import rule_switch_off
from tests.factories import MembershipFactory, ProjectFactory, informed_incident, member

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
RULE = "en.blame.not-our-fault"
REASON = "Our contract names the client's data feed; we quote it in every update."
BLAMING = {
    "body_en": "The import failed. This is not our fault.",
    "body_zh_hans": "导入失败了。这不是我们的责任。",
}
EN_MARK = '<mark class="tone-mark" aria-describedby="tone-body-en-1">This is not our fault</mark>'
ZH_MARK = '<mark class="tone-mark" aria-describedby="tone-body-zh-hans-1">不是我们的责任</mark>'


def _page(project):
    return reverse("project_tone_rules", args=[project.pk])


def _switch_off(client, project, rule=RULE, reason=REASON):
    return client.post(
        reverse("project_rule_switch_off", args=[project.pk]), {"rule": rule, "reason": reason}
    )


def _switch_on_url(exception):
    return reverse("project_rule_switch_on", args=[exception.project_id, exception.pk])


def _preview(client, incident):
    return client.post(reverse("update_preview", args=[incident.pk]), BLAMING).content.decode()


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def elsewhere(pm, now):
    """Another project's incident, where the same PM works too."""
    other = ProjectFactory()
    MembershipFactory(project=other, user=pm, role=ProjectRole.PM)
    return informed_incident(project=other, declared_by=pm, now=now - 2 * HOUR)


# --- switching off, and what the incidents show then ----------------------------------------


def test_a_pm_switches_a_rule_off_with_a_reason_on_the_record(project, pm, login, now):
    response = _switch_off(login(pm), project)

    assert response.status_code == 302
    assert response["Location"] == _page(project) + "#switched-off"
    exception = RuleException.objects.get(project=project)
    assert (exception.rule, exception.reason, exception.created_by) == (RULE, REASON, pm)
    assert exception.created_at == now
    event = Event.objects.get(verb="tone.rule_switched_off")
    assert (event.actor, event.project_id) == (pm, project.pk)
    assert event.occurred_at == now
    assert event.data == {
        "rule": RULE,
        "language": "en",
        "category": "blame",
        "reason": REASON,
    }


def test_the_switched_off_rule_is_listed_with_why_who_and_when(project, pm, login):
    client = login(pm)
    _switch_off(client, project)

    html = client.get(_page(project)).content.decode()

    assert f"<code>{RULE}</code>" in html
    assert "Blame and defensiveness · English" in html
    assert "Saying it is not your fault makes the client argue about blame" in html
    assert REASON.replace("'", "&#x27;") in html
    assert (pm.get_full_name() or pm.get_username()) in html
    assert "Switch back on" in html


def test_the_explanation_is_in_the_readers_language(project, pm, login):
    client = login(pm)
    _switch_off(client, project, rule="zh.blame.not-our-responsibility")

    english = client.get(_page(project)).content.decode()
    chinese = login(pm, language="zh-hans").get(_page(project)).content.decode()

    assert "Denying responsibility makes the client argue about blame" in english
    assert "急于撇清责任" in chinese
    assert "返回项目" in chinese


def test_its_finding_no_longer_shows_in_the_projects_incidents_but_still_does_elsewhere(
    project, pm, login, informed, elsewhere
):
    client = login(pm)
    assert EN_MARK in _preview(client, informed)

    _switch_off(client, project)

    here = _preview(client, informed)
    assert EN_MARK not in here and "This is not our fault" in here
    # Only that rule: the Chinese text's blame is still found.
    assert ZH_MARK in here
    assert EN_MARK in _preview(client, elsewhere)


def test_switching_it_back_on_shows_the_finding_again_and_is_recorded(
    project, pm, login, informed, now
):
    client = login(pm)
    _switch_off(client, project)
    exception = RuleException.objects.get(project=project)

    response = client.post(_switch_on_url(exception))

    assert response.status_code == 302
    assert not RuleException.objects.exists()
    assert EN_MARK in _preview(client, informed)
    event = Event.objects.get(verb="tone.rule_switched_on")
    assert (event.actor, event.project_id) == (pm, project.pk)
    assert event.data["rule"] == RULE
    assert event.data["reason_it_was_off"] == REASON


def test_a_get_on_switch_on_only_asks(project, pm, login):
    client = login(pm)
    _switch_off(client, project)
    exception = RuleException.objects.get(project=project)

    response = client.get(_switch_on_url(exception))

    assert response.status_code == 200
    assert "Switch back on" in response.content.decode()
    assert RuleException.objects.filter(pk=exception.pk).exists()


def test_pmo_staff_may_switch_a_rule_off(project, pmo, login):
    assert _switch_off(login(pmo), project).status_code == 302
    assert RuleException.objects.get(project=project).created_by == pmo


def test_the_catalogue_on_the_page_offers_a_prefilled_form(project, pm, login):
    html = login(pm).get(_page(project) + "?rule=en.vague.asap").content.decode()

    assert f'href="{_page(project)}?rule=en.vague.asap#switch-off"' in html
    assert '<option value="en.vague.asap" selected>' in html
    assert "<optgroup label=" in html


def test_the_catalogue_on_the_page_marks_what_the_project_switched_off(project, pm, login):
    client = login(pm)
    _switch_off(client, project)

    html = client.get(_page(project)).content.decode()

    rule_block = html.split(f'id="rule-{RULE}"', 1)[1].split("</li>", 1)[0]
    assert "switched off for this project" in rule_block
    assert "?rule=" not in rule_block


# --- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.VIEWER])
def test_team_members_and_viewers_read_the_page_without_buttons(project, pm, login, role):
    rule_switch_off(project=project, rule=RULE, reason=REASON, actor=pm)
    reader = member(project, role, username="reader")

    response = login(reader).get(_page(project))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<code>{RULE}</code>" in html
    assert "Switch back on" not in html
    assert "Switch off for this project" not in html
    assert reverse("project_rule_switch_off", args=[project.pk]) not in html


def test_a_team_member_cannot_switch_a_rule_off_or_on(project, pm, team_member, login):
    exception = rule_switch_off(project=project, rule="en.vague.asap", reason=REASON, actor=pm)
    client = login(team_member)

    assert _switch_off(client, project).status_code == 403
    assert client.post(_switch_on_url(exception)).status_code == 403
    assert client.get(_switch_on_url(exception)).status_code == 403
    assert list(RuleException.objects.values_list("rule", flat=True)) == ["en.vague.asap"]


def test_a_non_member_gets_404_on_the_page_and_the_posts(project, pm, stranger, login):
    exception = rule_switch_off(project=project, rule=RULE, reason=REASON, actor=pm)
    client = login(stranger)

    assert client.get(_page(project)).status_code == 404
    assert _switch_off(client, project, rule="en.vague.asap").status_code == 404
    assert client.post(_switch_on_url(exception)).status_code == 404
    assert RuleException.objects.count() == 1


def test_another_projects_exception_is_404_here(project, pm, login):
    other = ProjectFactory()
    exception = rule_switch_off(project=other, rule=RULE, reason=REASON, actor=pm)

    response = login(pm).post(reverse("project_rule_switch_on", args=[project.pk, exception.pk]))

    assert response.status_code == 404
    assert RuleException.objects.filter(pk=exception.pk).exists()


def test_switching_needs_a_post(project, pm, login):
    response = login(pm).get(reverse("project_rule_switch_off", args=[project.pk]))

    assert response.status_code == 405
    assert not RuleException.objects.exists()


# --- bad input --------------------------------------------------------------------------


def test_no_reason_is_refused_with_the_rule_kept(project, pm, login):
    response = _switch_off(login(pm), project, reason="   ")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why, so that the team knows later." in html
    assert f'<option value="{RULE}" selected>' in html
    assert not RuleException.objects.exists()
    assert not Event.objects.filter(verb="tone.rule_switched_off").exists()


def test_an_unknown_rule_is_refused_with_the_reason_kept(project, pm, login):
    response = _switch_off(login(pm), project, rule="en.blame.no-such-rule")

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no tone rule with that name." in html
    assert "Our contract names the client&#x27;s data feed" in html
    assert not RuleException.objects.exists()


def test_a_rule_already_off_is_refused_with_the_reason_kept(project, pm, login):
    client = login(pm)
    _switch_off(client, project)

    response = _switch_off(client, project, reason="Once more, with feeling.")

    assert response.status_code == 400
    html = response.content.decode()
    assert "This rule is already switched off for the project." in html
    assert "Once more, with feeling." in html
    assert RuleException.objects.count() == 1
    assert Event.objects.filter(verb="tone.rule_switched_off").count() == 1


def test_the_refusal_is_in_a_chinese_pms_language(project, pm, login):
    response = _switch_off(login(pm, language="zh-hans"), project, reason="")

    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("zh-hans"):
        assert gettext("Say why, so that the team knows later.") in html
    assert "返回项目" in html


def test_a_reason_that_is_too_long_is_refused(project, pm, login):
    response = _switch_off(login(pm), project, reason="x" * 1001)

    assert response.status_code == 400
    assert "Keep the reason under 1000 characters." in response.content.decode()


def test_what_is_typed_is_escaped(project, pm, login):
    client = login(pm)
    _switch_off(client, project, reason="<script>alert(1)</script>")

    html = client.get(_page(project)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- cost -------------------------------------------------------------------------------


def test_the_page_costs_the_same_queries_however_many_rules_are_off(
    project, pm, login, django_assert_max_num_queries
):
    client = login(pm)
    rule_switch_off(project=project, rule=RULE, reason=REASON, actor=pm)
    with django_assert_max_num_queries(8) as one:
        assert client.get(_page(project)).status_code == 200
    for rule in ("en.vague.asap", "en.blame.your-team-should-have", "en.blame.as-we-told-you"):
        other = member(project, ProjectRole.PM)
        rule_switch_off(project=project, rule=rule, reason=REASON, actor=other)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(_page(project)).status_code == 200


def test_the_projects_history_shows_both_changes(project, pm, login):
    client = login(pm)
    _switch_off(client, project)
    client.post(_switch_on_url(RuleException.objects.get(project=project)))

    html = client.get(reverse("project_history", args=[project.pk])).content.decode()

    assert "Switched a tone-check rule off for the project" in html
    assert "Switched a tone-check rule back on for the project" in html
