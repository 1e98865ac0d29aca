"""Two people editing at once: the second save is refused, both versions shown, nothing lost.

For the disclosure, an action and an alternative: a form remembers the
version it was opened at; a save over someone else's is a 409 page with
their version (as saved now) next to the typed one, the typing kept in the
form and the hidden version moved on, so that saving again deliberately
overwrites.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.actionplans import services as plans
from apps.actionplans.models import ActionItem
from apps.alternatives import services as alternatives
from apps.alternatives.models import Alternative
from apps.core.concurrency import EditConflict
from apps.incidents import services
from apps.incidents.models import Incident, IncidentSeverity
from apps.projects.models import ProjectRole
from tests.factories import informed_incident, member

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def colleague(project):
    return member(project, ProjectRole.PM, username="anna", first_name="Anna", last_name="Schmidt")


def _hidden_version(html: str) -> str:
    [tag] = re.findall(r'<input type="hidden" name="version"[^>]*>', html)
    return re.search(r'value="(\d+)"', tag).group(1)


def _conflict_table(html: str) -> list[tuple[str, str, str]]:
    table = html[html.index('class="table table-sm table-bordered') : html.index("</table>")]
    return [
        (label.strip(), theirs.strip(), yours.strip())
        for label, theirs, yours in re.findall(
            r'<th scope="row">([^<]*)</th><td class="prewrap theirs">([^<]*)</td>'
            r'<td class="prewrap yours">([^<]*)</td>',
            table,
        )
    ]


# --- the disclosure ------------------------------------------------------------------------


def _disclosure(incident, **changes):
    data = {
        "title_en": incident.title,
        "summary_en": incident.summary,
        "severity": incident.severity,
        "cause_en": incident.cause,
        "current_state_en": incident.current_state,
        "version": str(incident.version),
    }
    return data | changes


def test_the_disclosure_service_refuses_an_outdated_version(informed):
    services.incident_update_disclosure(
        incident=informed, expected_version=1, cause_en="Index.", actor=informed.declared_by
    )

    with pytest.raises(EditConflict) as exc:
        services.incident_update_disclosure(
            incident=Incident.objects.get(pk=informed.pk),
            expected_version=1,
            cause_en="Mine.",
            actor=Incident.objects.get(pk=informed.pk).declared_by,
        )

    assert (exc.value.current.cause, exc.value.current.version) == ("Index.", 2)


def test_a_disclosure_saved_meanwhile_is_shown_next_to_mine_and_my_text_is_kept(
    informed, pm, colleague, login
):
    url = reverse("incident_edit", args=[informed.pk])
    client = login(pm)
    opened = client.get(url).content.decode()
    assert _hidden_version(opened) == "1"
    # Anna saves first, from her own form.
    services.incident_update_disclosure(
        incident=Incident.objects.get(pk=informed.pk),
        expected_version=1,
        cause_en="The routing algorithm does not scale.",
        severity=IncidentSeverity.CRITICAL,
        actor=Incident.objects.get(pk=informed.pk).declared_by,
    )

    mine = _disclosure(
        informed,
        cause_en="Load tests ran on a tenth of the fleet.",
        current_state_en="85 % of the features are done.",
        version="1",
    )
    response = client.post(url, mine)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved a change while you were editing" in html
    rows = {label: (theirs, yours) for label, theirs, yours in _conflict_table(html)}
    assert rows["Cause (English)"] == (
        "The routing algorithm does not scale.",
        "Load tests ran on a tenth of the fleet.",
    )
    assert rows["Severity"] == ("Critical", "High")
    assert rows["Current state (English)"] == ("—", escape("85 % of the features are done."))
    assert "Title (English)" not in rows  # the same in both
    # The form still holds what I typed, at the version saved now.
    assert "Load tests ran on a tenth of the fleet.</textarea>" in html
    assert _hidden_version(html) == "2"
    informed.refresh_from_db()
    assert (informed.cause, informed.version) == ("The routing algorithm does not scale.", 2)

    again = client.post(url, mine | {"version": _hidden_version(html)})

    assert again.status_code == 302
    informed.refresh_from_db()
    assert informed.cause == "Load tests ran on a tenth of the fleet."
    assert informed.current_state == "85 % of the features are done."
    assert informed.version == 3


def test_a_third_save_in_between_is_caught_again(informed, pm, login):
    url = reverse("incident_edit", args=[informed.pk])
    client = login(pm)
    services.incident_update_disclosure(
        incident=informed, expected_version=1, cause_en="Two.", actor=informed.declared_by
    )
    first = client.post(url, _disclosure(informed, cause_en="Mine.", version="1"))
    services.incident_update_disclosure(
        incident=Incident.objects.get(pk=informed.pk),
        expected_version=2,
        cause_en="Three.",
        actor=Incident.objects.get(pk=informed.pk).declared_by,
    )

    second = client.post(
        url,
        _disclosure(informed, cause_en="Mine.", version=_hidden_version(first.content.decode())),
    )

    assert second.status_code == 409
    assert _hidden_version(second.content.decode()) == "3"
    informed.refresh_from_db()
    assert informed.cause == "Three."


def test_an_edit_without_conflict_moves_the_version_on(informed, pm, login):
    response = login(pm).post(
        reverse("incident_edit", args=[informed.pk]), _disclosure(informed, cause_en="Index.")
    )

    assert response.status_code == 302
    informed.refresh_from_db()
    assert (informed.cause, informed.version) == ("Index.", 2)


def test_a_missing_version_is_explained_not_saved(informed, pm, login):
    data = _disclosure(informed, cause_en="Index.")
    del data["version"]

    response = login(pm).post(reverse("incident_edit", args=[informed.pk]), data)

    assert "This form is out of date or damaged: reload the page." in response.content.decode()
    informed.refresh_from_db()
    assert informed.cause == ""


def test_the_admin_saves_over_the_current_version(informed, login, db):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    services.incident_update_disclosure(
        incident=informed, expected_version=1, cause_en="Two.", actor=informed.declared_by
    )

    response = login(root).post(
        reverse("admin:incidents_incident_change", args=[informed.pk]),
        {"title_en": "Corrected", "summary_en": informed.summary, "severity": informed.severity},
    )

    assert response.status_code == 302
    informed.refresh_from_db()
    assert (informed.title, informed.version) == ("Corrected", 3)


# --- an action ---------------------------------------------------------------------------------


def test_an_action_saved_meanwhile_is_shown_next_to_mine_and_my_text_is_kept(
    informed, pm, colleague, login, now
):
    item = plans.action_item_create(
        incident=informed,
        actor=pm,
        kind="remediation",
        title_en="Partition the engine",
        owner=pm,
        due_at=now + 3 * 24 * HOUR,
    )
    url = reverse("action_item_edit", args=[informed.pk, item.pk])
    client = login(pm)
    assert _hidden_version(client.get(url).content.decode()) == "1"
    plans.action_item_update(
        item=ActionItem.objects.get(pk=item.pk),
        expected_version=1,
        actor=colleague,
        progress=40,
        owner=colleague,
    )
    mine = {
        "kind": "remediation",
        "title_en": "Partition the engine by region",
        "description_en": "Two architects, three weeks.",
        "owner": str(pm.pk),
        "due_at": "2025-03-13T09:00",
        "client_visible": "on",
        "status": "in_progress",
        "progress": "70",
        "dropped_reason_en": "",
        "version": "1",
    }

    response = client.post(url, mine)

    assert response.status_code == 409
    html = response.content.decode()
    rows = {label: (theirs, yours) for label, theirs, yours in _conflict_table(html)}
    assert rows["Progress (%)"] == ("40", "70")
    assert rows["Owner"] == ("Anna Schmidt", pm.get_full_name())
    assert rows["Title (English)"] == ("Partition the engine", "Partition the engine by region")
    assert "Two architects, three weeks.</textarea>" in html
    assert 'value="Partition the engine by region"' in html
    assert _hidden_version(html) == "2"
    item.refresh_from_db()
    assert (item.progress, item.owner, item.version) == (40, colleague, 2)

    again = client.post(url, mine | {"version": "2"})

    assert again.status_code == 302
    item.refresh_from_db()
    assert (item.progress, item.owner, item.title) == (70, pm, "Partition the engine by region")
    assert item.version == 3


# --- an alternative ------------------------------------------------------------------------------


def test_an_alternative_saved_meanwhile_is_shown_next_to_mine_and_my_text_is_kept(
    informed, pm, colleague, login, now
):
    alternative = alternatives.alternative_propose(
        incident=informed,
        actor=pm,
        title_en="Extend 30 days",
        description_en="Partition the engine.",
        schedule_impact_days=30,
    )
    url = reverse("alternative_edit", args=[informed.pk, alternative.pk])
    client = login(pm)
    assert _hidden_version(client.get(url).content.decode()) == "1"
    alternatives.alternative_update(
        alternative=Alternative.objects.get(pk=alternative.pk),
        expected_version=1,
        schedule_impact_days=45,
        risks_en="The partitioned design is new to the team.",
        actor=Alternative.objects.get(pk=alternative.pk).created_by,
    )
    mine = {
        "title_en": "Extend 30 days",
        "description_en": "Partition the engine.",
        "schedule_impact_days": "20",
        "cost_impact": "",
        "pros_en": "Meets the 2 s requirement.",
        "version": "1",
    }

    response = client.post(url, mine)

    assert response.status_code == 409
    html = response.content.decode()
    rows = {label: (theirs, yours) for label, theirs, yours in _conflict_table(html)}
    assert rows["Schedule impact (days)"] == ("45", "20")
    assert rows["Risks (English)"] == ("The partitioned design is new to the team.", "—")
    assert rows["Pros (English)"] == ("—", "Meets the 2 s requirement.")
    assert "Meets the 2 s requirement.</textarea>" in html
    assert _hidden_version(html) == "2"

    again = client.post(url, mine | {"version": "2"})

    assert again.status_code == 302
    alternative.refresh_from_db()
    assert (alternative.schedule_impact_days, alternative.risks) == (20, "")
    assert alternative.pros == "Meets the 2 s requirement."
