from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from apps.incidents.models import Incident, IncidentSeverity, IncidentStatus
from tests.factories import IncidentFactory, UserFactory, close_incident, informed_incident, member
from tests.helpers import REQUIRED_EN, REQUIRED_ZH, SCRIPT, assert_rejected

pytestmark = pytest.mark.django_db

NO_TITLE = "Give the incident a short title, in English or in Chinese."
NO_SUMMARY = "Say briefly what happened, in English or in Chinese."
NO_SUMMARY_ZH = "请用中文或英文简要说明发生了什么。"

DECLARE = {
    "title_en": "Dispatch engine too slow",
    "summary_en": "Response time is 40 s with the full fleet.",
    "severity": "critical",
}


def _declare_url(project):
    return reverse("incident_declare", kwargs={"project_pk": project.pk})


# --- declaring ---------------------------------------------------------------------


def test_declaring_through_the_form_puts_it_on_the_dashboard_with_a_24_hour_countdown(
    project, pm, login, now
):
    client = login(pm)

    response = client.post(_declare_url(project), DECLARE, follow=True)

    incident = Incident.objects.get()
    assert response.redirect_chain == [(reverse("incident_detail", args=[incident.pk]), 302)]
    assert "The client must hear from you within 24 hours." in response.content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert DECLARE["title_en"] in dashboard
    assert "First contact due" in dashboard
    due = (now + timedelta(hours=24)).isoformat()
    assert f'data-deadline="{due}"' in dashboard
    assert "in 1 d 0 h" in dashboard
    assert "Prepare the disclosure (Cause explained, Current state described, " in dashboard


def test_a_declared_incident_shows_an_unfinished_readiness_checklist(project, pm, login, now):
    client = login(pm)
    client.post(_declare_url(project), DECLARE)

    page = client.get(reverse("incident_detail", args=[Incident.objects.get().pk]))

    html = page.content.decode()
    assert html.count('<li class="todo">') == 5
    # Only the languages are done: the project has no client contact yet.
    assert html.count('<li class="done">') == 1
    assert "The disclosure is complete." not in html
    assert "in 1 d 0 h" in html


def test_the_countdown_shrinks_as_time_passes(project, pm, login, now):
    client = login(pm)
    client.post(_declare_url(project), DECLARE)

    with time_machine.travel(now + timedelta(hours=21, minutes=30), tick=False):
        html = client.get(reverse("dashboard")).content.decode()
    with time_machine.travel(now + timedelta(hours=25), tick=False):
        late = client.get(reverse("dashboard")).content.decode()

    assert "in 2 h 30 min" in html
    assert "1 h 0 min overdue" in late
    assert "The first-contact deadline has passed: contact the client now." in late


def test_declaring_with_the_whole_disclosure_completes_the_checklist(project, pm, login, now):
    data = DECLARE | {
        "cause_en": "The routing algorithm is exponential.",
        "cause_origin_en": "Load tests used 300 trucks.",
        "current_state_en": "85% done.",
        "impact_schedule_days": "30",
        "impact_cost": "180000.00",
        "first_step_en": "Assess partitioned dispatch.",
        "apology_en": "We are sorry.",
    }
    client = login(pm)

    response = client.post(_declare_url(project), data, follow=True)

    html = response.content.decode()
    assert html.count('<li class="done">') == 6  # the five parts, and every contact's language
    assert "The disclosure is complete." in html
    assert Incident.objects.get().impact_cost == 180000


def test_deadline_is_shown_in_the_users_time_zone(project, login, now):
    pm = member(project, "pm", profile__time_zone="Asia/Shanghai")
    client = login(pm)
    client.post(_declare_url(project), DECLARE)

    html = client.get(reverse("dashboard")).content.decode()

    # 09:00 UTC + 24 h is 17:00 the next day in Shanghai.
    assert "11 Mar 2025, 17:00" in html
    assert 'datetime="2025-03-11T17:00:00+08:00"' in html


def test_24_hours_across_a_dst_change_are_24_real_hours(project, login):
    pm = member(project, "pm", profile__time_zone="Europe/Berlin")
    client = login(pm)
    # Saturday 13:00 in Berlin (CET); the clocks go forward during the night.
    declared = datetime(2025, 3, 29, 12, 0, tzinfo=UTC)
    with time_machine.travel(declared, tick=False):
        client.post(_declare_url(project), DECLARE)
        html = client.get(reverse("dashboard")).content.decode()

    incident = Incident.objects.get()
    assert incident.first_contact_due_at - incident.declared_at == timedelta(hours=24)
    # The wall clock shows 14:00 (CEST), not 13:00: the client still hears within a day.
    assert "30 Mar 2025, 14:00" in html
    assert "in 1 d 0 h" in html


def test_declare_page_states_the_projects_window(project, pm, login):
    project.first_contact_window_hours = 4
    project.save()

    html = login(pm).get(_declare_url(project)).content.decode()

    assert "the client must hear from you within 4 hours" in html


# --- declaring with bad input ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("title_en", "", NO_TITLE),
        ("title_en", "   ", NO_TITLE),
        ("title_en", "x" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
        ("title_en", "nul\x00byte", "Null characters are not allowed."),
        ("summary_en", "", NO_SUMMARY),
        ("severity", "apocalyptic", "Select a valid choice. apocalyptic is not one of"),
        ("impact_schedule_days", "soon", "Enter a whole number."),
        ("impact_schedule_days", "-3", "Ensure this value is greater than or equal to 0."),
        ("impact_schedule_days", "9" * 40, "Ensure this value is less than or equal to"),
        ("impact_cost", "-5", "Enter the cost impact as a positive amount."),
        ("impact_cost", "lots", "Enter a number."),
        ("impact_cost", "NaN", "Enter a number."),
        ("impact_cost", "1e30", "Ensure that there are no more than 14 digits in total."),
        ("impact_cost", "9" * 40, "Ensure that there are no more than 14 digits in total."),
        ("impact_cost", "0.001", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_bad_declaration_is_explained_and_keeps_what_was_typed(
    project, pm, login, now, field, value, error
):
    data = DECLARE | {"cause_en": SCRIPT, "current_state_en": "Half the fleet", field: value}

    response = login(pm).post(_declare_url(project), data)

    kept = [SCRIPT, "Half the fleet"]
    if value.strip() and "\x00" not in value and field != "severity":
        kept.append(value)
    assert_rejected(response, error=error, kept=tuple(kept))
    assert not Incident.objects.exists()


def test_bad_declaration_is_explained_in_chinese(project, pm, login, now):
    client = login(pm, language="zh-hans")

    response = client.post(
        _declare_url(project), DECLARE | {"title_en": "", "summary_en": "", "cause_zh_hans": "延期"}
    )

    html = assert_rejected(response, error=NO_SUMMARY_ZH, kept=("延期",))
    assert '<html lang="zh-hans">' in html


def test_script_in_a_title_is_shown_as_text(project, pm, login, now):
    client = login(pm)
    client.post(_declare_url(project), DECLARE | {"title_en": SCRIPT, "summary_en": SCRIPT})
    incident = Incident.objects.get()

    for url in (reverse("dashboard"), reverse("incident_detail", args=[incident.pk])):
        html = client.get(url).content.decode()
        assert SCRIPT not in html
        assert escape(SCRIPT) in html


def test_a_schedule_slip_of_more_than_ten_years_is_refused_and_kept(project, pm, login, now):
    response = login(pm).post(
        _declare_url(project), DECLARE | {"impact_schedule_days": "2147483647"}
    )

    assert response.status_code == 200
    assert not Incident.objects.exists()
    assert "2147483647" in response.content.decode()
    assert "3650" in response.content.decode()


def test_a_schedule_slip_of_ten_years_is_stored(project, pm, login, now):
    response = login(pm).post(_declare_url(project), DECLARE | {"impact_schedule_days": "3650"})

    assert response.status_code == 302
    assert Incident.objects.get().impact_schedule_days == 3650


# --- editing the disclosure ----------------------------------------------------------


def _edit_data(incident, **changes):
    data = {
        "title_en": incident.title,
        "summary_en": incident.summary,
        "severity": incident.severity,
        "version": incident.version,
    }
    return data | changes


def test_pm_edits_the_disclosure_and_the_checklist_follows(incident, pm, login):
    client = login(pm)

    response = client.post(
        reverse("incident_edit", args=[incident.pk]),
        _edit_data(
            incident, current_state_en="Half the fleet is routed by hand.", apology_en="Sorry."
        ),
        follow=True,
    )

    html = response.content.decode()
    assert "The incident was updated." in html
    assert html.count('<li class="done">') == 3  # the two parts, and the languages (no contacts)
    incident.refresh_from_db()
    assert incident.current_state == "Half the fleet is routed by hand."


def test_raising_the_severity_in_the_form_moves_a_default_cadence(incident, pm, login):
    assert incident.severity == IncidentSeverity.HIGH

    login(pm).post(
        reverse("incident_edit", args=[incident.pk]),
        _edit_data(incident, severity=IncidentSeverity.CRITICAL),
    )

    incident.refresh_from_db()
    assert incident.update_cadence == timedelta(hours=24)


def test_edit_form_shows_the_saved_disclosure(incident, pm, login):
    incident.cause_en = "A bad index."
    incident.save()

    html = login(pm).get(reverse("incident_edit", args=[incident.pk])).content.decode()

    assert "A bad index." in html
    assert incident.title in html


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("title_en", "", NO_TITLE),
        ("title_en", "y" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
        ("summary_en", "  ", NO_SUMMARY),
        ("severity", "bogus", "Select a valid choice. bogus is not one of"),
        ("impact_cost", "-0.01", "Enter the cost impact as a positive amount."),
        ("impact_cost", "12345678901234567890", "no more than 14 digits"),
        ("impact_schedule_days", "3.5", "Enter a whole number."),
    ],
)
def test_bad_edit_is_explained_and_keeps_what_was_typed(incident, pm, login, field, value, error):
    data = _edit_data(incident, cause_en=SCRIPT, apology_en="Deeply sorry", **{field: value})

    response = login(pm).post(reverse("incident_edit", args=[incident.pk]), data)

    kept = [SCRIPT, "Deeply sorry"] + ([value] if value.strip() and field != "severity" else [])
    assert_rejected(response, error=error, kept=tuple(kept))
    incident.refresh_from_db()
    assert incident.cause == ""


def test_bad_edit_is_explained_in_chinese(incident, pm, login):
    response = login(pm, language="zh-hans").post(
        reverse("incident_edit", args=[incident.pk]),
        _edit_data(incident, summary_en="", cause_zh_hans="数据质量"),
    )

    assert_rejected(response, error=NO_SUMMARY_ZH, kept=("数据质量",))


def test_editing_a_closed_incident_is_refused_with_a_message(pm, project, login, now):
    incident = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=3))
    incident = close_incident(incident, actor=pm)

    response = login(pm).post(
        reverse("incident_edit", args=[incident.pk]), _edit_data(incident, cause_en="Late edit")
    )

    assert_rejected(response, error="The incident is closed: its record is final.")
    incident.refresh_from_db()
    assert incident.cause == ""


# --- status -----------------------------------------------------------------------


def test_pm_moves_the_incident_along(project, pm, login, now):
    incident = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=3))

    response = login(pm).post(
        reverse("incident_status", args=[incident.pk]), {"status": "plan_agreed"}, follow=True
    )

    assert "The incident is now “Plan agreed”." in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.PLAN_AGREED


def test_resolving_in_the_form_stops_the_countdown(project, pm, login, now):
    incident = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=3))
    client = login(pm)

    client.post(reverse("incident_status", args=[incident.pk]), {"status": "resolved"})

    incident.refresh_from_db()
    assert incident.next_update_due_at is None
    html = client.get(reverse("dashboard")).content.decode()
    open_list, recent = html.split('<section class="recently-resolved')
    assert incident.title not in open_list
    assert incident.title in recent


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("", REQUIRED_EN),
        ("exploded", "That status is not a valid next step for this incident."),
        ("closed", "That status is not a valid next step for this incident."),
        ("client_informed", "Record the first contact with the client before marking them"),
    ],
)
def test_bad_status_change_is_explained(incident, pm, login, status, error):
    response = login(pm).post(reverse("incident_status", args=[incident.pk]), {"status": status})

    assert response.status_code == 400
    assert_rejected(response, error=error)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.DECLARED


def test_status_change_of_a_closed_incident_is_explained(project, pm, login, now):
    incident = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=3))
    client = login(pm)
    close_incident(incident, actor=pm)

    response = client.post(reverse("incident_status", args=[incident.pk]), {"status": "resolved"})

    assert response.status_code == 400
    assert_rejected(response, error="That status is not a valid next step for this incident.")


def test_bad_status_change_is_explained_in_chinese(incident, pm, login):
    response = login(pm, language="zh-hans").post(
        reverse("incident_status", args=[incident.pk]), {}
    )

    assert_rejected(response, error=REQUIRED_ZH)


# --- cadence ---------------------------------------------------------------------------


def test_pm_changes_the_cadence(project, pm, login, now):
    incident = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=3))

    response = login(pm).post(
        reverse("incident_cadence", args=[incident.pk]), {"cadence_hours": "6"}, follow=True
    )

    html = response.content.decode()
    assert "The update cadence was changed." in html
    assert "The client hears from us every 6 hours" in html
    incident.refresh_from_db()
    assert incident.update_cadence == timedelta(hours=6)
    assert incident.next_update_due_at == incident.first_contact_at + timedelta(hours=6)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", REQUIRED_EN),
        ("abc", "Enter a whole number."),
        ("0", "Updates cannot be more frequent than every 1 hour."),
        ("-5", "Updates cannot be more frequent than every 1 hour."),
        ("337", "Update the client at least every 336 hours (14 days)."),
        ("9" * 40, "Update the client at least every 336 hours (14 days)."),
        ("1.5", "Enter a whole number."),
    ],
)
def test_bad_cadence_is_explained_and_keeps_what_was_typed(incident, pm, login, value, error):
    response = login(pm).post(
        reverse("incident_cadence", args=[incident.pk]), {"cadence_hours": value}
    )

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=(value,) if value else ())
    incident.refresh_from_db()
    assert incident.update_cadence == timedelta(hours=48)


def test_bad_cadence_is_explained_in_chinese(incident, pm, login):
    response = login(pm, language="zh-hans").post(
        reverse("incident_cadence", args=[incident.pk]), {"cadence_hours": ""}
    )

    assert_rejected(response, error=REQUIRED_ZH)


def test_cadence_of_a_resolved_incident_cannot_be_changed(project, pm, login, now):
    incident = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=3))
    client = login(pm)
    client.post(reverse("incident_status", args=[incident.pk]), {"status": "resolved"})

    response = client.post(reverse("incident_cadence", args=[incident.pk]), {"cadence_hours": "6"})

    assert_rejected(response, error="Only an open incident has an update cadence.")


# --- dashboard --------------------------------------------------------------------------


def test_dashboard_orders_incidents_by_the_next_deadline(project, pm, login, now):
    later = IncidentFactory(project=project, title="Later", now=now)
    sooner = IncidentFactory(project=project, title="Sooner", now=now - timedelta(hours=20))
    informed = informed_incident(
        project=project, title="Informed", now=now - timedelta(hours=2), severity="critical"
    )

    html = login(pm).get(reverse("dashboard")).content.decode()

    positions = [html.index(i.title) for i in (sooner, informed, later)]
    assert positions == sorted(positions)
    assert "Next update due" in html


def test_dashboard_leaves_out_resolved_incidents(project, pm, login, now):
    incident = informed_incident(project=project, now=now - timedelta(hours=2))
    client = login(pm)
    client.post(reverse("incident_status", args=[incident.pk]), {"status": "resolved"})

    html = client.get(reverse("dashboard")).content.decode()

    # It moves to the "Recently resolved" list below the open ones.
    open_list, recent = html.split('<section class="recently-resolved')
    assert incident.title not in open_list
    assert "No open incidents." in open_list
    assert incident.title in recent


def test_dashboard_works_for_a_user_without_a_profile(project, login, now):
    # Users made with createsuperuser have no profile until they save preferences.
    user = UserFactory(profile=None, is_superuser=True)
    incident = IncidentFactory(project=project, now=now)

    response = login(user).get(reverse("dashboard"))

    assert response.status_code == 200
    assert incident.title in response.content.decode()
