"""The tone check runs wherever the PM writes what the client reads, not only in updates.

Client-visible log entries and their corrections, a decision's reasons and the
disclosure (the apology above all) are checked as they are typed (a fragment
the page asks for) and with the form's "Check the wording" button without
JavaScript. Nothing is saved by checking; internal notes are not checked.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.alternatives import services as alternatives
from apps.communications.models import LogEntry
from apps.incidents.models import Incident
from apps.tone.models import Dismissal
from tests.factories import LogEntryFactory, informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
BLAMING_EN = "We told them on Monday. As we already told you, your team should have tested it."
MARK = '<mark class="tone-mark"'


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


def _live(client, incident, subject, **data):
    return client.post(
        reverse("tone_live", args=[incident.pk]),
        {"tone_subject": subject, "tone_form": "some-form"} | data,
    )


# --- log entries ---------------------------------------------------------------------------


def test_a_client_visible_log_entry_is_checked_as_it_is_typed(informed, team_member, login):
    response = _live(
        login(team_member),
        informed,
        "log_entry",
        summary_en=BLAMING_EN,
        client_visible="on",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert MARK in html
    assert "your team should have" in html
    # The dismiss buttons belong to the page's form, named by the page.
    assert 'form="some-form"' in html


def test_an_internal_note_is_not_checked(informed, team_member, login):
    html = _live(login(team_member), informed, "log_entry", summary_en=BLAMING_EN).content.decode()

    assert MARK not in html
    assert "checked when it is visible to the client" in html


def test_the_check_button_of_the_log_form_shows_the_findings_and_saves_nothing(
    informed, team_member, login
):
    response = login(team_member).post(
        reverse("log_entry_create", args=[informed.pk]),
        {
            "channel": "call",
            "occurred_at": "2025-03-10T08:30",
            "summary_en": BLAMING_EN,
            "client_visible": "on",
            "tone_check": "Check the wording",
        },
    )

    html = response.content.decode()
    assert MARK in html
    assert f"{BLAMING_EN}</textarea>" in html
    assert not LogEntry.objects.filter(summary_en=BLAMING_EN).exists()


def test_a_log_entry_with_findings_is_still_logged(informed, team_member, login):
    response = login(team_member).post(
        reverse("log_entry_create", args=[informed.pk]),
        {
            "channel": "call",
            "occurred_at": "2025-03-10T08:30",
            "summary_en": BLAMING_EN,
            "client_visible": "on",
        },
    )

    assert response.status_code == 302
    assert LogEntry.objects.filter(summary_en=BLAMING_EN, client_visible=True).exists()


def test_a_log_entry_finding_can_be_dismissed_from_the_form_keeping_the_text(
    informed, team_member, login
):
    html = _live(
        login(team_member), informed, "log_entry", summary_en=BLAMING_EN, client_visible="on"
    ).content.decode()
    start = html.index('name="tone_dismiss" value="') + len('name="tone_dismiss" value="')
    value = html[start : html.index('"', start)].replace("&#x27;", "'")
    anchor = value.split("|", 1)[0]

    response = login(team_member).post(
        reverse("log_entry_create", args=[informed.pk]),
        {
            "channel": "call",
            "occurred_at": "2025-03-10T08:30",
            "summary_en": BLAMING_EN,
            "client_visible": "on",
            "tone_dismiss": value,
            f"tone_reason_{anchor}": "The client asked for the exact words of the call.",
        },
    )

    assert response.status_code == 200
    assert f"{BLAMING_EN}</textarea>" in response.content.decode()
    dismissal = Dismissal.objects.get()
    assert dismissal.dismissed_by == team_member
    assert dismissal.incident == informed
    assert not LogEntry.objects.filter(summary_en=BLAMING_EN).exists()


def test_the_correction_of_a_visible_entry_is_checked_and_of_a_note_is_not(
    informed, team_member, login
):
    visible = LogEntryFactory(incident=informed, client_visible=True)
    note = LogEntryFactory(incident=informed, client_visible=False)
    client = login(team_member)
    typed = {"summary_en": BLAMING_EN, "tone_check": "Check the wording"}

    on_visible = client.post(
        reverse("log_entry_correct", args=[informed.pk, visible.pk]), typed
    ).content.decode()
    on_note = client.post(reverse("log_entry_correct", args=[informed.pk, note.pk]), typed)

    assert MARK in on_visible
    assert "Check the wording" not in on_note.content.decode()
    assert MARK not in on_note.content.decode()


# --- decisions -----------------------------------------------------------------------------


def test_a_decisions_reasons_and_why_not_the_others_are_checked(informed, pm, login, now):
    extend = alternatives.alternative_propose(
        incident=informed, actor=pm, title_en="Extend", description_en="Two more weeks."
    )
    launch = alternatives.alternative_propose(
        incident=informed, actor=pm, title_en="Launch", description_en="Launch as is."
    )

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]),
        {
            "alternative": str(extend.pk),
            "rationale_en": "This is the only option, period!!!",
            f"reason_{launch.pk}_zh_hans": "这不是我们的责任。",
            "tone_check": "Check the wording",
        },
    )

    html = response.content.decode()
    assert "Reasons — English" in html
    assert "!!!" in html.split("tone-findings")[1]
    assert "不是我们的责任</mark>" in html
    assert not informed.decisions.exists()


def test_the_decision_form_checks_live_too(informed, pm, login):
    html = _live(
        login(pm), informed, "decision", rationale_en="We guarantee it will never happen again."
    ).content.decode()

    assert MARK in html


# --- the disclosure ------------------------------------------------------------------------


def test_an_apology_that_does_not_apologise_is_pointed_out(informed, pm, login):
    html = _live(
        login(pm), informed, "disclosure", apology_en="The delay was caused by the vendor."
    ).content.decode()

    assert "No apology is made" in html
    assert "Apology — English" in html


def test_a_sincere_apology_passes(informed, pm, login):
    html = _live(
        login(pm),
        informed,
        "disclosure",
        apology_en="We are sorry: we missed the date we promised you.",
    ).content.decode()

    assert "No apology is made" not in html
    assert "nothing to point out" in html


def test_the_edit_form_checks_the_disclosure_without_saving(informed, pm, login):
    before = informed.cause_en
    response = login(pm).post(
        reverse("incident_edit", args=[informed.pk]),
        {
            "title_en": informed.title_en,
            "summary_en": informed.summary_en,
            "cause_en": "Just a small glitch in the vendor's API, not our fault.",
            "severity": informed.severity,
            "version": informed.version,
            "tone_check": "Check the wording",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cause — English" in html
    assert MARK in html
    informed.refresh_from_db()
    assert informed.cause_en == before


def test_an_incident_being_declared_is_checked_though_nothing_can_be_dismissed_yet(
    project, pm, login
):
    client = login(pm)
    live = client.post(
        reverse("tone_live_project", args=[project.pk]),
        {"tone_subject": "disclosure", "summary_en": "Totally not our fault!!!"},
    )
    button = client.post(
        reverse("incident_declare", kwargs={"project_pk": project.pk}),
        {
            "title_en": "Import failed",
            "summary_en": "Totally not our fault!!!",
            "severity": "major",
            "tone_check": "Check the wording",
        },
    )

    assert MARK in live.content.decode()
    assert "Dismiss" not in live.content.decode()
    assert MARK in button.content.decode()
    assert not Incident.objects.filter(title_en="Import failed").exists()


# --- bad requests and access -----------------------------------------------------------------


def test_an_unknown_subject_is_a_message_not_an_error(informed, pm, login):
    response = _live(login(pm), informed, "horoscope", body_en="Hello")

    assert response.status_code == 400
    assert "unknown kind of message" in response.content.decode()


def test_a_form_id_that_is_not_one_is_dropped(informed, pm, login):
    response = login(pm).post(
        reverse("tone_live", args=[informed.pk]),
        {
            "tone_subject": "decision",
            "tone_form": '"><script>alert(1)</script>',
            "rationale_en": "This is not our fault.",
        },
    )

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'form="' not in html


def test_a_viewer_cannot_use_the_live_check_and_a_stranger_gets_404(
    informed, project, viewer, stranger, login
):
    assert _live(login(viewer), informed, "update", body_en="x").status_code == 403
    assert _live(login(stranger), informed, "update", body_en="x").status_code == 404
    response = login(stranger).post(
        reverse("tone_live_project", args=[project.pk]), {"tone_subject": "disclosure"}
    )
    assert response.status_code == 404


def test_the_live_check_costs_a_fixed_number_of_queries(
    informed, pm, login, django_assert_max_num_queries
):
    client = login(pm)
    long_text = " ".join(["This is not our fault!!!"] * 50)

    with django_assert_max_num_queries(8):
        _live(client, informed, "decision", rationale_en=long_text, rationale_zh_hans=long_text)


def test_a_pm_is_offered_to_switch_the_rule_off_for_the_project_a_team_member_is_not(
    informed, pm, team_member, login
):
    data = {"summary_en": BLAMING_EN, "client_visible": "on"}
    switch = reverse("project_tone_rules", args=[informed.project_id])

    as_pm = _live(login(pm), informed, "log_entry", **data).content.decode()
    as_member = _live(login(team_member), informed, "log_entry", **data).content.decode()

    assert f"{switch}?rule=en.blame." in as_pm
    assert switch not in as_member
    assert "Dismiss the finding" in as_member
