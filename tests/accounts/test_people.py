"""The People page: PMO staff see everyone and invite; PMO leads grant PMO rights."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.accounts.models import Profile
from apps.events.models import Event
from tests.factories import UserFactory
from tests.helpers import REQUIRED_EN, SCRIPT, assert_rejected

from .mail import link_in, queued_to

pytestmark = pytest.mark.django_db

User = get_user_model()

INVITE = {
    "first_name": "Mei",
    "last_name": "Chen",
    "email": "mei.chen@example.com",
    "username": "mei.chen",
    "language": "zh-hans",
    "time_zone": "Asia/Shanghai",
}


@pytest.fixture
def lead(db):
    return UserFactory(
        username="lead",
        first_name="Min",
        last_name="Zhou",
        profile__is_pmo=True,
        profile__is_pmo_lead=True,
    )


def invited(username, **kwargs):
    """Someone invited who has not set a password yet."""
    user = UserFactory(username=username, **kwargs)
    user.set_unusable_password()
    user.save()
    return user


def _invite(client, **changes):
    return client.post(reverse("people"), INVITE | changes)


# --- who sees the page -----------------------------------------------------------------


def test_pmo_staff_see_the_people_and_the_link_in_the_header(login, pmo, stranger):
    response = login(pmo).get(reverse("people"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("people")}"' in html
    assert stranger.email in html
    assert 'id="invite-form"' in html


def test_a_superuser_is_pmo_and_sees_the_page(login):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)

    assert login(admin).get(reverse("people")).status_code == 200


def test_others_are_refused_and_see_no_link(login, stranger):
    client = login(stranger)

    response = client.get(reverse("people"))

    assert response.status_code == 403
    assert "Only PMO staff see the people in Candor" in response.content.decode()
    assert f'href="{reverse("people")}"' not in client.get(reverse("project_list")).content.decode()


def test_others_cannot_invite(login, stranger):
    response = _invite(login(stranger))

    assert response.status_code == 403
    assert not User.objects.filter(username="mei.chen").exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("people"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_lists_each_person_with_their_rights_and_state(login, lead, pmo, stranger, now):
    invited("joe", first_name="Joe", last_name="Invited")
    Profile.objects.filter(user__username="joe").update(invited_at=now)
    invited("old", first_name="Olga", last_name="Late")
    Profile.objects.filter(user__username="old").update(invited_at=now - timedelta(days=8))

    html = login(lead).get(reverse("people")).content.decode()

    def row(username):
        user = User.objects.get(username=username)
        start = html.index(f'id="person-{user.pk}"')
        return html[start : html.index("</tr>", start)]

    assert "Min Zhou" in row("lead") and 'data-pmo="lead">PMO lead<' in row("lead")
    assert 'data-pmo="staff">PMO staff<' in row("pmo") and ">Active<" in row("pmo")
    assert "stranger@example.com" in row("stranger") and 'data-pmo="no"' in row("stranger")
    assert ">Invited<" in row("joe") and "Invite again" in row("joe")
    assert ">Invitation expired<" in row("old") and "Invite again" in row("old")
    assert "Invite again" not in row("stranger")


def test_the_page_costs_the_same_queries_for_many_people(
    login, lead, django_assert_max_num_queries
):
    client = login(lead)
    client.get(reverse("people"))  # session and profile warmed up like any later visit
    with django_assert_max_num_queries(8) as few:
        assert client.get(reverse("people")).status_code == 200
    UserFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("people")).content.decode()
    assert html.count('class="d-flex flex-wrap gap-2 align-items-center pmo-rights"') == 31


# --- inviting --------------------------------------------------------------------------


def test_an_invitation_creates_a_user_who_cannot_log_in_yet(login, pmo, now):
    response = _invite(login(pmo))

    assert response.status_code == 302
    user = User.objects.get(username="mei.chen")
    assert (user.first_name, user.last_name, user.email) == ("Mei", "Chen", "mei.chen@example.com")
    assert not user.has_usable_password()
    assert (user.profile.language, user.profile.time_zone) == ("zh-hans", "Asia/Shanghai")
    assert user.profile.invited_at == now
    assert not user.profile.is_pmo


def test_the_invitation_is_recorded_with_who_sent_it(login, pmo):
    _invite(login(pmo))

    event = Event.objects.get(verb="user.invited")
    assert event.actor == pmo
    assert event.data["email"] == "mei.chen@example.com"
    assert event.data["username"] == "mei.chen"
    assert event.data["language"] == "zh-hans"


def test_the_invitation_email_is_in_the_invitees_language_with_a_link(login, pmo, now):
    _invite(login(pmo))

    [email] = queued_to("mei.chen@example.com")
    with translation.override("zh-hans"):
        assert email.subject == gettext("%(invited_by)s invites you to Candor") % {
            "invited_by": pmo.get_full_name()
        }
    # Until 7 days later, in Shanghai's time and in Chinese.
    assert "2025年3月17日 17:00" in email.body_text
    assert "2025年3月17日 17:00" in email.body_html
    assert "mei.chen" in email.body_text
    assert link_in(email.body_text) == link_in(email.body_html)
    assert link_in(email.body_text).startswith("/accounts/join/")


def test_an_english_invitee_gets_an_english_email(login, pmo):
    _invite(login(pmo), language="en")

    [email] = queued_to("mei.chen@example.com")
    assert "invites you to Candor" in email.subject
    assert "Set your password with this link:" in email.body_text


def test_an_empty_login_is_taken_from_the_email(login, pmo):
    _invite(login(pmo), username="", email="Wei.Li@Example.com")

    assert User.objects.get(email="Wei.Li@example.com").username == "Wei.Li"


@pytest.mark.parametrize(
    ("changes", "error", "kept"),
    [
        ({"first_name": ""}, REQUIRED_EN, ("mei.chen@example.com",)),
        ({"email": "not an address"}, "Enter a valid email address.", ("not an address",)),
        ({"email": ""}, REQUIRED_EN, ("Mei", "Chen")),
        ({"username": "has spaces"}, "Enter a valid username.", ("has spaces",)),
        ({"username": "", "email": "a+b!c#@example.com"}, "does not make a login", ()),
        ({"language": "fr"}, "Select a valid choice.", ("Mei",)),
        ({"time_zone": "Mars/Olympus"}, "Mars/Olympus", ("Mei",)),
        ({"first_name": SCRIPT}, "", ()),
        ({"first_name": "x" * 151}, "Ensure this value has at most 150 characters", ()),
    ],
)
def test_a_bad_invitation_is_explained_and_keeps_what_was_typed(login, pmo, changes, error, kept):
    if changes == {"first_name": SCRIPT}:
        changes = {"first_name": SCRIPT, "email": "bad"}
        error = "Enter a valid email address."
        kept = (SCRIPT,)
    response = _invite(login(pmo), **changes)

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=kept)
    assert not User.objects.filter(email="mei.chen@example.com").exists()
    assert not Event.objects.filter(verb="user.invited").exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"email": "STRANGER@example.com"}, "this e-mail address is already in Candor."),
        ({"username": "Stranger"}, "This login is already taken."),
    ],
)
def test_a_taken_email_or_login_is_refused_and_the_form_kept(login, pmo, stranger, changes, error):
    response = _invite(login(pmo), **changes)

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=("Mei", "Chen", next(iter(changes.values()))))
    assert User.objects.count() == 2
    assert not queued_to("mei.chen@example.com")


# --- inviting again --------------------------------------------------------------------


def test_inviting_again_sends_a_new_link_and_spends_the_old_one(login, pmo, now):
    client = login(pmo)
    _invite(client)
    user = User.objects.get(username="mei.chen")
    first_link = link_in(queued_to(user.email)[0].body_text)

    response = client.post(reverse("invite_again", args=[user.pk]))

    assert response.status_code == 302
    emails = queued_to(user.email)
    assert len(emails) == 2
    second_link = link_in(emails[1].body_text)
    assert second_link != first_link
    assert Event.objects.get(verb="user.invited_again").actor == pmo
    client.logout()
    refused = client.get(first_link).content.decode()
    assert "This invitation link no longer works" in refused or "此邀请链接已失效" in refused
    assert '<html lang="zh-hans">' in refused
    assert client.get(second_link).status_code == 302  # on to the password form


def test_someone_who_has_joined_is_not_invited_again(login, pmo, stranger):
    response = login(pmo).post(reverse("invite_again", args=[stranger.pk]), follow=True)

    assert "has already set a password" in response.content.decode()
    assert not queued_to(stranger.email)


def test_others_cannot_invite_again(login, stranger, pmo):
    joe = invited("joe")

    response = login(stranger).post(reverse("invite_again", args=[joe.pk]))

    assert response.status_code == 403
    assert not queued_to(joe.email)


def test_inviting_again_someone_unknown_is_404(login, pmo):
    assert login(pmo).post(reverse("invite_again", args=[99999])).status_code == 404


# --- PMO rights ------------------------------------------------------------------------


def test_a_lead_makes_someone_pmo_and_it_is_recorded(login, lead, stranger):
    response = login(lead).post(reverse("pmo_rights", args=[stranger.pk]), {"is_pmo": "on"})

    assert response.status_code == 302
    stranger.profile.refresh_from_db()
    assert stranger.profile.is_pmo and not stranger.profile.is_pmo_lead
    event = Event.objects.get(verb="profile.updated")
    assert event.actor == lead
    assert event.data["changes"] == {"is_pmo": {"before": False, "after": True}}


def test_a_lead_makes_someone_a_lead_who_is_then_pmo_too(login, lead, stranger):
    login(lead).post(reverse("pmo_rights", args=[stranger.pk]), {"is_pmo_lead": "on"})

    stranger.profile.refresh_from_db()
    assert stranger.profile.is_pmo and stranger.profile.is_pmo_lead


def test_withdrawing_pmo_withdraws_lead_rights_too(login, lead):
    other = UserFactory(username="other", profile__is_pmo=True, profile__is_pmo_lead=True)

    login(lead).post(reverse("pmo_rights", args=[other.pk]), {})

    other.profile.refresh_from_db()
    assert not other.profile.is_pmo and not other.profile.is_pmo_lead


def test_pmo_staff_who_are_not_leads_see_no_controls_and_cannot_post(login, pmo, stranger):
    client = login(pmo)

    html = client.get(reverse("people")).content.decode()
    response = client.post(reverse("pmo_rights", args=[stranger.pk]), {"is_pmo": "on"})

    assert reverse("pmo_rights", args=[stranger.pk]) not in html
    assert response.status_code == 403
    stranger.profile.refresh_from_db()
    assert not stranger.profile.is_pmo
    assert not Event.objects.filter(verb="profile.updated").exists()


def test_the_last_lead_cannot_withdraw_their_own_lead_rights(login, lead):
    response = login(lead).post(
        reverse("pmo_rights", args=[lead.pk]), {"is_pmo": "on"}, follow=True
    )

    assert "You are the last PMO lead" in response.content.decode()
    lead.profile.refresh_from_db()
    assert lead.profile.is_pmo_lead
    assert not Event.objects.filter(verb="profile.updated").exists()


def test_a_lead_can_step_down_once_there_is_another(login, lead, stranger):
    client = login(lead)
    client.post(reverse("pmo_rights", args=[stranger.pk]), {"is_pmo_lead": "on"})

    client.post(reverse("pmo_rights", args=[lead.pk]), {"is_pmo": "on"})

    lead.profile.refresh_from_db()
    assert lead.profile.is_pmo and not lead.profile.is_pmo_lead


def test_a_superuser_counts_as_a_lead(login, lead):
    UserFactory(username="root", is_superuser=True)

    login(lead).post(reverse("pmo_rights", args=[lead.pk]), {"is_pmo": "on"})

    lead.profile.refresh_from_db()
    assert not lead.profile.is_pmo_lead


def test_the_rights_of_someone_unknown_are_404(login, lead):
    assert login(lead).post(reverse("pmo_rights", args=[99999]), {}).status_code == 404
