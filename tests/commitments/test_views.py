"""The commitments card and its forms: access, bad input kept and explained, never a 500."""

import pytest
from django.urls import reverse

from apps.commitments.models import Commitment, CommitmentStatus
from tests.factories import close_incident, informed_incident

from .conftest import HOUR

pytestmark = pytest.mark.django_db

KEPT = "Kept: what I typed."


def _data(owner, **overrides):
    return {
        "what_en": "The load test report",
        "due_at": "2025-03-14T18:00",
        "owner": str(owner.pk),
    } | overrides


def test_a_team_member_records_a_commitment_in_their_time_zone(informed, team_member, owner, login):
    team_member.profile.time_zone = "Asia/Shanghai"
    team_member.profile.save()

    response = login(team_member).post(
        reverse("commitment_create", args=[informed.pk]), _data(owner)
    )

    assert response.status_code == 302
    made = Commitment.objects.get()
    assert made.due_at.isoformat() == "2025-03-14T10:00:00+00:00"
    page = login(team_member).get(informed.get_absolute_url()).content.decode()
    assert "Commitments to the client" in page
    assert "The load test report" in page
    assert "Jun Wang" in page


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("what_en", "", "Say what was promised, in English or in Chinese."),
        ("due_at", "next Friday", "Enter a date and a time"),
        ("owner", "999999999999999999999", "Choose a project manager or team member"),
        ("meeting", "abc", "Choose one of this incident"),
    ],
)
def test_bad_input_is_explained_and_kept(informed, pm, owner, login, field, value, error):
    data = _data(owner) | {field: value}
    if field != "what_en":
        data["what_zh_hans"] = KEPT
    else:
        data["what_zh_hans"] = ""
        data["due_at"] = "2031-01-05T09:00"
    response = login(pm).post(reverse("commitment_create", args=[informed.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert (KEPT in html) if field != "what_en" else ("2031-01-05T09:00" in html)
    assert not Commitment.objects.exists()


def test_an_empty_post_is_a_400(informed, pm, login):
    assert login(pm).post(reverse("commitment_create", args=[informed.pk]), {}).status_code == 400


def test_a_viewer_and_a_stranger_cannot_record_one(informed, viewer, stranger, owner, login):
    url = reverse("commitment_create", args=[informed.pk])
    assert login(viewer).post(url, _data(owner)).status_code == 403
    assert login(stranger).post(url, _data(owner)).status_code == 404
    assert not Commitment.objects.exists()


def test_a_commitment_of_another_incident_is_a_404(informed, promise, pm, login, now):
    other = informed_incident(project=informed.project, declared_by=pm, now=now - HOUR)
    made = promise(other)
    url = reverse("commitment_keep", args=[informed.pk, made.pk])
    assert login(pm).post(url, {}).status_code == 404


def test_marking_kept_and_a_future_moment_refused(informed, promise, pm, login, now):
    made = promise(informed)
    url = reverse("commitment_keep", args=[informed.pk, made.pk])

    response = login(pm).post(url, {"kept_at": "2030-01-01T10:00"})
    assert response.status_code == 400
    assert "cannot be kept in the future" in response.content.decode()

    assert login(pm).post(url, {"kept_at": ""}).status_code == 302
    made.refresh_from_db()
    assert (made.status, made.kept_at) == (CommitmentStatus.KEPT, now)
    page = login(pm).get(informed.get_absolute_url()).content.decode()
    assert "Kept 1 of 1 commitment" in page
    # Settled: its forms send back to the incident with a message.
    assert login(pm).post(url, {}).status_code == 302


def test_marking_missed_needs_what_the_client_was_told(informed, promise, pm, login):
    made = promise(informed)
    url = reverse("commitment_miss", args=[informed.pk, made.pk])

    response = login(pm).post(url, {"told_client_en": "  ", "told_client_zh_hans": ""})
    assert response.status_code == 400
    assert "Say what the client was told" in response.content.decode()

    told = "We called Chen Jing: the report comes on Monday."
    assert login(pm).post(url, {"told_client_en": told}).status_code == 302
    made.refresh_from_db()
    assert made.status == CommitmentStatus.MISSED
    assert told in login(pm).get(informed.get_absolute_url()).content.decode()


def test_editing_keeps_what_was_typed_after_a_conflict(informed, promise, pm, owner, login, now):
    made = promise(informed)
    url = reverse("commitment_edit", args=[informed.pk, made.pk])
    assert login(pm).get(url).status_code == 200
    data = _data(owner, what_en="The load test report, signed", version="1")
    assert login(pm).post(url, data).status_code == 302
    data["what_en"] = KEPT

    response = login(pm).post(url, data)  # still version 1: someone changed it meanwhile

    assert response.status_code == 409
    assert KEPT in response.content.decode()


def test_a_closed_incident_takes_no_commitment(informed, pm, owner, login):
    closed = close_incident(informed, actor=pm)
    response = login(pm).post(
        reverse("commitment_create", args=[closed.pk]), _data(owner, what_en=KEPT)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The incident is closed: its record is final." in html
    assert KEPT in html
