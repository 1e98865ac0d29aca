"""Alternatives, their comparison and the decision taken with the client, in the web UI.

Every form answers bad input with a 400 that names the problem next to the
field and keeps what was typed; nothing a user can send produces a 500.
"""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from apps.alternatives import services
from apps.alternatives.models import Alternative, AlternativeStatus, Decision
from apps.communications.models import MeetingStatus
from apps.incidents.models import IncidentStatus
from apps.projects.models import ProjectRole
from tests.factories import (
    ClientContactFactory,
    IncidentFactory,
    MeetingFactory,
    ProjectFactory,
    close_incident,
    informed_incident,
    member,
)
from tests.helpers import SCRIPT

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
KEPT = "Kept: what I typed."


def _expected_decision(html: str) -> str:
    """The hidden decision id the form was opened with ("" for none)."""
    [tag] = re.findall(r'<input type="hidden" name="expected_current_decision"[^>]*>', html)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


def _in_tz(user, name: str) -> None:
    user.profile.time_zone = name
    user.profile.save()


def _alternative_data(**overrides):
    data = {
        "title_en": "Extend 30 days",
        "description_en": "Partition the engine; full scope kept.",
        "schedule_impact_days": "30",
        "cost_impact": "180000.00",
        "scope_impact_en": "None.",
        "risks_en": "New design.",
        "pros_en": "Full scope.",
        "cons_en": "A month later.",
    }
    return data | overrides


# --- proposing and editing ------------------------------------------------------------------


def test_the_pm_proposes_an_alternative(informed, pm, login):
    response = login(pm).post(
        reverse("alternative_create", args=[informed.pk]), _alternative_data()
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#alternatives")
    alternative = Alternative.objects.get()
    assert (alternative.title, alternative.schedule_impact_days) == ("Extend 30 days", 30)
    assert str(alternative.cost_impact) == "180000.00"
    assert alternative.created_by == pm


def test_each_text_is_entered_in_english_and_in_chinese_side_by_side(informed, pm, login):
    html = login(pm).get(reverse("alternative_create", args=[informed.pk])).content.decode()

    for text in ("title", "description", "scope_impact", "risks", "pros", "cons"):
        assert re.search(rf'name="{text}_en"[^>]*lang="en"|lang="en"[^>]*name="{text}_en"', html)
        assert re.search(
            rf'name="{text}_zh_hans"[^>]*lang="zh-Hans"|lang="zh-Hans"[^>]*name="{text}_zh_hans"',
            html,
        )
    assert "Write each text in English and in Chinese" in html


def test_an_alternative_written_in_chinese_only_is_proposed(informed, pm, login):
    data = _alternative_data(title_en="", description_en="") | {
        "title_zh_hans": "延期 30 天",
        "description_zh_hans": "重构调度引擎,范围不变。",
    }

    response = login(pm).post(reverse("alternative_create", args=[informed.pk]), data)

    assert response.status_code == 302
    alternative = Alternative.objects.get()
    assert (alternative.title_en, alternative.title_zh_hans) == ("", "延期 30 天")


def test_an_earlier_date_and_a_saving_are_negative_numbers(informed, pm, login):
    login(pm).post(
        reverse("alternative_create", args=[informed.pk]),
        _alternative_data(schedule_impact_days="-5", cost_impact="-2000"),
    )

    alternative = Alternative.objects.get()
    assert (alternative.schedule_impact_days, int(alternative.cost_impact)) == (-5, -2000)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("title_en", "  ", "Give the alternative a short title, in English or in Chinese."),
        ("title_en", "t" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("title_zh_hans", "标" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("description_en", "", "Describe the alternative, in English or in Chinese."),
        ("description_en", "d" * 10_001, "Keep it to 10000 characters (it has 10001)"),
        ("description_zh_hans", "d" * 10_001, "Keep it to 10000 characters (it has 10001)"),
        ("schedule_impact_days", "a month", "Enter a number of days between -3650 and 3650"),
        ("schedule_impact_days", "1.5", "Enter a number of days between -3650 and 3650"),
        ("schedule_impact_days", "3651", "Enter a number of days between -3650 and 3650"),
        ("schedule_impact_days", "-99999", "Enter a number of days between -3650 and 3650"),
        ("schedule_impact_days", "9" * 40, "Enter a number of days between -3650 and 3650"),
        ("cost_impact", "lots", "Enter an amount, for example 1200.50."),
        ("cost_impact", "1" * 30, "Enter an amount below one trillion."),
        ("cost_impact", "1.999", "Enter at most 2 digits after the decimal point."),
        ("risks_en", "r" * 20_000, "Keep it to 10000 characters (it has 20000)"),
        ("cons_zh_hans", "c" * 10_001, "Keep it to 10000 characters (it has 10001)"),
    ],
)
def test_bad_alternative_input_is_explained_and_kept(informed, pm, login, field, value, error):
    data = _alternative_data(pros_en=KEPT)
    data[field] = value

    response = login(pm).post(reverse("alternative_create", args=[informed.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert escape(error) in html
    assert KEPT in html
    assert not Alternative.objects.exists()


def test_a_typed_script_is_shown_as_text(informed, pm, login):
    response = login(pm).post(
        reverse("alternative_create", args=[informed.pk]),
        _alternative_data(description_en=SCRIPT, cost_impact="x"),
    )

    html = response.content.decode()
    assert escape(SCRIPT) in html
    assert SCRIPT not in html


def test_the_edit_form_is_prefilled_and_saves(informed, propose, pm, login):
    alternative = propose(
        informed, title_en="Launch on time", title_zh_hans="按期上线", schedule_impact_days=0
    )
    url = reverse("alternative_edit", args=[informed.pk, alternative.pk])
    client = login(pm)

    html = client.get(url).content.decode()
    assert 'value="Launch on time"' in html
    assert "按期上线" in html
    assert 'name="version" value="1"' in html

    response = client.post(
        url,
        _alternative_data(
            title_en="Launch on time, batch", title_zh_hans="按期上线,批量调度", version="1"
        ),
    )

    assert response.status_code == 302
    alternative.refresh_from_db()
    assert (alternative.title_en, alternative.title_zh_hans, alternative.version) == (
        "Launch on time, batch",
        "按期上线,批量调度",
        2,
    )


def test_a_damaged_version_is_explained_not_a_crash(informed, propose, pm, login):
    alternative = propose(informed)

    response = login(pm).post(
        reverse("alternative_edit", args=[informed.pk, alternative.pk]),
        _alternative_data(pros_en=KEPT, version="-3"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "This form is out of date or damaged: reload the page." in html
    assert KEPT in html


# --- setting aside ---------------------------------------------------------------------------


def test_the_pm_sets_a_proposal_aside_with_a_reason(informed, propose, pm, login):
    alternative = propose(informed)
    url = reverse("alternative_reject", args=[informed.pk, alternative.pk])
    client = login(pm)
    assert alternative.description in client.get(url).content.decode()

    response = client.post(url, {"reason_en": "Operations cannot live with it."})

    assert response.status_code == 302
    alternative.refresh_from_db()
    assert alternative.status == AlternativeStatus.REJECTED
    assert alternative.rejection_reason == "Operations cannot live with it."


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Say why this alternative is not taken, in English or in Chinese."),
        ("   ", "Say why this alternative is not taken, in English or in Chinese."),
        ("r" * 10_001, "Keep it to 10000 characters"),
    ],
)
def test_setting_aside_needs_a_reason(informed, propose, pm, login, reason, error):
    alternative = propose(informed)

    response = login(pm).post(
        reverse("alternative_reject", args=[informed.pk, alternative.pk]), {"reason_en": reason}
    )

    assert response.status_code == 400
    assert error in response.content.decode()
    alternative.refresh_from_db()
    assert alternative.status == AlternativeStatus.PROPOSED


def test_the_reason_for_setting_aside_is_taken_in_chinese_too(informed, propose, pm, login):
    alternative = propose(informed)

    response = login(pm).post(
        reverse("alternative_reject", args=[informed.pk, alternative.pk]),
        {"reason_en": "", "reason_zh_hans": "运营方无法接受。"},
    )

    assert response.status_code == 302
    alternative.refresh_from_db()
    assert alternative.rejection_reason_zh_hans == "运营方无法接受。"


def test_the_chosen_alternative_cannot_be_set_aside_here(informed, propose, decide, pm, login):
    chosen = propose(informed)
    decide(informed, chosen)

    response = login(pm).post(
        reverse("alternative_reject", args=[informed.pk, chosen.pk]),
        {"reason_en": "Changed minds."},
    )

    assert response.status_code == 400
    assert "Only a proposed alternative can be rejected" in response.content.decode()
    chosen.refresh_from_db()
    assert chosen.status == AlternativeStatus.CHOSEN


# --- the comparison page ---------------------------------------------------------------------


@pytest.fixture
def three(informed, propose, decide):
    extend = propose(
        informed,
        title_en="Extend 30 days",
        description_en="Partition the engine.",
        schedule_impact_days=30,
        cost_impact=180_000,
        scope_impact_en="No change.",
        risks_en="New design.",
        pros_en="Full scope.",
        cons_en="A month later.",
    )
    launch = propose(
        informed,
        title_en="Launch on time",
        description_en="Batch dispatch.",
        schedule_impact_days=0,
        cons_en="Manual workarounds.",
    )
    staff = propose(
        informed, title_en="Add four engineers", description_en="Optimise.", schedule_impact_days=-3
    )
    decide(informed, extend, others_reason_en="Not acceptable to operations.")
    return extend, launch, staff


def test_the_comparison_shows_alternatives_as_columns_and_highlights_the_chosen(
    informed, three, viewer, login
):
    response = login(viewer).get(reverse("alternative_compare", args=[informed.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('<table class="table') : html.index("</table>")]
    headers = [
        (css, title.strip())
        for css, title in re.findall(r'<th scope="col" class="([^"]*)">([^<]*)', table)
    ]
    assert headers == [
        ("chosen", "Extend 30 days"),
        ("rejected", "Launch on time"),
        ("rejected", "Add four engineers"),
    ]
    rows = re.findall(r'<th scope="row" class="row-label">([^<]*)</th>', table)
    assert rows == [
        "Description",
        "Schedule impact",
        "Cost impact",
        "Scope impact",
        "Risks",
        "Pros",
        "Cons",
        "Status",
    ]
    for text in (
        "Partition the engine.",
        "30 days later",
        "No delay",
        "3 days earlier",
        "CN¥180,000.00",
        "New design.",
        "Full scope.",
        "Manual workarounds.",
        "Not acceptable to operations.",
    ):
        assert text in table, text
    assert table.count("Chosen") == 2  # the header badge and the status row
    assert "Chosen with the client on" in html


def test_the_comparison_is_shown_in_the_readers_language(informed, propose, decide, viewer, login):
    extend = propose(
        informed,
        title_en="Extend 30 days",
        title_zh_hans="延期 30 天",
        description_en="Partition the engine.",
        description_zh_hans="重构调度引擎。",
        pros_en="Full scope.",
    )
    propose(informed, title_en="Launch on time", title_zh_hans="按期上线")
    decide(
        informed,
        extend,
        rationale_en="Scope first.",
        rationale_zh_hans="范围优先。",
        others_reason_en="Not acceptable.",
        others_reason_zh_hans="无法接受。",
    )

    client = login(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    html = client.get(reverse("alternative_compare", args=[informed.pk])).content.decode()

    for text in ("延期 30 天", "重构调度引擎。", "按期上线", "范围优先。", "无法接受。"):
        assert text in html, text
    assert "Full scope." in html  # written only in English
    for text in ("Extend 30 days", "Partition the engine.", "Scope first.", "Not acceptable."):
        assert text not in html, text


def test_the_comparison_prints_landscape_without_navigation(informed, three, pm, login):
    html = login(pm).get(reverse("alternative_compare", args=[informed.pk])).content.decode()

    assert "css/compare.css" in html
    stylesheet = (Path(settings.BASE_DIR) / "static" / "css" / "compare.css").read_text()
    print_rules = stylesheet[stylesheet.index("@media print") :]
    assert "size: A4 landscape" in print_rules
    base_css = (Path(settings.BASE_DIR) / "static" / "css" / "candor.css").read_text()
    assert ".navbar, .no-print { display: none !important; }" in base_css
    breadcrumb = html[: html.index('class="breadcrumb"')]
    assert breadcrumb.rstrip().endswith('<div class="no-print"><nav aria-label="breadcrumb"><ol')


def test_the_comparison_escapes_what_was_typed(informed, propose, pm, login):
    propose(informed, title_en=SCRIPT, description_en=SCRIPT)

    html = login(pm).get(reverse("alternative_compare", args=[informed.pk])).content.decode()

    assert SCRIPT not in html
    assert escape(SCRIPT) in html


def test_the_comparison_without_alternatives_says_so(informed, pm, login):
    html = login(pm).get(reverse("alternative_compare", args=[informed.pk])).content.decode()

    assert "No alternative proposed yet." in html


# --- recording a decision from a meeting ----------------------------------------------------


def test_the_meeting_page_offers_to_record_its_decision(informed, held_meeting, team_member, login):
    url = reverse("meeting_detail", args=[informed.pk, held_meeting.pk])

    html = login(team_member).get(url).content.decode()

    assert reverse("meeting_decision_record", args=[informed.pk, held_meeting.pk]) in html
    assert "Record the decision taken in this meeting" in html


def test_the_meeting_page_offers_nothing_to_viewers_or_for_cancelled_meetings(
    informed, held_meeting, viewer, pm, login
):
    record = reverse("meeting_decision_record", args=[informed.pk, held_meeting.pk])
    page = reverse("meeting_detail", args=[informed.pk, held_meeting.pk])
    assert record not in login(viewer).get(page).content.decode()

    held_meeting.status = MeetingStatus.CANCELLED
    held_meeting.save()
    assert record not in login(pm).get(page).content.decode()


def test_before_the_meeting_starts_nothing_is_offered_but_when_it_will_be(
    informed, pm, contact, login, now
):
    _in_tz(pm, "Asia/Shanghai")
    meeting = MeetingFactory(incident=informed, starts_at=now + HOUR, client_attendees=[contact])

    html = login(pm).get(reverse("meeting_detail", args=[informed.pk, meeting.pk])).content.decode()

    assert reverse("meeting_decision_record", args=[informed.pk, meeting.pk]) not in html
    assert reverse("meeting_outcome", args=[informed.pk, meeting.pk]) not in html
    # 10:00 UTC is 18:00 in Shanghai, the same day as now.
    assert "You can record the outcome once the meeting has started, at 18:00." in html


def test_a_cancelled_meeting_does_not_say_when_its_outcome_can_be_recorded(
    informed, pm, login, now
):
    meeting = MeetingFactory(
        incident=informed, starts_at=now + HOUR, status=MeetingStatus.CANCELLED
    )

    html = login(pm).get(reverse("meeting_detail", args=[informed.pk, meeting.pk])).content.decode()

    assert "once the meeting has started" not in html


def test_once_started_the_offered_decision_form_is_accepted_as_prefilled(
    informed, propose, pm, contact, login, now
):
    extend = propose(informed, title_en="Extend")
    meeting = MeetingFactory(
        incident=informed,
        starts_at=now - timedelta(minutes=30),
        team_attendees=[pm],
        client_attendees=[contact],
    )
    client = login(pm)
    page = client.get(reverse("meeting_detail", args=[informed.pk, meeting.pk])).content.decode()
    link = reverse("meeting_decision_record", args=[informed.pk, meeting.pk])
    assert link in page
    assert reverse("meeting_outcome", args=[informed.pk, meeting.pk]) in page
    assert "once the meeting has started" not in page

    form = client.get(link).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, "")}
    data |= {
        "alternative": str(extend.pk),
        "rationale_en": "Agreed in the room.",
        # The alternative is in English only, for a contact who reads Chinese.
        "send_anyway": "on",
    }
    data["decided_at"] = form["decided_at"].field.widget.format_value(form["decided_at"].value())
    response = client.post(link, data)

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.meeting, decision.decided_at) == (meeting, meeting.starts_at)


def test_the_form_from_a_meeting_not_yet_started_is_never_dated_in_the_future(
    informed, propose, pm, contact, login, now
):
    propose(informed, title_en="Extend")
    meeting = MeetingFactory(incident=informed, starts_at=now + HOUR, client_attendees=[contact])

    html = (
        login(pm)
        .get(reverse("meeting_decision_record", args=[informed.pk, meeting.pk]))
        .content.decode()
    )

    [field] = re.findall(r'<input[^>]*name="decided_at"[^>]*>', html)
    assert 'value="2025-03-10T09:00"' in field  # now, not the meeting's 10:00


def test_the_form_from_a_meeting_is_prefilled_with_the_meeting(
    informed, three, held_meeting, pm, contact, login
):
    _in_tz(pm, "Asia/Shanghai")
    other_contact = ClientContactFactory(project=informed.project, name="Tom Hughes")
    teammate = member(informed.project, ProjectRole.MEMBER, username="wang")
    current = Decision.objects.get()

    html = (
        login(pm)
        .get(reverse("meeting_decision_record", args=[informed.pk, held_meeting.pk]))
        .content.decode()
    )

    assert "Record the decision taken in this meeting" in html
    assert f'<option value="{held_meeting.pk}" selected>' in html
    assert 'value="2025-03-10T16:00"' in html  # the meeting's start, 08:00 UTC, in Shanghai
    assert re.search(rf'name="client_agreed" value="{contact.pk}"[^>]*checked', html)
    assert not re.search(rf'name="client_agreed" value="{other_contact.pk}"[^>]*checked', html)
    assert re.search(rf'name="team_agreed" value="{pm.pk}"[^>]*checked', html)
    assert not re.search(rf'name="team_agreed" value="{teammate.pk}"[^>]*checked', html)
    assert _expected_decision(html) == str(current.pk)
    assert "Decision in force" in html


def test_recording_the_decision_of_a_meeting(informed, propose, held_meeting, pm, contact, login):
    extend, launch = propose(informed, title_en="Extend"), propose(informed, title_en="Launch")

    response = login(pm).post(
        reverse("meeting_decision_record", args=[informed.pk, held_meeting.pk]),
        {
            "alternative": str(extend.pk),
            "decided_at": "2025-03-10T08:00",
            "meeting": str(held_meeting.pk),
            "client_agreed": [str(contact.pk)],
            "team_agreed": [str(pm.pk)],
            "rationale_en": "Full scope matters more than the date.",
            f"reason_{launch.pk}_en": "Real-time dispatch cannot wait.",
            "expected_current_decision": "",
            "send_anyway": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#decision")
    decision = Decision.objects.get()
    assert (decision.alternative, decision.meeting, decision.recorded_by) == (
        extend,
        held_meeting,
        pm,
    )
    assert decision.decided_at == datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
    launch.refresh_from_db()
    assert launch.rejection_reason == "Real-time dispatch cannot wait."
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.PLAN_AGREED


def test_the_reasons_of_a_decision_are_taken_in_both_languages(
    informed, propose, held_meeting, pm, contact, login
):
    extend, launch = propose(informed), propose(informed)

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]),
        _decision_data(extend, contact, pm)
        | {
            "rationale_en": "",
            "rationale_zh_hans": "范围比日期重要。",
            f"reason_{launch.pk}_en": "Not acceptable.",
            f"reason_{launch.pk}_zh_hans": "实时调度等不了。",
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.rationale_en, decision.rationale_zh_hans) == ("", "范围比日期重要。")
    launch.refresh_from_db()
    assert (launch.rejection_reason_en, launch.rejection_reason_zh_hans) == (
        "Not acceptable.",
        "实时调度等不了。",
    )


def test_a_team_member_records_a_decision_without_a_meeting(
    informed, propose, team_member, contact, login
):
    extend = propose(informed)
    url = reverse("decision_record", args=[informed.pk])
    client = login(team_member)
    html = client.get(url).content.decode()
    assert _expected_decision(html) == ""
    assert 'name="reason_' not in html  # nothing else is proposed

    response = client.post(
        url,
        {
            "alternative": str(extend.pk),
            "decided_at": "2025-03-10T08:30",
            "meeting": "",
            "client_agreed": [str(contact.pk)],
            "team_agreed": [str(team_member.pk)],
            "rationale_en": "Agreed on the phone.",
            "expected_current_decision": "",
            "send_anyway": "on",
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.meeting is None
    assert decision.recorded_by == team_member


def test_the_meeting_choices_leave_out_cancelled_meetings(
    informed, propose, held_meeting, pm, login
):
    propose(informed)
    cancelled = MeetingFactory(
        incident=informed, title_en="Called off", status=MeetingStatus.CANCELLED
    )

    html = login(pm).get(reverse("decision_record", args=[informed.pk])).content.decode()

    assert f'<option value="{held_meeting.pk}"' in html
    assert f'<option value="{cancelled.pk}"' not in html
    assert "Called off" not in html


def test_without_alternatives_the_form_asks_for_them_first(informed, pm, login):
    html = login(pm).get(reverse("decision_record", args=[informed.pk])).content.decode()

    assert "There is no alternative to choose yet" in html
    assert 'name="rationale_en"' not in html


def _decision_data(alternative, contact, user, /, **overrides):
    """A valid decision for ``alternative``; each other proposed one gets its reason."""
    others = Alternative.objects.filter(incident=alternative.incident_id, status="proposed")
    data = {
        **{f"reason_{other.pk}_en": "Not acceptable." for other in others},
        "alternative": str(alternative.pk),
        "decided_at": "2025-03-10T08:00",
        "meeting": "",
        "client_agreed": [str(contact.pk)],
        "team_agreed": [str(user.pk)],
        "rationale_en": KEPT,
        "expected_current_decision": "",
        # In English only, for a contact who reads Chinese (see test_decision_languages.py).
        "send_anyway": "on",
    }
    return data | overrides


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("alternative", "", "Choose the alternative agreed with the client."),
        ("alternative", "abc", "Choose a proposed or set-aside alternative of this incident."),
        ("alternative", "9" * 30, "Choose a proposed or set-aside alternative of this incident."),
        (
            "alternative",
            "elsewhere",
            "Choose a proposed or set-aside alternative of this incident.",
        ),
        ("decided_at", "yesterday", "Enter a date and a time, for example 2025-03-10 14:30."),
        ("decided_at", "2025-03-10T10:00", "A decision cannot be dated in the future."),
        ("decided_at", "", "This field is required."),
        ("meeting", "424242", "Choose a meeting of this incident that was not cancelled."),
        ("meeting", "elsewhere", "Choose a meeting of this incident that was not cancelled."),
        ("meeting", "cancelled", "Choose a meeting of this incident that was not cancelled."),
        (
            "client_agreed",
            [],
            "A decision is taken with the client: name who agreed for them.",
        ),
        ("client_agreed", ["elsewhere"], "Choose contacts of this project&#x27;s client."),
        ("client_agreed", ["x"], "Choose contacts of this project&#x27;s client."),
        ("team_agreed", [], "Name who agreed for the team."),
        ("team_agreed", ["stranger"], "Choose people from this project&#x27;s team."),
        ("reason", "  ", "Say why “Alternative 2” was not chosen, in English or in Chinese."),
        ("expected_current_decision", "x", "This form is out of date or damaged: reload the page."),
        (
            "expected_current_decision",
            "-1",
            "This form is out of date or damaged: reload the page.",
        ),
    ],
)
def test_bad_decision_input_is_explained_and_kept(
    informed, propose, pm, contact, stranger, login, now, field, value, error
):
    extend, _launch = propose(informed), propose(informed)
    elsewhere = informed_incident(project=ProjectFactory(), now=now - 2 * HOUR)
    stand_ins = {
        "elsewhere": {
            "alternative": lambda: propose(elsewhere).pk,
            "meeting": lambda: MeetingFactory(incident=elsewhere, starts_at=now - HOUR).pk,
            "client_agreed": lambda: ClientContactFactory(project=elsewhere.project).pk,
        },
        "cancelled": {
            "meeting": lambda: (
                MeetingFactory(
                    incident=informed, starts_at=now - HOUR, status=MeetingStatus.CANCELLED
                ).pk
            )
        },
        "stranger": {"team_agreed": lambda: stranger.pk},
    }

    def resolve(v):
        return str(stand_ins[v][field]()) if v in stand_ins else v

    value = [resolve(v) for v in value] if isinstance(value, list) else resolve(value)
    if field == "reason":  # the reason the other proposed alternative is set aside with
        field = f"reason_{_launch.pk}_en"
    data = _decision_data(extend, contact, pm, **{field: value})

    response = login(pm).post(reverse("decision_record", args=[informed.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if field != "rationale_en":
        assert KEPT in html
    assert not Decision.objects.exists()
    assert not Alternative.objects.filter(status="chosen").exists()


def test_a_closed_incident_takes_no_decision(informed, propose, pm, contact, login):
    extend = propose(informed)
    close_incident(informed, actor=informed.declared_by)

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]), _decision_data(extend, contact, pm)
    )

    assert response.status_code == 400
    assert "The incident is closed: its record is final." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_meeting_of_another_incident_in_the_address_is_a_404(informed, propose, pm, login, now):
    stray = MeetingFactory(incident=IncidentFactory(project=informed.project, now=now))

    url = reverse("meeting_decision_record", args=[informed.pk, stray.pk])

    assert login(pm).get(url).status_code == 404


# --- someone decided meanwhile -----------------------------------------------------------------


def test_a_decision_recorded_meanwhile_is_shown_and_a_second_submit_replaces_it(
    informed, propose, decide, pm, contact, login
):
    extend, launch = propose(informed, title_en="Extend"), propose(informed, title_en="Launch")
    client = login(pm)
    url = reverse("decision_record", args=[informed.pk])
    assert _expected_decision(client.get(url).content.decode()) == ""
    theirs = decide(
        informed, launch, rationale_en="Their reason: the date."
    )  # a colleague, meanwhile

    mine = _decision_data(extend, contact, pm, rationale_en="My reason: the scope.")
    response = client.post(url, mine)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone recorded a decision while you were writing yours" in html
    assert "Someone recorded a decision on this incident while you were writing yours" in html
    assert "Their reason: the date." in html  # the decision now in force
    assert "My reason: the scope." in html  # what was typed
    assert _expected_decision(html) == str(theirs.pk)
    assert services.current_decision(informed) == theirs

    again = client.post(url, mine | {"expected_current_decision": str(theirs.pk)})

    assert again.status_code == 302
    current = services.current_decision(informed)
    assert current.alternative == extend
    assert current.supersedes == theirs


# --- the incident page --------------------------------------------------------------------------


def test_the_incident_page_shows_the_decision_and_its_history(
    informed, propose, decide, held_meeting, pm, contact, viewer, login, now
):
    _in_tz(viewer, "Asia/Shanghai")
    extend, launch = (
        propose(informed, title_en="Extend 30 days"),
        propose(informed, title_en="Launch"),
    )
    first = decide(informed, launch, rationale_en="The date first.", decided_at=now - 2 * HOUR)
    decide(
        informed,
        extend,
        meeting=held_meeting,
        decided_at=held_meeting.starts_at,
        rationale_en="Full scope after all.",
        expected_current_decision_id=first.pk,
    )

    html = login(viewer).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    decision = html[html.index('id="decision"') :][:3000]
    assert "Extend 30 days" in decision
    assert "10 Mar 2025, 16:00" in decision  # 08:00 UTC in Shanghai
    assert reverse("meeting_detail", args=[informed.pk, held_meeting.pk]) in decision
    assert "Chen Jing" in decision
    assert pm.get_full_name() in decision
    assert "Full scope after all." in decision
    history = html[html.index("decision-history") :]
    assert "1 earlier decision, superseded" in history
    assert "The date first." in history
    assert reverse("decision_record", args=[informed.pk]) not in html  # a viewer
    assert reverse("alternative_compare", args=[informed.pk]) in html


def test_the_decision_shows_on_the_timeline_and_the_meeting_page(
    informed, propose, decide, held_meeting, pm, login
):
    decide(
        informed, propose(informed, title_en="Extend"), meeting=held_meeting, rationale_en="Scope."
    )
    client = login(pm)

    incident_page = client.get(reverse("incident_detail", args=[informed.pk])).content.decode()
    meeting_page = client.get(
        reverse("meeting_detail", args=[informed.pk, held_meeting.pk])
    ).content.decode()

    timeline = incident_page[incident_page.index('id="timeline"') :]
    assert "Decision: “Extend” chosen with the client. Scope." in timeline
    assert "Decision taken in this meeting" in meeting_page
    assert "Extend" in meeting_page


def test_pms_are_offered_every_control_viewers_none(informed, propose, pm, viewer, login):
    alternative = propose(informed)
    controls = [
        reverse("alternative_create", args=[informed.pk]),
        reverse("alternative_edit", args=[informed.pk, alternative.pk]),
        reverse("alternative_reject", args=[informed.pk, alternative.pk]),
        reverse("decision_record", args=[informed.pk]),
    ]

    pm_page = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()
    viewer_page = login(viewer).get(reverse("incident_detail", args=[informed.pk]))

    assert all(url in pm_page for url in controls)
    assert not any(url in viewer_page.content.decode() for url in controls)


# --- who may do what ------------------------------------------------------------------------------

#: URL name → (who may use it, the sub-object it needs)
URLS = {
    "alternative_create": ("pm", None),
    "alternative_edit": ("pm", "alternative"),
    "alternative_reject": ("pm", "alternative"),
    "alternative_compare": ("reader", None),
    "decision_record": ("contributor", None),
    "meeting_decision_record": ("contributor", "meeting"),
}


@pytest.fixture
def world(informed, propose, held_meeting):
    objects = {"alternative": propose(informed), "meeting": held_meeting}

    def url(name, *, incident_pk=None, object_pk=None):
        kind = URLS[name][1]
        args = [incident_pk or informed.pk]
        if kind:
            args.append(object_pk or objects[kind].pk)
        return reverse(name, args=args)

    return url


def _snapshot():
    return (
        list(Alternative.objects.values_list("pk", "title_en", "status", "version")),
        list(Decision.objects.values_list("pk")),
    )


BAD_POST = {"title_en": "Hijack", "description_en": "x", "reason_en": "x", "rationale_en": "x"}


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_strangers_get_404_like_for_an_incident_that_does_not_exist(
    world, stranger, login, name, method
):
    client = login(stranger)
    before = _snapshot()

    real = getattr(client, method)(world(name), BAD_POST)
    ghost = getattr(client, method)(world(name, incident_pk=10**9))

    assert real.status_code == ghost.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("name", URLS)
def test_viewers_read_but_get_403_on_every_write(world, viewer, login, name):
    client = login(viewer)
    before = _snapshot()
    reads = URLS[name][0] == "reader"

    assert client.get(world(name)).status_code == (200 if reads else 403)
    if not reads:
        assert client.post(world(name), BAD_POST).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("name", URLS)
def test_team_members_record_decisions_but_do_not_propose(world, team_member, login, name):
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


def test_an_alternative_of_another_incident_is_a_404(informed, propose, pm, login, now):
    stray = propose(informed_incident(project=informed.project, declared_by=pm, now=now - HOUR))
    client = login(pm)

    for name in ("alternative_edit", "alternative_reject"):
        url = reverse(name, args=[informed.pk, stray.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, _alternative_data(reason_en="x")).status_code == 404
    stray.refresh_from_db()
    assert stray.status == AlternativeStatus.PROPOSED
