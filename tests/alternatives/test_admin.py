"""The admin for the plan, remedies, alternatives and decisions: lists, search, filters.

Corrections go through the services (versions, notes, rules); decisions are read-only.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.actionplans import services as plans
from apps.actionplans.models import ActionItem, Remedy
from apps.alternatives.models import Alternative, Decision
from apps.communications.models import LogEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def objects(informed, propose, decide, pm, now):
    item = plans.action_item_create(
        incident=informed,
        actor=pm,
        kind="remediation",
        title_en="Partition the engine",
        owner=pm,
        due_at=now + timedelta(days=2),
    )
    remedy = plans.remedy_offer(
        incident=informed, actor=pm, kind="discount", description_en="Ten percent off."
    )
    alternative = propose(informed, title_en="Extend thirty days")
    decision = decide(informed, alternative, rationale_en="Scope over date.")
    project = informed.project.pk
    return {
        ActionItem: (
            item,
            "Partition",
            f"status__exact=planned&incident__project__id__exact={project}",
        ),
        Remedy: (remedy, "Ten percent", "answer__exact=pending&kind__exact=discount"),
        Alternative: (alternative, "thirty", "status__exact=chosen"),
        Decision: (decision, "Scope", "superseded_at__isempty=1"),
    }


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


MODELS = [ActionItem, Remedy, Alternative, Decision]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_with_search_and_filter_finds_the_object(objects, superuser, login, model):
    obj, term, filters = objects[model]

    response = login(superuser).get(f"{_admin_url(model, 'changelist')}?q={term}&{filters}")

    assert response.status_code == 200
    assert _admin_url(model, "change", obj.pk) in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_opens_and_nothing_is_added_in_the_admin(objects, superuser, login, model):
    obj = objects[model][0]
    client = login(superuser)

    assert client.get(_admin_url(model, "change", obj.pk)).status_code == 200
    assert client.get(_admin_url(model, "add")).status_code == 403


def test_decisions_are_read_only(objects, superuser, login):
    decision = objects[Decision][0]
    client = login(superuser)

    page = client.get(_admin_url(Decision, "change", decision.pk)).content.decode()
    response = client.post(
        _admin_url(Decision, "change", decision.pk), {"rationale_en": "Rewritten history."}
    )

    assert 'name="rationale_en"' not in page
    assert response.status_code == 403
    assert client.post(_admin_url(Decision, "delete", decision.pk)).status_code == 403
    decision.refresh_from_db()
    assert decision.rationale == "Scope over date."


def _item_post(item, **changes):
    data = {
        "kind": item.kind,
        "title_en": item.title_en,
        "title_zh_hans": item.title_zh_hans,
        "description_en": item.description_en,
        "description_zh_hans": item.description_zh_hans,
        "owner": item.owner_id,
        "due_at_0": "2025-03-12",
        "due_at_1": "09:00:00",
        "status": item.status,
        "dropped_reason_en": item.dropped_reason_en,
        "dropped_reason_zh_hans": item.dropped_reason_zh_hans,
        "progress": item.progress,
        "client_visible": "on",
    }
    return data | changes


def test_an_action_corrected_in_the_admin_goes_through_the_service(objects, superuser, login):
    item = objects[ActionItem][0]

    response = login(superuser).post(
        _admin_url(ActionItem, "change", item.pk), _item_post(item, status="done")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.progress, item.version) == ("done", 100, 2)
    assert LogEntry.objects.filter(summary_en__contains="Planned → Done").exists()


def test_a_bad_owner_in_the_admin_is_a_form_error(objects, superuser, stranger, login):
    item = objects[ActionItem][0]

    response = login(superuser).post(
        _admin_url(ActionItem, "change", item.pk), _item_post(item, owner=stranger.pk)
    )

    assert response.status_code == 200
    assert "The owner must be a project manager or team member of this project." in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert item.owner_id != stranger.pk


def _alternative_post(alternative, **changes):
    data = {
        name: getattr(alternative, name) or ""
        for name in (
            "title_en",
            "title_zh_hans",
            "description_en",
            "description_zh_hans",
            "scope_impact_en",
            "scope_impact_zh_hans",
            "risks_en",
            "risks_zh_hans",
            "pros_en",
            "pros_zh_hans",
            "cons_en",
            "cons_zh_hans",
        )
    }
    data |= {"schedule_impact_days": "", "cost_impact": ""}
    return data | changes


def test_an_alternative_corrected_in_the_admin_goes_through_the_service(objects, superuser, login):
    alternative = objects[Alternative][0]

    response = login(superuser).post(
        _admin_url(Alternative, "change", alternative.pk),
        _alternative_post(alternative, title_zh_hans="延期三十天"),
    )

    assert response.status_code == 302
    alternative.refresh_from_db()
    assert (alternative.title_en, alternative.title_zh_hans) == ("Extend thirty days", "延期三十天")
    assert alternative.version == 3  # proposed, chosen, corrected


def test_an_alternative_without_a_title_in_the_admin_is_a_form_error(objects, superuser, login):
    alternative = objects[Alternative][0]

    response = login(superuser).post(
        _admin_url(Alternative, "change", alternative.pk),
        _alternative_post(alternative, title_en="", title_zh_hans=""),
    )

    assert response.status_code == 200
    assert "Give the alternative a short title, in English or in Chinese." in (
        response.content.decode()
    )
    alternative.refresh_from_db()
    assert alternative.title_en == "Extend thirty days"
