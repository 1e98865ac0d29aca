"""The status page shows the plan, the options compared, the decision and the remedies."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.actionplans import services as plan
from apps.actionplans.models import ActionItemKind, ActionItemStatus
from apps.alternatives import services as alternatives
from apps.communications import services as communications
from apps.statuspage import pagecache
from tests.factories import ClientContactFactory, informed_incident

from .support import make_link, page_url

HOUR = timedelta(hours=1)


def _page(client, token) -> str:
    response = client.get(page_url(token), {"lang": "en"})
    assert response.status_code == 200
    return response.content.decode()


def _item(incident, owner, title, **changes):
    item = plan.action_item_create(
        incident=incident,
        actor=owner,
        kind=changes.pop("kind", ActionItemKind.REMEDIATION),
        title_en=title,
        owner=owner,
        due_at=incident.declared_at + 48 * HOUR,
        client_visible=changes.pop("client_visible", True),
    )
    if changes:
        item = plan.action_item_update(
            item=item, expected_version=item.version, actor=owner, **changes
        )
    return item


def _alternative(incident, pm, title, **fields):
    return alternatives.alternative_propose(
        incident=incident, actor=pm, title_en=title, description_en=f"{title} in detail", **fields
    )


def test_client_visible_actions_appear_with_their_progress_and_the_plan_total(
    client, project, pm, now
):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    _item(incident, pm, "Partition the engine", progress=40)
    _item(
        incident,
        pm,
        "Review architecture",
        kind=ActionItemKind.PREVENTION,
        status=ActionItemStatus.DONE,
    )
    _item(incident, pm, "Reassign the contractor", client_visible=False)
    _link, token = make_link(incident)

    html = _page(client, token)

    assert "Our action plan" in html
    assert "Fixing the problem" in html and "Making sure it does not happen again" in html
    assert "Partition the engine" in html and 'value="40"' in html
    assert "Review architecture" in html
    assert "Overall progress: 70 %" in html  # (40 + 100) / 2, the hidden one not counted
    assert "Reassign the contractor" not in html


def test_a_dropped_action_shows_why_and_does_not_count_in_the_progress(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    _item(incident, pm, "Kept", progress=50)
    _item(
        incident, pm, "Given up", status=ActionItemStatus.DROPPED, dropped_reason_en="Not needed."
    )
    _link, token = make_link(incident)

    html = _page(client, token)

    assert "Not needed." in html
    assert "Overall progress: 50 %" in html


def test_the_options_are_compared_and_the_decision_shown_with_date_and_reasons(
    client, project, pm, now
):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    contact = ClientContactFactory(project=project, name="Chen Jing")
    extend = _alternative(incident, pm, "Extend 30 days", schedule_impact_days=30)
    _alternative(incident, pm, "Cut scope", schedule_impact_days=0, cost_impact=Decimal("60000"))
    _alternative(incident, pm, "Ship early", schedule_impact_days=-5)
    alternatives.decision_record(
        incident=incident,
        alternative=extend,
        actor=pm,
        rationale_en="Keeps the whole scope.",
        client_agreed=[contact],
        team_agreed=[pm],
        expected_current_decision_id=None,
        others_reason_en="Operations need the full scope.",
    )
    _link, token = make_link(incident)

    html = _page(client, token)

    assert "The options we discussed with you" in html
    for text in (
        "Extend 30 days",
        "Cut scope",
        "Ship early",
        "30 days later",
        "No delay",
        "5 days earlier",
        "CN¥60,000.00",
        "Operations need the full scope.",
    ):
        assert text in html
    assert "What we decided together" in html
    assert "Keeps the whole scope." in html
    assert "agreed by Chen Jing" in html
    assert "Decided on 10 Mar 2025" in html


def test_the_options_and_the_decision_are_read_in_the_clients_language(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    contact = ClientContactFactory(project=project)
    extend = alternatives.alternative_propose(
        incident=incident,
        actor=pm,
        title_en="Extend 30 days",
        title_zh_hans="延期 30 天",
        description_en="Partition the engine.",
        description_zh_hans="重构调度引擎。",
        risks_en="New design.",
    )
    _alternative(incident, pm, "Cut scope")
    alternatives.decision_record(
        incident=incident,
        alternative=extend,
        actor=pm,
        rationale_en="Keeps the whole scope.",
        rationale_zh_hans="保留全部范围。",
        client_agreed=[contact],
        team_agreed=[pm],
        expected_current_decision_id=None,
        others_reason_en="Operations need the full scope.",
        others_reason_zh_hans="运营方需要全部范围。",
    )
    _link, token = make_link(incident)

    chinese = client.get(page_url(token), {"lang": "zh-hans"}).content.decode()
    english = _page(client, token)

    for text in ("延期 30 天", "重构调度引擎。", "保留全部范围。", "运营方需要全部范围。"):
        assert text in chinese, text
        assert text not in english, text
    for text in ("Extend 30 days", "Keeps the whole scope.", "Operations need the full scope."):
        assert text in english, text
        assert text not in chinese, text
    assert "New design." in chinese  # written only in English, shown to every reader
    assert "Cut scope" in chinese


def test_a_superseded_decision_stays_in_the_history(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    contact = ClientContactFactory(project=project)
    first = _alternative(incident, pm, "Extend 30 days")
    second = _alternative(incident, pm, "Phase the launch")
    decision = alternatives.decision_record(
        incident=incident,
        alternative=first,
        actor=pm,
        rationale_en="First choice.",
        client_agreed=[contact],
        team_agreed=[pm],
        expected_current_decision_id=None,
        others_reason_en="Not then.",
    )
    alternatives.decision_record(
        incident=incident,
        alternative=second,
        actor=pm,
        rationale_en="The client changed mind.",
        client_agreed=[contact],
        team_agreed=[pm],
        expected_current_decision_id=decision.pk,
    )
    _link, token = make_link(incident)

    html = _page(client, token)

    assert "The client changed mind." in html
    assert "Earlier decisions" in html
    assert "Extend 30 days — decided" in html


def test_remedies_and_the_clients_answers_are_shown(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    remedy = plan.remedy_offer(
        incident=incident,
        actor=pm,
        kind="extended_warranty",
        description_en="Six more months of warranty.",
        value=Decimal("45000.00"),
    )
    plan.remedy_answer(remedy=remedy, answer="accepted", actor=remedy.offered_by)
    plan.remedy_offer(incident=incident, actor=pm, kind="discount", description_en="5 % off.")
    _link, token = make_link(incident)

    html = _page(client, token)

    assert "What we offer to make up for it" in html
    assert "Six more months of warranty." in html and "CN¥45,000.00" in html
    assert "Accepted by you" in html and "Waiting for your answer" in html


def test_a_change_of_plan_gives_the_page_a_new_etag(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    item = _item(incident, pm, "Partition the engine", progress=10)
    _link, token = make_link(incident)
    first = client.get(page_url(token))

    plan.action_item_update(item=item, expected_version=item.version, actor=pm, progress=80)
    second = client.get(page_url(token), HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert 'value="80"' in second.content.decode()


def _cold_queries(client, token) -> int:
    pagecache.clear_local()
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_url(token)).status_code == 200
    return len(queries.captured_queries)


def test_the_page_costs_the_same_queries_with_1_or_20_actions_options_and_decisions(
    client, project, pm, now
):
    contact = ClientContactFactory(project=project)
    counts = []
    for size in (1, 20):
        incident = informed_incident(project=project, declared_by=pm, now=now)
        previous = None
        for i in range(size):
            _item(incident, pm, f"Action {i}", progress=i)
            option = _alternative(incident, pm, f"Option {i}")
            plan.remedy_offer(incident=incident, actor=pm, kind="other", description_en=f"R{i}")
            previous = alternatives.decision_record(
                incident=incident,
                alternative=option,
                actor=pm,
                rationale_en=f"Why {i}",
                client_agreed=[contact],
                team_agreed=[pm],
                expected_current_decision_id=previous.pk if previous else None,
            )
        communications.log_note(incident=incident, actor=pm, summary="internal")
        counts.append(_cold_queries(client, make_link(incident)[1]))

    assert counts[0] == counts[1]
