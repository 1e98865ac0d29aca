"""``manage.py scan_reminders``: the cron fallback and the way to replay a moment."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.notifications.models import Notification
from apps.outbox.models import OutgoingEmail
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus

from .support import HOUR

pytestmark = pytest.mark.django_db

MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"


def _scan(*args) -> str:
    out = StringIO()
    call_command("scan_reminders", *args, stdout=out)
    return out.getvalue()


def test_now_with_an_offset_replays_that_instant(incident, pm):
    # 12 hours before the deadline (09:00 UTC on 11 March), written in Beijing time.
    assert incident.first_contact_due_at.isoformat() == "2025-03-11T09:00:00+00:00"

    output = _scan("--now", "2025-03-11T05:00:00+08:00")

    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.FIRST_CONTACT_DUE_12H
    assert reminder.recipient == pm
    assert reminder.status == ReminderStatus.PENDING
    assert output.strip() == "1 new reminder(s)"


def test_a_minute_earlier_there_is_nothing_to_scan(incident):
    assert _scan("--now", "2025-03-11T04:59:00+08:00").strip() == "0 new reminder(s)"
    assert not Reminder.objects.exists()


def test_utc_can_be_written_with_z(incident):
    _scan("--now", "2025-03-11T09:00:00Z")

    assert {r.kind for r in Reminder.objects.all()} == {ReminderKind.FIRST_CONTACT_BREACHED}


def test_running_the_command_twice_finds_nothing_new(incident):
    _scan("--now", "2025-03-11T09:00:00+00:00")

    assert _scan("--now", "2025-03-11T09:00:00+00:00").strip() == "0 new reminder(s)"
    assert Reminder.objects.count() == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "must be an ISO-8601 date and time"),
        ("2025-13-45T25:00:00+00:00", "must be an ISO-8601 date and time"),
        ("", "must be an ISO-8601 date and time"),
        ("2025-03-11T09:00:00", "must carry a time zone offset"),
    ],
)
def test_a_bad_now_is_a_clean_error(incident, value, message):
    with pytest.raises(CommandError) as exc:
        _scan("--now", value)

    assert message in str(exc.value)
    assert not Reminder.objects.exists()


def test_a_bad_now_on_the_command_line_is_a_usage_error_not_a_traceback():
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(MANAGE_PY), "scan_reminders", "--now", "not-a-date"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 2
    assert "must be an ISO-8601 date and time" in result.stderr
    assert "Traceback" not in result.stderr


def test_deliver_delivers_in_this_process(incident, pm, project, mailoutbox):
    output = _scan("--now", "2025-03-11T09:00:00+00:00", "--deliver")

    assert output.strip() == "2 new reminder(s), 2 delivered"
    assert {r.status for r in Reminder.objects.all()} == {ReminderStatus.DELIVERED}
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        pm.pk,
        project.pmo_lead_id,
    }
    assert OutgoingEmail.objects.count() == 2


def test_deliver_also_delivers_what_an_earlier_scan_left_pending(incident):
    _scan("--now", "2025-03-10T21:00:00+00:00")  # its delivery message never arrives

    output = _scan("--now", "2025-03-10T21:05:00+00:00", "--deliver")

    assert output.strip() == "0 new reminder(s), 1 delivered"
    assert Reminder.objects.get().status == ReminderStatus.DELIVERED


def test_without_now_the_command_scans_the_present(incident, clock):
    clock.move_to(incident.first_contact_due_at - 2 * HOUR)

    _scan()

    assert {r.kind for r in Reminder.objects.all()} == {ReminderKind.FIRST_CONTACT_DUE_2H}


def test_sweep_re_enqueues_what_an_earlier_scan_left_pending(incident, enqueued):
    _scan("--now", "2025-03-10T21:00:00+00:00")  # its delivery message is lost
    enqueued.drop()
    [reminder] = Reminder.objects.all()

    # Within the grace period the message may still be on its way: left alone.
    output = _scan("--now", "2025-03-10T21:01:00+00:00", "--sweep")
    assert output.strip() == "0 new reminder(s), 0 reminder(s) and 0 e-mail(s) re-enqueued"
    assert enqueued.messages == []

    output = _scan("--now", "2025-03-10T21:02:00+00:00", "--sweep")
    assert output.strip() == "0 new reminder(s), 1 reminder(s) and 0 e-mail(s) re-enqueued"
    assert enqueued.args_of("deliver") == [(reminder.pk,)]
