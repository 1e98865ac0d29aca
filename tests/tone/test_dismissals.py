"""A PM may dismiss a tone finding with a reason; the dismissal is on the record.

The check warns and never blocks. A dismissal is about the words in this
incident: the same words flagged by the same rule stay dismissed in its later
drafts, show who dismissed them and why, and can be withdrawn.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.events.models import Event
from apps.tone import services
from apps.tone.models import Dismissal
from tests.factories import StatusUpdateFactory, informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
BLAME_RULE = "en.blame.not-our-fault"
BLAME_WORDS = "This is not our fault"
BLAMING = {"body_en": "The import failed. This is not our fault.", "body_zh_hans": ""}
EN_MARK = '<mark class="tone-mark" aria-describedby="tone-body-en-1">This is not our fault</mark>'
REASON = "The client's lawyer asked us to state it in these words."


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


def _dismiss(incident, actor, **kwargs):
    values = {
        "incident": incident,
        "language": "en",
        "rule": BLAME_RULE,
        "text": BLAME_WORDS,
        "reason": REASON,
        "actor": actor,
        "where": "update",
    } | kwargs
    return services.finding_dismiss(**values)


def _preview(client, incident, texts=BLAMING):
    return client.post(reverse("update_preview", args=[incident.pk]), texts)


# --- the service -------------------------------------------------------------------------


def test_a_dismissal_is_recorded_with_who_and_why(informed, pm):
    dismissal = _dismiss(informed, pm)

    assert (dismissal.rule, dismissal.text, dismissal.reason) == (BLAME_RULE, BLAME_WORDS, REASON)
    assert dismissal.dismissed_by == pm
    event = Event.objects.get(verb="tone.finding_dismissed")
    assert event.actor == pm
    assert event.incident_id == informed.pk
    assert event.data == {
        "rule": BLAME_RULE,
        "category": "blame",
        "language": "en",
        "text": BLAME_WORDS,
        "reason": REASON,
        "where": "update",
    }


def test_a_dismissal_needs_a_reason(informed, pm):
    with pytest.raises(ValidationError) as refused:
        _dismiss(informed, pm, reason="   ")

    assert "Say why" in str(refused.value)
    assert not Dismissal.objects.exists()
    assert not Event.objects.filter(verb="tone.finding_dismissed").exists()


@pytest.mark.parametrize(
    ("rule", "language"),
    [("en.blame.no-such-rule", "en"), (BLAME_RULE, "zh-hans"), (BLAME_RULE, "fr")],
)
def test_only_a_rule_of_the_texts_language_can_be_dismissed(informed, pm, rule, language):
    with pytest.raises(ValidationError):
        _dismiss(informed, pm, rule=rule, language=language)

    assert not Dismissal.objects.exists()


def test_dismissing_the_same_words_twice_keeps_the_first_reason(informed, pm, team_member):
    first = _dismiss(informed, pm)
    again = _dismiss(informed, team_member, reason="Another reason.")

    assert again == first
    assert Dismissal.objects.get().reason == REASON
    assert Event.objects.filter(verb="tone.finding_dismissed").count() == 1


def test_withdrawing_a_dismissal_is_on_the_record_too(informed, pm, team_member):
    dismissal = _dismiss(informed, pm)

    services.dismissal_withdraw(dismissal=dismissal, actor=team_member)

    assert not Dismissal.objects.exists()
    event = Event.objects.get(verb="tone.dismissal_withdrawn")
    assert event.actor == team_member
    assert event.data["reason_it_was_dismissed"] == REASON
    assert event.data["dismissed_by"]["id"] == pm.pk


# --- what the PM sees ---------------------------------------------------------------------


def test_a_dismissed_finding_is_no_longer_marked_but_listed_with_who_and_why(informed, pm, login):
    _dismiss(informed, pm)

    html = _preview(login(pm), informed).content.decode()

    assert EN_MARK not in html
    assert "1 finding dismissed" in html
    assert REASON.replace("'", "&#x27;") in html
    assert "Dismissed by" in html


def test_a_dismissal_holds_for_the_same_words_in_a_later_draft_of_the_incident(informed, pm, login):
    _dismiss(informed, pm)
    later = {"body_en": "We checked again. This is not our fault.", "body_zh_hans": ""}

    html = _preview(login(pm), informed, later).content.decode()

    assert "<mark" not in html.split("finding dismissed")[0].split("tone-findings")[-1]
    assert "1 finding dismissed" in html


def test_a_dismissal_in_one_incident_does_not_hide_the_finding_in_another(
    informed, project, pm, login, now
):
    _dismiss(informed, pm)
    other = informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)

    html = _preview(login(pm), other).content.decode()

    assert EN_MARK in html
    assert "finding dismissed" not in html


def test_dismissing_on_the_publish_confirmation_returns_to_it(informed, pm, login):
    update = StatusUpdateFactory(incident=informed, **BLAMING)
    publish = reverse("update_publish", args=[informed.pk, update.pk])
    client = login(pm)
    page = client.get(publish).content.decode()
    assert 'name="key" value="en|en.blame.not-our-fault|This is not our fault"' in page

    response = client.post(
        reverse("tone_dismiss", args=[informed.pk]),
        {
            "key": f"en|{BLAME_RULE}|{BLAME_WORDS}",
            "reason": REASON,
            "where": "update",
            "next": f"{publish}#tone",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{publish}#tone"
    assert Dismissal.objects.get().dismissed_by == pm
    html = client.get(publish).content.decode()
    assert EN_MARK not in html
    assert "1 finding dismissed" in html
    # Still a warning, never a block: the update publishes.
    assert client.post(publish).status_code == 302


def test_a_dismissal_without_a_reason_is_refused_with_a_message(informed, pm, login):
    client = login(pm)

    response = client.post(
        reverse("tone_dismiss", args=[informed.pk]),
        {"key": f"en|{BLAME_RULE}|{BLAME_WORDS}", "reason": "", "next": "/"},
        follow=True,
    )

    assert "The finding was not dismissed" in response.content.decode()
    assert not Dismissal.objects.exists()


def test_the_dismiss_button_of_the_update_form_keeps_what_was_typed(informed, pm, login):
    """Without JavaScript the button sends the form: the typed text comes back, unsaved."""
    typed = BLAMING | {
        "tone_dismiss": f"tone-body-en-1|en|{BLAME_RULE}|{BLAME_WORDS}",
        "tone_reason_tone-body-en-1": REASON,
    }

    response = login(pm).post(reverse("update_create", args=[informed.pk]), typed)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The import failed. This is not our fault.</textarea>" in html
    assert "your reason is on the record" in html
    assert "1 finding dismissed" in html
    assert Dismissal.objects.get().reason == REASON
    assert not informed.updates.exists()


def test_the_dismiss_button_without_a_reason_says_why_and_keeps_the_text(informed, pm, login):
    typed = BLAMING | {"tone_dismiss": f"tone-body-en-1|en|{BLAME_RULE}|{BLAME_WORDS}"}

    response = login(pm).post(reverse("update_create", args=[informed.pk]), typed)

    html = response.content.decode()
    assert "Say why, so that the team knows later." in html
    assert "The import failed. This is not our fault.</textarea>" in html
    assert not Dismissal.objects.exists()


def test_a_tampered_dismiss_button_is_a_message_not_an_error(informed, pm, login):
    typed = BLAMING | {"tone_dismiss": "nonsense"}

    response = login(pm).post(reverse("update_create", args=[informed.pk]), typed)

    assert response.status_code == 200
    assert "That finding was not found" in response.content.decode()


def test_the_fetch_dismissal_answers_in_json(informed, pm, login):
    client = login(pm)
    url = reverse("tone_dismiss", args=[informed.pk])
    headers = {"X-Requested-With": "fetch"}

    refused = client.post(url, {"key": f"en|{BLAME_RULE}|{BLAME_WORDS}"}, headers=headers)
    done = client.post(
        url, {"key": f"en|{BLAME_RULE}|{BLAME_WORDS}", "reason": REASON}, headers=headers
    )

    assert refused.status_code == 400
    assert "Say why" in refused.json()["error"]
    assert done.status_code == 200 and done.json() == {"dismissed": True}


def test_withdrawing_from_the_page_shows_the_finding_again(informed, pm, login):
    dismissal = _dismiss(informed, pm)
    client = login(pm)

    response = client.post(
        reverse("tone_dismissal_withdraw", args=[informed.pk, dismissal.pk]), {"next": "/"}
    )

    assert response.status_code == 302
    assert EN_MARK in _preview(client, informed).content.decode()


def test_a_chinese_pm_reads_the_dismissal_in_chinese(informed, pm, login):
    _dismiss(informed, pm)

    html = _preview(login(pm, language="zh-hans"), informed).content.decode()

    assert "已忽略 1 条提示" in html


# --- who may -------------------------------------------------------------------------------


def test_a_team_member_may_dismiss_but_a_viewer_may_not(informed, team_member, viewer, login):
    data = {"key": f"en|{BLAME_RULE}|{BLAME_WORDS}", "reason": REASON}
    url = reverse("tone_dismiss", args=[informed.pk])

    assert login(viewer).post(url, data).status_code == 403
    assert login(team_member).post(url, data).status_code == 302
    assert Dismissal.objects.get().dismissed_by == team_member


def test_a_stranger_cannot_learn_the_incident_exists(informed, stranger, pm, login):
    dismissal = _dismiss(informed, pm)
    client = login(stranger)

    dismiss = client.post(
        reverse("tone_dismiss", args=[informed.pk]),
        {"key": f"en|{BLAME_RULE}|{BLAME_WORDS}", "reason": REASON},
    )
    withdraw = client.post(reverse("tone_dismissal_withdraw", args=[informed.pk, dismissal.pk]))
    live = client.post(reverse("tone_live", args=[informed.pk]), {"tone_subject": "update"})

    assert (dismiss.status_code, withdraw.status_code, live.status_code) == (404, 404, 404)
    assert Dismissal.objects.count() == 1


def test_a_dismissal_of_another_incident_cannot_be_withdrawn_through_this_one(
    informed, project, pm, login, now
):
    other = informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)
    dismissal = _dismiss(other, pm)

    response = login(pm).post(reverse("tone_dismissal_withdraw", args=[informed.pk, dismissal.pk]))

    assert response.status_code == 404
    assert Dismissal.objects.count() == 1


def test_the_next_address_stays_on_this_site(informed, pm, login):
    response = login(pm).post(
        reverse("tone_dismiss", args=[informed.pk]),
        {
            "key": f"en|{BLAME_RULE}|{BLAME_WORDS}",
            "reason": REASON,
            "next": "https://evil.example.com/",
        },
    )

    assert response["Location"] == informed.get_absolute_url()
