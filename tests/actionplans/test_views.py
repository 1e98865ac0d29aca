"""The action plan and remedy pages, the plan card and the dashboard's overdue count.

Every form answers bad input with a 400 that names the problem next to the
field and keeps what was typed; nothing a user can send produces a 500.
"""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from apps.actionplans import services
from apps.actionplans.models import ActionItem, ActionItemStatus, Remedy, RemedyAnswer
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_change_status
from apps.projects.models import ProjectRole
from apps.retrospectives.services import retrospective_close_without_report
from tests.factories import (
    IncidentFactory,
    MembershipFactory,
    ProjectFactory,
    informed_incident,
    member,
)
from tests.helpers import SCRIPT

from .conftest import DAY

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
KEPT = "Kept: what I typed."


def _in_tz(user, name: str) -> None:
    user.profile.time_zone = name
    user.profile.save()


def _item_data(owner, **overrides):
    data = {
        "kind": "remediation",
        "title_en": "Partition the dispatch engine",
        "description_en": "Split the engine by region.",
        "owner": str(owner.pk),
        "due_at": "2025-03-14T18:00",
        "client_visible": "on",
    }
    return data | overrides


def _edit_data(item, **overrides):
    data = _item_data(
        item.owner,
        kind=item.kind,
        title_en=item.title,
        description_en=item.description,
        due_at="2025-03-14T18:00",
        status=item.status,
        progress=str(item.progress),
        dropped_reason_en="",
        version=str(item.version),
    )
    return data | overrides


# --- adding an action ---------------------------------------------------------------------


def test_a_team_member_adds_an_action_read_in_their_time_zone(
    informed, team_member, owner, login, now
):
    _in_tz(team_member, "Asia/Shanghai")

    response = login(team_member).post(
        reverse("action_item_create", args=[informed.pk]),
        _item_data(owner, due_at="2025-03-14T18:00"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("incident_detail", args=[informed.pk]) + "#plan"
    item = ActionItem.objects.get()
    assert item.due_at == datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    assert (item.owner, item.created_by, item.client_visible) == (owner, team_member, True)
    assert item.status == ActionItemStatus.PLANNED


def test_an_unticked_box_makes_an_internal_action(informed, pm, login):
    data = _item_data(pm)
    del data["client_visible"]

    login(pm).post(reverse("action_item_create", args=[informed.pk]), data)

    assert ActionItem.objects.get().client_visible is False


def test_the_add_form_is_client_visible_by_default_and_offers_only_the_team(
    informed, pm, owner, viewer, stranger, login
):
    html = login(pm).get(reverse("action_item_create", args=[informed.pk])).content.decode()

    [checkbox] = re.findall(r'<input[^>]*name="client_visible"[^>]*>', html)
    assert "checked" in checkbox
    assert f'value="{pm.pk}"' in html
    assert f'value="{owner.pk}"' in html
    assert f'value="{viewer.pk}"' not in html
    assert f'value="{stranger.pk}"' not in html
    assert f'value="{informed.project.pmo_lead_id}"' not in html
    assert 'type="datetime-local"' in html


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("kind", "cure", "Choose remediation or prevention."),
        ("title_en", "   ", "Give the action a short title."),
        ("title_en", "t" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("description_en", "d" * 20_000, "Keep it to 10000 characters (it has 20000)"),
        ("owner", "", "This field is required."),
        ("owner", "999999", "Choose a project manager or team member of this project."),
        ("owner", "abc", "Choose a project manager or team member of this project."),
        ("owner", "9" * 30, "Choose a project manager or team member of this project."),
        ("owner", "-1", "Choose a project manager or team member of this project."),
        ("due_at", "next week", "Enter a date and a time, for example 2025-03-10 14:30."),
        ("due_at", "2025-02-30T10:00", "Enter a date and a time, for example 2025-03-10 14:30."),
        ("due_at", "0001-01-01T00:00", "Enter a date between the years 2000 and 2100."),
        ("due_at", "9999-12-31T23:59", "Enter a date between the years 2000 and 2100."),
        ("due_at", "", "This field is required."),
    ],
)
def test_bad_action_input_is_explained_and_kept(informed, pm, login, field, value, error):
    data = _item_data(pm, description_en=KEPT) if field != "description_en" else _item_data(pm)
    data[field] = value

    response = login(pm).post(reverse("action_item_create", args=[informed.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert escape(error) in html
    if field != "description_en":
        assert KEPT in html
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "elsewhere"])
def test_an_owner_who_is_no_team_member_here_is_refused(informed, pm, viewer, login, who):
    outsider = viewer if who == "viewer" else member(ProjectFactory(), ProjectRole.PM)

    response = login(pm).post(
        reverse("action_item_create", args=[informed.pk]), _item_data(outsider, title_en=KEPT)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert escape("Choose a project manager or team member of this project.") in html
    assert KEPT in html
    assert not ActionItem.objects.exists()


def test_a_typed_script_is_shown_as_text(informed, pm, login):
    response = login(pm).post(
        reverse("action_item_create", args=[informed.pk]),
        _item_data(pm, title_en=SCRIPT, due_at="garbage"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert escape(SCRIPT) in html
    assert SCRIPT not in html


def test_an_empty_post_is_a_400_not_a_500(informed, pm, login):
    response = login(pm).post(reverse("action_item_create", args=[informed.pk]), {})

    assert response.status_code == 400
    assert "Give the action a short title." in response.content.decode()


def test_a_closed_incident_takes_no_action(informed, pm, login):
    informed = incident_change_status(
        incident=informed, status=IncidentStatus.RESOLVED, actor=informed.declared_by
    )
    # Closing needs the client report, or a reason why there is none.
    informed = retrospective_close_without_report(
        incident=informed, actor=informed.declared_by, reason="The client wants no report."
    )

    response = login(pm).post(
        reverse("action_item_create", args=[informed.pk]), _item_data(pm, title_en=KEPT)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The incident is closed: its record is final." in html
    assert KEPT in html
    assert not ActionItem.objects.exists()


# --- editing an action ---------------------------------------------------------------------


def test_the_edit_form_is_prefilled_in_the_viewers_time_zone(
    informed, add_item, pm, owner, login, now
):
    _in_tz(owner, "Asia/Shanghai")
    item = add_item(informed, owner=owner, due_at=datetime(2025, 3, 14, 10, 0, tzinfo=UTC))

    html = login(owner).get(reverse("action_item_edit", args=[informed.pk, item.pk]))
    html = html.content.decode()

    assert 'value="2025-03-14T18:00"' in html
    assert item.title in html
    assert f'<option value="{owner.pk}" selected>' in html
    assert 'name="version" value="1"' in html


def test_the_owner_reports_progress(informed, add_item, owner, login, now):
    item = add_item(informed, owner=owner)

    response = login(owner).post(
        reverse("action_item_edit", args=[informed.pk, item.pk]),
        _edit_data(item, progress="60", status="in_progress"),
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert (item.status, item.progress, item.version) == (ActionItemStatus.IN_PROGRESS, 60, 2)


def test_marking_an_action_done_sets_it_to_100_percent(informed, add_item, pm, login, now):
    item = add_item(informed)

    login(pm).post(
        reverse("action_item_edit", args=[informed.pk, item.pk]),
        _edit_data(item, status="done", progress="20"),
    )

    item.refresh_from_db()
    assert (item.status, item.progress, item.completed_at) == (ActionItemStatus.DONE, 100, now)


def test_dropping_with_a_reason_keeps_the_reason(informed, add_item, pm, login):
    item = add_item(informed)

    login(pm).post(
        reverse("action_item_edit", args=[informed.pk, item.pk]),
        _edit_data(item, status="dropped", dropped_reason_en="Option B was chosen."),
    )

    item.refresh_from_db()
    assert (item.status, item.dropped_reason) == (ActionItemStatus.DROPPED, "Option B was chosen.")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("progress", "101", "Progress is a percentage from 0 to 100."),
        ("progress", "-5", "Progress is a percentage from 0 to 100."),
        ("progress", "50%", "Progress is a percentage from 0 to 100."),
        ("progress", "lots", "Progress is a percentage from 0 to 100."),
        ("progress", "9" * 40, "Progress is a percentage from 0 to 100."),
        ("progress", "", "Progress is a percentage from 0 to 100."),
        ("status", "finished", "Choose a status from the list."),
        ("status", "dropped", "Say why the action is dropped."),
        ("version", "abc", "This form is out of date or damaged: reload the page."),
        ("version", "", "This form is out of date or damaged: reload the page."),
        ("version", "9" * 40, "This form is out of date or damaged: reload the page."),
        ("dropped_reason_en", "r" * 20_000, "Keep it to 10000 characters"),
    ],
)
def test_bad_edit_input_is_explained_and_kept(informed, add_item, pm, login, field, value, error):
    item = add_item(informed)
    data = _edit_data(item, description_en=KEPT)
    data[field] = value

    response = login(pm).post(reverse("action_item_edit", args=[informed.pk, item.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert escape(error) in html
    assert KEPT in html
    item.refresh_from_db()
    assert (item.version, item.progress, item.description) == (1, 0, "")


def test_the_drop_reason_error_is_next_to_its_field(informed, add_item, pm, login):
    item = add_item(informed)

    response = login(pm).post(
        reverse("action_item_edit", args=[informed.pk, item.pk]), _edit_data(item, status="dropped")
    )

    html = response.content.decode()
    error = html[html.index('id="error_1_id_dropped_reason_en"') :][:200]
    assert "Say why the action is dropped." in error


def test_an_action_of_another_incident_is_a_404(informed, add_item, pm, login, now):
    other = informed_incident(project=informed.project, declared_by=pm, now=now - HOUR)
    stray = add_item(other)
    client = login(pm)

    url = reverse("action_item_edit", args=[informed.pk, stray.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _edit_data(stray, title="Hijack")).status_code == 404
    stray.refresh_from_db()
    assert stray.title != "Hijack"


# --- remedies ------------------------------------------------------------------------------


def _remedy_data(**overrides):
    data = {
        "kind": "extended_warranty",
        "description_en": "Six more months of warranty.",
        "value": "45000.00",
        "offered_at": "2025-03-10T08:00",
    }
    return data | overrides


def test_the_pm_offers_a_remedy_dated_in_their_time_zone(informed, pm, login, now):
    _in_tz(pm, "Asia/Shanghai")

    response = login(pm).post(
        reverse("remedy_create", args=[informed.pk]), _remedy_data(offered_at="2025-03-10T16:00")
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#remedies")
    remedy = Remedy.objects.get()
    assert remedy.offered_at == datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
    assert remedy.value == Decimal("45000.00")
    assert (remedy.offered_by, remedy.answer) == (pm, RemedyAnswer.PENDING)


def test_a_remedy_without_a_value_is_fine(informed, pm, login):
    response = login(pm).post(
        reverse("remedy_create", args=[informed.pk]), _remedy_data(kind="extra_support", value="")
    )

    assert response.status_code == 302
    assert Remedy.objects.get().value is None


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("value", "-1", "Enter the value as a positive amount."),
        ("value", "a lot", "Enter an amount, for example 1200.50."),
        ("value", "NaN", "Enter an amount, for example 1200.50."),
        ("value", "Infinity", "Enter an amount, for example 1200.50."),
        ("value", "1" * 30, "Enter an amount below one trillion."),
        ("value", "1.234", "Enter at most 2 digits after the decimal point."),
        ("kind", "cash", "Choose a kind of remedy from the list."),
        ("description_en", "  ", "Describe what is offered."),
        ("description_en", "x" * 10_001, "Keep it to 10000 characters (it has 10001)"),
        ("offered_at", "2025-03-11T09:00", "An offer cannot be dated in the future."),
        ("offered_at", "sometime", "Enter a date and a time, for example 2025-03-10 14:30."),
    ],
)
def test_bad_remedy_input_is_explained_and_kept(informed, pm, login, field, value, error):
    data = _remedy_data(description_en=KEPT) if field != "description_en" else _remedy_data()
    data[field] = value

    response = login(pm).post(reverse("remedy_create", args=[informed.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert escape(error) in html
    if field != "description_en":
        assert KEPT in html
    assert not Remedy.objects.exists()


@pytest.fixture
def remedy(informed, pm, now):
    return services.remedy_offer(
        incident=informed,
        actor=pm,
        kind="discount",
        description_en="10 % off the next phase.",
        offered_at=now - HOUR,
        now=now,
    )


def test_the_pm_records_the_clients_answer(informed, remedy, pm, login, now):
    url = reverse("remedy_answer", args=[informed.pk, remedy.pk])
    client = login(pm)
    assert "10 % off the next phase." in client.get(url).content.decode()

    response = client.post(url, {"answer": "accepted", "answered_at": ""})

    assert response.status_code == 302
    remedy.refresh_from_db()
    assert (remedy.answer, remedy.answered_at) == (RemedyAnswer.ACCEPTED, now)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"answer": "maybe"}, "Choose the client&#x27;s answer."),
        ({}, "This field is required."),
        (
            {"answer": "declined", "answered_at": "2025-03-10T07:00"},
            "The answer cannot come before the offer.",
        ),
        ({"answer": "declined", "answered_at": "31/31/2025"}, "Enter a date and a time"),
    ],
)
def test_a_bad_answer_is_explained(informed, remedy, pm, login, data, error):
    response = login(pm).post(reverse("remedy_answer", args=[informed.pk, remedy.pk]), data)

    assert response.status_code == 400
    assert error in response.content.decode()
    remedy.refresh_from_db()
    assert remedy.answer == RemedyAnswer.PENDING


def test_a_remedy_of_another_incident_is_a_404(informed, pm, login, now):
    other = IncidentFactory(project=informed.project, declared_by=pm, now=now)
    stray = services.remedy_offer(incident=other, actor=pm, kind="other", description_en="x")

    response = login(pm).post(
        reverse("remedy_answer", args=[informed.pk, stray.pk]), {"answer": "accepted"}
    )

    assert response.status_code == 404
    stray.refresh_from_db()
    assert stray.answer == RemedyAnswer.PENDING


# --- who may do what ------------------------------------------------------------------------

#: URL name → (who may use it, the sub-object it needs)
URLS = {
    "action_item_create": ("contributor", None),
    "action_item_edit": ("contributor", "item"),
    "remedy_create": ("pm", None),
    "remedy_answer": ("pm", "remedy"),
}


@pytest.fixture
def world(informed, add_item, remedy):
    objects = {"item": add_item(informed), "remedy": remedy}

    def url(name, *, incident_pk=None, object_pk=None):
        kind = URLS[name][1]
        args = [incident_pk or informed.pk]
        if kind:
            args.append(object_pk or objects[kind].pk)
        return reverse(name, args=args)

    return url


def _snapshot():
    return (
        list(ActionItem.objects.values_list("pk", "title_en", "version", "status")),
        list(Remedy.objects.values_list("pk", "answer", "description_en")),
    )


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_strangers_get_404_like_for_an_incident_that_does_not_exist(
    world, stranger, login, name, method
):
    client = login(stranger)
    before = _snapshot()

    real = getattr(client, method)(world(name), {"title_en": "Hijack", "answer": "accepted"})
    ghost = getattr(client, method)(world(name, incident_pk=10**9))

    assert real.status_code == ghost.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_viewers_get_403_on_every_write(world, viewer, login, name, method):
    client = login(viewer)
    before = _snapshot()

    response = getattr(client, method)(world(name), {"title_en": "Hijack", "answer": "accepted"})

    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("name", URLS)
def test_team_members_update_the_plan_but_offer_nothing(world, team_member, login, name):
    response = login(team_member).get(world(name))

    assert response.status_code == (403 if URLS[name][0] == "pm" else 200)


@pytest.mark.parametrize("name", URLS)
def test_pm_and_pmo_staff_may_open_every_page(world, pm, pmo, login, name):
    for user in (pm, pmo):
        assert login(user).get(world(name)).status_code == 200


@pytest.mark.parametrize("name", URLS)
def test_anonymous_visitors_are_sent_to_log_in(world, client, name):
    response = client.get(world(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", URLS)
def test_ids_too_large_for_the_database_are_a_404(world, pm, login, name):
    client = login(pm)
    huge = 10**30

    assert client.get(world(name, incident_pk=huge)).status_code == 404
    if URLS[name][1]:
        assert client.get(world(name, object_pk=huge)).status_code == 404
        assert client.post(world(name, object_pk=huge)).status_code == 404


# --- the plan on the incident page -----------------------------------------------------------


def test_the_incident_page_shows_the_plan_grouped_with_its_progress(
    informed, add_item, pm, owner, viewer, login, now
):
    _in_tz(viewer, "Asia/Shanghai")
    done = add_item(informed, title_en="Partition the engine", owner=owner)
    services.action_item_update(item=done, expected_version=1, actor=pm, status="done")
    half = add_item(informed, title_en="Load test", due_at=now - HOUR)
    services.action_item_update(item=half, expected_version=1, actor=pm, progress=50)
    dropped = add_item(informed, kind="prevention", title_en="Hire a consultant")
    services.action_item_update(
        item=dropped,
        expected_version=1,
        actor=pm,
        status="dropped",
        dropped_reason_en="Not needed after all.",
    )
    add_item(
        informed,
        kind="prevention",
        title_en="Load tests every iteration",
        client_visible=False,
        due_at=datetime(2025, 3, 20, 2, 0, tzinfo=UTC),
    )

    html = login(viewer).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    # (100 + 50 + 0) / 3: the dropped action does not count.
    assert 'max="100" value="50"' in html
    assert "50 %" in html
    assert html.index("Remediation — fixing the current problem") < html.index(
        "Partition the engine"
    )
    assert html.index("Prevention — so that it does not happen again") < html.index(
        "Load tests every iteration"
    )
    assert "Not needed after all." in html
    assert "Jun Wang" in html
    assert "20 Mar 2025, 10:00" in html  # 02:00 UTC in Shanghai
    overdue = html[html.index(f'id="item-{half.pk}"') :][:1500]
    assert "item-overdue" in overdue
    assert html.count("item-overdue") == 1
    internal = html[html.index("Load tests every iteration") - 600 :][:1200]
    assert ">internal<" in internal
    assert "client-visible" in html
    assert reverse("action_item_create", args=[informed.pk]) not in html  # a viewer
    assert reverse("action_item_edit", args=[informed.pk, half.pk]) not in html


def test_team_members_are_offered_the_plan_but_not_the_remedies(informed, team_member, login):
    html = login(team_member).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    assert reverse("action_item_create", args=[informed.pk]) in html
    assert reverse("remedy_create", args=[informed.pk]) not in html


def test_adding_an_action_shows_on_the_timeline(informed, pm, login):
    client = login(pm)
    client.post(
        reverse("action_item_create", args=[informed.pk]), _item_data(pm, title_en="Load test")
    )

    html = client.get(reverse("incident_detail", args=[informed.pk])).content.decode()

    timeline = html[html.index('id="timeline"') :]
    assert "Action added to the plan: Load test" in timeline


def test_the_remedies_card_shows_offer_and_answer(informed, remedy, pm, viewer, login):
    services.remedy_answer(remedy=remedy, answer=RemedyAnswer.DECLINED, actor=remedy.offered_by)

    html = login(viewer).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    card = html[html.index('id="remedies"') :]
    assert "Discount" in card
    assert "10 % off the next phase." in card
    assert "Declined" in card
    assert reverse("remedy_answer", args=[informed.pk, remedy.pk]) not in html


# --- the dashboard --------------------------------------------------------------------------


def _incident_with_items(user, now, *, overdue: int, on_time: int):
    project = ProjectFactory()
    MembershipFactory(project=project, user=user, role=ProjectRole.PM)
    incident = informed_incident(project=project, declared_by=user, now=now - 2 * HOUR)
    for n in range(overdue + on_time):
        services.action_item_create(
            incident=incident,
            actor=user,
            kind="remediation",
            title_en=f"Action {n}",
            owner=user,
            due_at=now - HOUR if n < overdue else now + DAY,
        )
    return incident


def test_the_dashboard_counts_overdue_actions(pm, login, now):
    late = _incident_with_items(pm, now, overdue=2, on_time=1)
    _incident_with_items(pm, now, overdue=0, on_time=2)
    done = late.action_items.order_by("pk").first()
    services.action_item_update(item=done, expected_version=1, actor=pm, status="done")
    _incident_with_items(pm, now, overdue=1, on_time=0)

    html = login(pm).get(reverse("dashboard")).content.decode()

    assert html.count("actions-overdue") == 2
    assert html.count("1 action overdue") == 2


def test_counting_overdue_actions_costs_no_query_per_incident_or_item(pm, login, now):
    client = login(pm)
    _incident_with_items(pm, now, overdue=1, on_time=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard"))

    for n in range(19):
        _incident_with_items(pm, now, overdue=n % 3, on_time=n % 2)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("dashboard")).content.decode()

    assert html.count('class="list-group-item') == 20
    assert len(many.captured_queries) == len(one.captured_queries)
