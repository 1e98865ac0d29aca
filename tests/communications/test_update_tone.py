"""While writing an update and before publishing it, the PM sees what the tone check finds.

The check warns and never blocks: the marked words with why they hurt and a calmer
phrasing, in the PM's language, and what the message lacks.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.communications.models import StatusUpdate
from tests.factories import StatusUpdateFactory, informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
BLAMING = {
    "body_en": "The import failed. This is not our fault.",
    "body_zh_hans": "导入失败了。这不是我们的责任。",
}
CALM = {
    "body_en": "We found the cause of the failed import. Our next update will reach you by"
    " 5 January at 18:00.",
    "body_zh_hans": "我们找到了导入失败的原因。下一次更新将于1月5日18:00前发给您。",
}
EN_MARK = '<mark class="tone-mark" aria-describedby="tone-body-en-1">This is not our fault</mark>'
ZH_MARK = '<mark class="tone-mark" aria-describedby="tone-body-zh-hans-1">不是我们的责任</mark>'
EN_SUGGESTION = "Say what happened and what you are doing"
ZH_SUGGESTION = "说明发生了什么、正在做什么"
TONE_BLOCK = 'class="tone-findings'


@pytest.fixture
def informed(project, pm, now):
    """The client has heard from us already: the next message is an update."""
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


def _preview(client, incident, texts):
    return client.post(reverse("update_preview", args=[incident.pk]), texts)


def _publish_url(update):
    return reverse("update_publish", args=[update.incident_id, update.pk])


# --- while writing -----------------------------------------------------------------------


def test_the_live_preview_marks_a_blaming_sentence_in_each_language(informed, pm, login):
    response = _preview(login(pm), informed, BLAMING)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tone check" in html
    assert EN_MARK in html and EN_SUGGESTION in html
    assert ZH_MARK in html and ZH_SUGGESTION in html
    # Each mark is followed by the number of its note, which explains it.
    assert f'{EN_MARK}<sup class="tone-ref"><a href="#tone-body-en-1">1</a></sup>.' in html
    assert '<li id="tone-body-en-1" value="1"><q lang="en">This is not our fault</q>:' in html


def test_the_preview_button_shows_the_findings_without_javascript(informed, pm, login):
    response = login(pm).post(
        reverse("update_create", args=[informed.pk]), BLAMING | {"preview": "Preview"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert EN_MARK in html and ZH_MARK in html
    assert not StatusUpdate.objects.exists()


def test_the_findings_are_explained_in_a_chinese_pms_language(informed, pm, login):
    html = _preview(login(pm, language="zh-hans"), informed, BLAMING).content.decode()

    assert "语气检查" in html
    # The English text's finding, explained in Chinese; the suggestion stays in the text's language.
    assert "推卸责任或语带防御" in html
    assert EN_SUGGESTION in html


def test_an_update_without_the_next_update_time_says_so(informed, pm, login):
    html = _preview(
        login(pm), informed, {"body_en": "The data import is still running.", "body_zh_hans": ""}
    ).content.decode()

    assert "No next update time is mentioned." in html
    assert "No apology is made" not in html  # the first notice was already sent
    assert "<mark" not in html


def test_the_first_message_to_the_client_is_checked_as_a_first_notice(incident, pm, login):
    html = _preview(login(pm), incident, CALM).content.decode()

    assert "No apology is made." in html
    assert "No next update time is mentioned" not in html


def test_a_calm_update_shows_no_findings(informed, pm, login):
    html = _preview(login(pm), informed, CALM).content.decode()

    assert TONE_BLOCK not in html
    assert "<mark" not in html


def test_an_empty_text_is_not_checked(informed, pm, login):
    html = _preview(
        login(pm), informed, {"body_en": "", "body_zh_hans": CALM["body_zh_hans"]}
    ).content.decode()

    assert TONE_BLOCK not in html


def test_the_findings_never_block_saving_the_draft(informed, pm, login):
    response = login(pm).post(reverse("update_create", args=[informed.pk]), BLAMING)

    assert response.status_code == 302
    assert StatusUpdate.objects.get().body_en == BLAMING["body_en"]


def test_the_marked_text_is_escaped(informed, pm, login):
    texts = {
        "body_en": "<script>alert(1)</script> This is not our fault. <b>Really</b>",
        "body_zh_hans": "",
    }

    html = _preview(login(pm), informed, texts).content.decode()

    assert "<script>" not in html
    tone = html[html.index(TONE_BLOCK) :]
    assert "<b>" not in tone  # the Markdown preview above may render it; the marked text never
    assert (
        '&lt;script&gt;alert(1)&lt;/script&gt; <mark class="tone-mark"'
        ' aria-describedby="tone-body-en-1">This is not our fault</mark>'
    ) in html
    assert "&lt;b&gt;Really&lt;/b&gt;" in html


def test_the_check_costs_the_preview_no_query(informed, pm, login):
    client = login(pm)
    _preview(client, informed, CALM)  # sessions, caches and the word lists warmed once

    with CaptureQueriesContext(connection) as calm:
        _preview(client, informed, CALM)
    with CaptureQueriesContext(connection) as blaming:
        response = _preview(client, informed, BLAMING)

    assert EN_MARK in response.content.decode()
    assert len(blaming) == len(calm)


def test_a_text_too_long_is_not_checked_and_the_form_says_why(informed, pm, login):
    response = _preview(
        login(pm), informed, {"body_en": "This is not our fault. " * 1000, "body_zh_hans": ""}
    )

    assert response.status_code == 400
    assert TONE_BLOCK not in response.content.decode()


# --- before publishing ---------------------------------------------------------------------


def test_the_publish_confirmation_shows_the_findings_in_both_languages(informed, pm, login):
    update = StatusUpdateFactory(incident=informed, **BLAMING)

    html = login(pm).get(_publish_url(update)).content.decode()

    assert EN_MARK in html and EN_SUGGESTION in html
    assert ZH_MARK in html and ZH_SUGGESTION in html
    # Shown before the button, which stays: it warns, it does not block.
    assert html.index(EN_MARK) < html.index("Publish now")


def test_the_publish_confirmation_of_a_calm_update_shows_no_findings(informed, pm, login):
    update = StatusUpdateFactory(incident=informed, **CALM)

    html = login(pm).get(_publish_url(update)).content.decode()

    assert TONE_BLOCK not in html
    assert "Publish now" in html


def test_the_publish_confirmation_escapes_the_marked_text(informed, pm, login):
    update = StatusUpdateFactory(
        incident=informed,
        body_en="<script>alert(1)</script> This is not our fault.",
        body_zh_hans="",
    )

    html = login(pm).get(_publish_url(update)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark" in html


def test_an_update_with_findings_can_still_be_published(informed, pm, login):
    update = StatusUpdateFactory(incident=informed, **BLAMING)

    response = login(pm).post(_publish_url(update))

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.status == "published"
