"""``manage.py load_demo``: the article's case and friends, safe to run again."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.demo.data import DEMO_PASSWORD, USERS
from apps.incidents.models import Incident, IncidentSeverity, IncidentStatus
from apps.projects.models import Client, ClientContact, Membership, Project, ProjectRole

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
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_creates_the_users_projects_and_incidents(now):
    output = _load()

    assert _counts() == {
        "User": 4,
        "Client": 3,
        "Project": 3,
        "Membership": 7,
        "ClientContact": 4,
        "Incident": 4,
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
    assert _counts()["Incident"] == 4
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

    nightly = Incident.objects.get(title_zh_hans__startswith="报表延迟")
    assert nightly.is_open
    assert nightly.status != IncidentStatus.DECLARED
    assert nightly.first_contact_met is True
    assert nightly.next_update_due_at is not None


def test_demo_data_is_visible_to_its_users(client, now):
    _load()

    assert client.login(username="anna.pm", password=DEMO_PASSWORD)
    html = client.get("/dashboard/").content.decode()

    assert "Biometric login rejected by the app store review" in html
    assert "调度引擎" not in html
