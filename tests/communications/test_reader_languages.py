"""Before an update or an invitation goes out, the PM sees who reads it in which language."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.communications.models import Meeting, StatusUpdate
from apps.outbox.models import OutgoingEmail
from tests.factories import ClientContactFactory, StatusUpdateFactory, informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
CHEN = "Chen Jing &lt;chen@client.example.com&gt;"
HELEN = "Helen Zhang &lt;helen@client.example.com&gt;"
WARNING = 'class="alert alert-warning'


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def chen(project):
    return ClientContactFactory(
        project=project, name="Chen Jing", email="chen@client.example.com", language="en"
    )


@pytest.fixture
def helen(project):
    return ClientContactFactory(
        project=project, name="Helen Zhang", email="helen@client.example.com", language="zh-hans"
    )


def _publish_url(update):
    return reverse("update_publish", args=[update.incident_id, update.pk])


# --- publishing an update --------------------------------------------------------------------


def test_the_publish_confirmation_names_who_receives_which_language(
    informed, chen, helen, pm, login
):
    update = StatusUpdateFactory(incident=informed, body_zh_hans="")

    html = login(pm).get(_publish_url(update)).content.decode()

    assert f"{CHEN} reads English: receives the English text." in html
    assert (
        f"{HELEN} reads Chinese: there is no Chinese text — will receive the English text instead."
    ) in html
    # The one who will not read it in their language is the warning, just above the button.
    warning = html.index(WARNING)
    assert html.index(HELEN) > warning > html.index(CHEN)
    assert warning < html.index("Publish now") < html.index("</form>", warning)
    assert "each in their language" not in html


def test_an_update_in_both_languages_reaches_each_reader_in_theirs_without_a_warning(
    informed, chen, helen, pm, login
):
    update = StatusUpdateFactory(incident=informed)

    html = login(pm).get(_publish_url(update)).content.decode()

    assert f"{CHEN} reads English: receives the English text." in html
    assert f"{HELEN} reads Chinese: receives the Chinese text." in html
    assert WARNING not in html


def test_an_update_in_chinese_only_warns_about_the_english_reader(informed, chen, helen, pm, login):
    update = StatusUpdateFactory(incident=informed, body_en="")

    html = login(pm).get(_publish_url(update)).content.decode()

    assert f"{HELEN} reads Chinese: receives the Chinese text." in html
    assert (
        f"{CHEN} reads English: there is no English text — will receive the Chinese text instead."
    ) in html


def test_contacts_who_receive_no_updates_are_not_listed(informed, chen, helen, pm, login):
    helen.receives_updates = False
    helen.save()
    update = StatusUpdateFactory(incident=informed, body_zh_hans="")

    html = login(pm).get(_publish_url(update)).content.decode()

    assert "Helen Zhang" not in html
    assert WARNING not in html


def test_the_pm_may_still_publish_and_the_reader_gets_the_other_language(
    informed, chen, helen, pm, login
):
    update = StatusUpdateFactory(incident=informed, body_zh_hans="")

    response = login(pm).post(_publish_url(update))

    assert response.status_code == 302
    assert StatusUpdate.objects.get(pk=update.pk).status == "published"
    email = OutgoingEmail.objects.get(to="helen@client.example.com")
    assert "new design" in email.body_text


def test_the_publish_confirmation_speaks_chinese_to_a_chinese_pm(informed, chen, helen, pm, login):
    update = StatusUpdateFactory(incident=informed, body_zh_hans="")

    html = login(pm, language="zh-hans").get(_publish_url(update)).content.decode()

    assert f"{CHEN} 阅读英文：收到英文版本。" in html
    assert f"{HELEN} 阅读中文：没有中文版本——将改为收到英文版本。" in html
    assert "这条进展更新没有用每位读者阅读的语言撰写" in html


# --- sending a meeting invitation ------------------------------------------------------------


def _meeting_data(**overrides):
    return {
        "title_en": "Options review",
        "starts_at": "2025-03-11T10:00",
        "duration_minutes": "90",
        "location": "https://meet.example.com/abc",
        "agenda_en": "The three alternatives.",
    } | overrides


def test_an_invitation_missing_an_attendees_language_is_not_sent_at_first(
    informed, chen, helen, pm, login
):
    data = _meeting_data(client_attendees=[chen.pk, helen.pk], team_attendees=[pm.pk])

    response = login(pm).post(reverse("meeting_create", args=[informed.pk]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert not Meeting.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert (
        f"{HELEN} reads Chinese: there is no Chinese text of the title, agenda — "
        "will receive the English text instead."
    ) in html
    assert f"{CHEN} reads English" in html
    assert 'name="send_anyway"' in html
    assert "Send anyway" in html
    # What was typed is kept.
    assert 'value="Options review"' in html
    assert "The three alternatives." in html
    assert 'value="https://meet.example.com/abc"' in html


def test_with_send_anyway_ticked_the_invitation_goes_out(informed, chen, helen, pm, login):
    data = _meeting_data(client_attendees=[chen.pk, helen.pk], send_anyway="on")

    response = login(pm).post(reverse("meeting_create", args=[informed.pk]), data)

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert set(meeting.client_attendees.all()) == {chen, helen}


def test_attendees_who_read_the_invitations_language_get_it_at_once(
    informed, chen, helen, pm, login
):
    data = _meeting_data(client_attendees=[chen.pk])  # Helen is not invited

    response = login(pm).post(reverse("meeting_create", args=[informed.pk]), data)

    assert response.status_code == 302
    assert Meeting.objects.exists()


def test_an_empty_agenda_lacks_no_language(informed, helen, pm, login):
    data = _meeting_data(title_zh_hans="方案评审", agenda_en="", client_attendees=[helen.pk])

    response = login(pm).post(reverse("meeting_create", args=[informed.pk]), data)

    assert response.status_code == 302


def test_an_agenda_only_in_english_is_named_for_a_chinese_reader(informed, helen, pm, login):
    data = _meeting_data(title_zh_hans="方案评审", client_attendees=[helen.pk])

    response = login(pm).post(reverse("meeting_create", args=[informed.pk]), data)

    assert response.status_code == 400
    assert f"{HELEN} reads Chinese: there is no Chinese text of the agenda" in (
        response.content.decode()
    )


def test_a_reschedule_asks_the_same(informed, chen, helen, pm, login):
    client = login(pm)
    both = _meeting_data(title_zh_hans="方案评审", agenda_zh_hans="三个方案。")
    client.post(
        reverse("meeting_create", args=[informed.pk]), both | {"client_attendees": [helen.pk]}
    )
    meeting = Meeting.objects.get()
    url = reverse("meeting_edit", args=[informed.pk, meeting.pk])

    refused = client.post(url, both | {"title_zh_hans": "", "client_attendees": [helen.pk]})
    sent = client.post(
        url,
        both | {"title_zh_hans": "", "client_attendees": [helen.pk], "send_anyway": "on"},
    )

    assert refused.status_code == 400
    assert f"{HELEN} reads Chinese: there is no Chinese text of the title" in (
        refused.content.decode()
    )
    assert sent.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title_zh_hans == ""


def test_the_meeting_warning_speaks_chinese_to_a_chinese_pm(informed, helen, pm, login):
    data = _meeting_data(client_attendees=[helen.pk])

    response = login(pm, language="zh-hans").post(
        reverse("meeting_create", args=[informed.pk]), data
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert f"{HELEN} 阅读中文：标题、议程没有中文版本——将改为收到英文版本。" in html
    assert "仍然发送" in html
