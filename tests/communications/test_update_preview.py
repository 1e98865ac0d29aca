"""The update form shows what the client will read, in both languages, before anything is saved."""

import pytest
from django.urls import reverse

from apps.communications.models import StatusUpdate

pytestmark = pytest.mark.django_db

TEXTS = {
    "body_en": "We **found** the cause.\n\n- next: a fix\n\n<script>alert(1)</script>",
    "body_zh_hans": "我们**找到**了原因。",
}


def test_the_preview_button_shows_both_texts_rendered_and_saves_nothing(incident, pm, login):
    response = login(pm).post(
        reverse("update_create", args=[incident.pk]), TEXTS | {"preview": "Preview"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<div class="update-body border rounded p-2" lang="en"><p>We <strong>found</strong>' in html
    )
    assert "<li>next: a fix</li>" in html
    assert (
        '<div class="update-body border rounded p-2" lang="zh-Hans"><p>我们<strong>找到</strong>'
        in html
    )
    assert "<script>alert(1)</script>" not in html  # sanitised as on the status page
    assert "We **found** the cause." in html  # what was typed, kept in the form
    assert not StatusUpdate.objects.exists()


def test_a_text_left_empty_says_what_its_readers_get(incident, pm, login):
    response = login(pm).post(
        reverse("update_create", args=[incident.pk]),
        {"body_en": "Only English.", "body_zh_hans": "", "preview": "Preview"},
    )

    assert "Not written: a Chinese reader gets the English text, marked as such." in (
        response.content.decode()
    )


def test_previewing_a_draft_leaves_the_draft_as_it_was(incident, pm, login):
    client = login(pm)
    client.post(reverse("update_create", args=[incident.pk]), {"body_en": "First."})
    draft = StatusUpdate.objects.get()

    client.post(
        reverse("update_edit", args=[incident.pk, draft.pk]),
        {"body_en": "Second.", "body_zh_hans": "", "preview": "Preview"},
    )

    draft.refresh_from_db()
    assert draft.body_en == "First."


def test_the_live_preview_answers_with_the_rendered_texts(incident, pm, login):
    response = login(pm).post(reverse("update_preview", args=[incident.pk]), TEXTS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>found</strong>" in html and "<strong>找到</strong>" in html
    assert "<script>" not in html
    assert not StatusUpdate.objects.exists()


def test_the_live_preview_is_for_the_incidents_team_only(incident, stranger, viewer, login):
    url = reverse("update_preview", args=[incident.pk])

    assert login(stranger).post(url, TEXTS).status_code == 404
    assert login(viewer).post(url, TEXTS).status_code in (403, 404)
    assert login(viewer).get(url).status_code == 405


def test_the_preview_is_in_chinese_for_a_chinese_pm(incident, pm, login):
    html = (
        login(pm, language="zh-hans")
        .get(reverse("update_create", args=[incident.pk]))
        .content.decode()
    )

    assert "客户将看到的内容" in html
