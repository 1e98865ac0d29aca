"""``manage.py load_demo``: the article's case and friends, safe to run again."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.actionplans.models import ITEM_TEXTS, REMEDY_TEXTS
from apps.alternatives.models import ALTERNATIVE_TEXTS, DECISION_TEXTS, REJECTION_TEXTS
from apps.communications.models import LOG_TEXTS, MEETING_TEXTS, UpdateStatus
from apps.core.bilingual import LANGUAGES, columns
from apps.demo.data import DEMO_PASSWORD, USERS
from apps.incidents.models import INCIDENT_TEXTS, Incident, IncidentSeverity, IncidentStatus
from apps.projects.models import (
    MILESTONE_TEXTS,
    Client,
    ClientContact,
    Membership,
    Milestone,
    Project,
    ProjectRole,
)
from apps.projects.selectors import delivery_summary

pytestmark = pytest.mark.django_db

MODELS = [get_user_model(), Client, Project, Membership, ClientContact, Incident]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def _all_counts():
    """Rows in every table, so a second run that adds anything anywhere is caught."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label != "sessions"
    }


def _load():
    """Run it as ``make run`` does: with DEBUG on (pytest-django turns it off)."""
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_creates_the_users_projects_and_incidents(now):
    output = _load()

    assert _counts() == {
        "User": 4,
        "Client": 4,
        "Project": 4,
        "Membership": 9,
        "ClientContact": 5,
        "Incident": 7,
    }
    assert DEMO_PASSWORD in output
    for spec in USERS:
        assert spec.username in output
        user = get_user_model().objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD)
        assert (user.profile.language, user.profile.time_zone, user.profile.is_pmo) == (
            spec.language,
            spec.time_zone,
            spec.is_pmo,
        )


def test_every_demo_project_has_a_pm_and_the_pmo_lead(now):
    _load()
    pmo = get_user_model().objects.get(username="zhou.pmo")

    for project in Project.objects.all():
        assert project.pmo_lead == pmo
        assert project.memberships.filter(role=ProjectRole.PM).exists()
    assert pmo.is_superuser and pmo.is_staff


def test_running_load_demo_twice_changes_nothing(now):
    _load()
    first = _all_counts()
    deadlines = list(Incident.objects.values_list("pk", "first_contact_due_at", "status"))

    with time_machine.travel(now + timedelta(hours=5), tick=False):
        _load()

    assert _all_counts() == first
    assert _counts()["Incident"] == 7
    assert list(Incident.objects.values_list("pk", "first_contact_due_at", "status")) == deadlines


def test_load_demo_keeps_a_changed_password(now):
    _load()
    user = get_user_model().objects.get(username="li.pm")
    user.set_password("a-new-secret")
    user.save()

    _load()

    user.refresh_from_db()
    assert user.check_password("a-new-secret")


def test_the_articles_case_is_told_at_once_and_delivered(now):
    _load()

    case = Incident.objects.get(title_zh_hans__contains="调度引擎性能瓶颈")

    assert case.severity == IncidentSeverity.CRITICAL
    assert case.first_contact_met is True
    assert case.first_contact_at - case.declared_at <= timedelta(hours=3)
    assert case.is_ready_to_disclose
    assert case.status == IncidentStatus.RESOLVED
    assert case.next_update_due_at is None


def test_demo_incidents_cover_the_stages_the_dashboard_shows(now):
    _load()

    waiting = Incident.objects.get(title_en__startswith="Biometric")
    assert waiting.status == IncidentStatus.DECLARED
    assert waiting.first_contact_at is None
    assert waiting.first_contact_due_at == now + timedelta(hours=19)
    assert not waiting.is_ready_to_disclose

    overrun = Incident.objects.get(title_zh_hans__startswith="迁移预算超支")
    assert overrun.status == IncidentStatus.RESOLVED
    assert overrun.next_update_due_at is None

    nightly = Incident.objects.get(title_zh_hans__contains="报表延迟")
    assert nightly.is_open
    assert nightly.status != IncidentStatus.DECLARED
    assert nightly.first_contact_met is True
    assert nightly.next_update_due_at is not None


def test_demo_data_is_visible_to_its_users(client, now):
    _load()

    # Through the login form, as a person would (and as the login throttle requires).
    response = client.post("/accounts/login/", {"username": "anna.pm", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    html = client.get("/dashboard/").content.decode()

    assert "Biometric login rejected by the app store review" in html
    assert "调度引擎" not in html


def _texts_of(incident):
    """Every text the client reads of the incident: (what it is, the row, its text names)."""
    yield "incident", incident, INCIDENT_TEXTS
    for item in incident.action_items.filter(client_visible=True):
        yield "action item", item, ITEM_TEXTS
    for remedy in incident.remedies.all():
        yield "remedy", remedy, REMEDY_TEXTS
    for alternative in incident.alternatives.all():
        yield "alternative", alternative, (*ALTERNATIVE_TEXTS, *REJECTION_TEXTS)
    for decision in incident.decisions.all():
        yield "decision", decision, DECISION_TEXTS
    for entry in incident.log_entries.filter(client_visible=True):
        yield "log entry", entry, LOG_TEXTS
    for meeting in incident.meetings.all():
        yield "meeting", meeting, MEETING_TEXTS
    for update in incident.updates.filter(status=UpdateStatus.PUBLISHED):
        yield "update", update, ("body",)


def test_every_text_the_client_reads_is_written_in_both_languages(now):
    _load()

    written, one_language_only = set(), []
    for incident in Incident.objects.all():
        for kind, row, names in _texts_of(incident):
            for name in names:
                english, chinese = ((getattr(row, c) or "").strip() for c in columns(name))
                if english or chinese:
                    written.add(kind)
                if bool(english) != bool(chinese):
                    one_language_only.append((incident.title_en, kind, row.pk, name))
        assert incident.language_item(LANGUAGES).done, incident.title_en
    for milestone in Milestone.objects.all():
        english, chinese = (getattr(milestone, c).strip() for c in columns(*MILESTONE_TEXTS))
        written.add("milestone")
        if not (english and chinese):
            one_language_only.append((milestone.project.name, "milestone", milestone.pk, "title"))

    assert one_language_only == []
    assert written == {
        "incident",
        "action item",
        "remedy",
        "alternative",
        "decision",
        "log entry",
        "meeting",
        "update",
        "milestone",
    }


def test_the_articles_delivery_date_moves_with_the_decision_taken_with_the_client(now):
    _load()
    case = Incident.objects.get(title_zh_hans__contains="调度引擎性能瓶颈")
    project = case.project

    first, latest = project.delivery_changes.order_by("changed_at", "pk")

    # The launch the incident made impossible was due a week after it was declared.
    assert first.previous is None
    assert first.new == (case.declared_at + timedelta(days=7)).date()
    assert first.changed_at < case.declared_at
    # The decision taken with the client moved it by 30 days.
    decision = case.decisions.get(superseded_at__isnull=True)
    assert latest.decision == decision
    assert decision.delivery_change == latest
    assert (latest.previous, latest.new) == (first.new, first.new + timedelta(days=30))
    assert latest.changed_at > case.declared_at
    project.refresh_from_db()
    assert project.delivery_date == latest.new
    # The client's status page says so.
    summary = delivery_summary(project)
    assert (summary.previous, summary.current) == (first.new, latest.new)
    assert summary.agreed_at == decision.decided_at
    # The texts name the dates the history keeps, each as its reader writes it.
    planned, agreed = first.new, latest.new
    assert f"{planned.day} {planned:%B}" in case.summary_en
    assert f"{planned.month} 月 {planned.day} 日" in case.summary_zh_hans
    first_update, agreement = case.updates.order_by("published_at")[:2]
    assert f"**{planned.day} {planned:%B}**" in first_update.body_en
    assert f"**{agreed.month} 月 {agreed.day} 日**" in agreement.body_zh_hans
    # The plan still open: all trucks live on the agreed date.
    assert [m.due_on for m in summary.milestones] == [agreed]
    assert project.milestones.count() == 3


def test_every_demo_project_has_a_delivery_date(now):
    _load()

    for project in Project.objects.all():
        assert project.delivery_date is not None, project.name
        assert project.delivery_date == project.delivery_changes.first().new
    bank = Project.objects.get(name="Mobile banking app 3.0")
    assert bank.delivery_date.weekday() == 0
    assert bank.delivery_date > now.date()


@override_settings(DEBUG=False)
def test_load_demo_refuses_with_debug_off_and_writes_nothing():
    before = _all_counts()

    with pytest.raises(CommandError) as refused:
        call_command("load_demo", stdout=StringIO())

    assert _all_counts() == before
    message = str(refused.value)
    assert "DEBUG is off" in message
    assert DEMO_PASSWORD in message and "public" in message
    assert "--force" in message


@override_settings(DEBUG=False)
def test_load_demo_with_force_loads_even_with_debug_off(now):
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)

    assert "Demo data ready" in out.getvalue()
    assert _counts()["User"] == 4
