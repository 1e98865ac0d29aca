"""The review meeting is scheduled through the meetings: ``?purpose=review`` starts the form.

The title and the agenda are pre-filled in both languages, as initial values
the PM can change; a meeting scheduled that way in time silences the review
reminders.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.communications.models import Meeting
from apps.incidents.services import incident_resolve
from apps.reminders.models import ReminderKind
from apps.reminders.services import review_meeting_url
from apps.retrospectives.models import Retrospective

pytestmark = pytest.mark.django_db

TITLE = "Retrospective review meeting"
AGENDA = (
    "1. The timeline: what happened, and when\n"
    "2. The root causes\n"
    "3. The improvements: an owner and a due date for each"
)


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.fixture
def resolved(informed, pm):
    return incident_resolve(
        incident=informed, actor=pm, now=datetime(2025, 3, 11, 9, 0, tzinfo=UTC)
    )


def _url(incident, query: str = "") -> str:
    return reverse("meeting_create", args=[incident.pk]) + query


def test_the_reminders_link_is_the_meeting_form_for_the_review(resolved):
    assert review_meeting_url(resolved) == f"/incidents/{resolved.pk}/meetings/new/?purpose=review"


def test_purpose_review_prefills_the_title_and_agenda_in_both_languages(resolved, pm, login):
    response = login(pm).get(_url(resolved, "?purpose=review"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["title_en"].value() == TITLE
    assert form["agenda_en"].value() == AGENDA
    assert form["title_zh_hans"].value() == _in("zh-hans", TITLE)
    assert form["agenda_zh_hans"].value() == _in("zh-hans", AGENDA)
    # The times and people are the PM's to choose.
    assert form["starts_at"].value() is None
    assert form["location"].value() is None


def test_a_chinese_speaking_pm_gets_the_same_two_texts(resolved, pm, login):
    response = login(pm, language="zh-hans").get(_url(resolved, "?purpose=review"))

    form = response.context["form"]
    assert form["title_en"].value() == TITLE
    assert form["title_zh_hans"].value() == _in("zh-hans", TITLE)


@pytest.mark.parametrize("query", ["", "?purpose=", "?purpose=party", "?purpose=review&purpose=x"])
def test_without_a_known_purpose_the_form_starts_empty(resolved, pm, login, query):
    response = login(pm).get(_url(resolved, query))

    assert response.status_code == 200
    assert response.context["form"]["title_en"].value() in (None, "")


def test_the_pm_changes_the_prefilled_texts_and_the_meeting_keeps_theirs(resolved, pm, login, beat):
    due = Retrospective.objects.get(incident=resolved).review_meeting_due_at
    response = login(pm).post(
        _url(resolved, "?purpose=review"),
        {
            "title_en": "Review with the client's IT lead",
            "title_zh_hans": "",
            "agenda_en": "1. The timeline\n2. The root causes",
            "agenda_zh_hans": "",
            "starts_at": "2025-03-14T10:00",
            "duration_minutes": "90",
            "location": "Room 4",
        },
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get(incident=resolved)
    assert meeting.title_en == "Review with the client's IT lead"
    assert meeting.title_zh_hans == ""
    assert meeting.agenda_en == "1. The timeline\n2. The root causes"
    # Scheduled in time: the PMs are not reminded of the review meeting.
    for moment in (due - timedelta(days=1), due):
        assert not {r.kind for r in beat.scan(at=moment)} & {
            ReminderKind.REVIEW_MEETING_DUE,
            ReminderKind.REVIEW_MEETING_OVERDUE,
        }


def test_a_bad_submission_keeps_what_was_typed(resolved, pm, login):
    response = login(pm).post(
        _url(resolved, "?purpose=review"),
        {
            "title_en": "Kept review title",
            "agenda_en": AGENDA,
            "starts_at": "next week",
            "duration_minutes": "60",
            "location": "",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Kept review title" in html
    assert "Enter a date and a time" in html
    assert not Meeting.objects.exists()
