"""The incident page and the comparison cost the same queries for 1 or 20 of everything."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.actionplans import services as plans
from apps.alternatives import services
from apps.alternatives.models import Alternative, Decision
from apps.projects.models import ProjectRole
from tests.factories import ClientContactFactory, member

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


@pytest.fixture
def grow(informed, pm, contact, now):
    """``grow(n)`` adds n actions, remedies, alternatives and decisions (with their people)."""
    teammate = member(informed.project, ProjectRole.MEMBER)
    second_contact = ClientContactFactory(project=informed.project)
    made = {"minutes": 0}

    def _grow(count: int) -> None:
        for n in range(count):
            made["minutes"] += 1
            moment = now - timedelta(hours=1) + made["minutes"] * MINUTE / 100
            item = plans.action_item_create(
                incident=informed,
                actor=pm,
                kind=("remediation", "prevention")[n % 2],
                title_en=f"Action {made['minutes']}",
                owner=(pm, teammate)[n % 2],
                due_at=now + (n - 5) * timedelta(hours=3),
                client_visible=bool(n % 3),
            )
            if n % 4 == 1:
                plans.action_item_update(item=item, expected_version=1, actor=pm, progress=40)
            plans.remedy_offer(
                incident=informed,
                actor=pm,
                kind="discount",
                description_en=f"Offer {made['minutes']}",
                value=n * 100,
                offered_at=moment,
            )
            alternative = services.alternative_propose(
                incident=informed,
                actor=pm,
                title_en=f"Alternative {made['minutes']}",
                description_en="A way forward.",
                schedule_impact_days=n,
                now=moment,
            )
            current = services.current_decision(informed)
            services.decision_record(
                incident=informed,
                alternative=alternative,
                actor=pm,
                rationale_en=f"Reason {made['minutes']}",
                client_agreed=[contact, second_contact],
                team_agreed=[pm, teammate],
                expected_current_decision_id=current.pk if current else None,
                decided_at=moment,
                meeting=None,
            )

    return _grow


@pytest.mark.parametrize("page", ["incident_detail", "alternative_compare"])
def test_the_page_costs_the_same_queries_for_1_and_20_of_everything(
    informed, grow, pm, login, page
):
    client = login(pm)
    url = reverse(page, args=[informed.pk])
    grow(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    grow(19)
    with CaptureQueriesContext(connection) as twenty:
        html = client.get(url).content.decode()

    assert Alternative.objects.filter(incident=informed).count() == 20
    assert Decision.objects.filter(incident=informed).count() == 20
    assert html.count("Alternative 20") >= 1
    assert len(twenty.captured_queries) == len(one.captured_queries)
