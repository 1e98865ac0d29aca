import pytest
from django.urls import reverse

from apps.accounts.models import Profile
from tests.factories import PASSWORD, UserFactory
from tests.helpers import REQUIRED_EN, REQUIRED_ZH, SCRIPT, assert_rejected

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "Please enter a correct username and password."


# --- logging in and out ------------------------------------------------------------


def test_login_takes_the_user_to_the_dashboard(client):
    UserFactory(username="li.pm")

    response = client.post(reverse("login"), {"username": "li.pm", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_login_applies_the_users_language_on_any_device(client):
    UserFactory(username="li.pm", profile__language="zh-hans")

    response = client.post(reverse("login"), {"username": "li.pm", "password": PASSWORD})

    assert response.cookies["django_language"].value == "zh-hans"
    html = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="zh-hans">' in html


def test_login_creates_a_missing_profile(client):
    user = UserFactory(username="admin", profile=None)

    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})

    assert Profile.objects.get(user=user).language == "en"


def test_login_follows_next(client):
    UserFactory(username="li.pm")

    response = client.post(
        f"{reverse('login')}?next={reverse('project_list')}",
        {"username": "li.pm", "password": PASSWORD},
    )

    assert response["Location"] == reverse("project_list")


def test_login_does_not_follow_next_to_another_site(client):
    UserFactory(username="li.pm")

    response = client.post(
        f"{reverse('login')}?next=https://evil.example.com/",
        {"username": "li.pm", "password": PASSWORD},
    )

    assert response["Location"] == reverse("dashboard")


@pytest.mark.parametrize(
    ("data", "error", "kept"),
    [
        ({"username": "li.pm", "password": "wrong"}, WRONG_LOGIN, ("li.pm",)),
        ({"username": "nobody", "password": PASSWORD}, WRONG_LOGIN, ("nobody",)),
        ({"username": SCRIPT, "password": "x"}, WRONG_LOGIN, (SCRIPT,)),
        ({"username": "li.pm", "password": ""}, REQUIRED_EN, ("li.pm",)),
        ({"username": "", "password": "x"}, REQUIRED_EN, ()),
        ({"username": "u" * 10_000, "password": "x"}, WRONG_LOGIN, ("u" * 10_000,)),
    ],
)
def test_bad_login_is_explained_and_keeps_the_username(client, data, error, kept):
    UserFactory(username="li.pm")

    response = client.post(reverse("login"), data)

    assert_rejected(response, error=error, kept=kept)
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client):
    UserFactory(username="leaver", is_active=False)

    response = client.post(reverse("login"), {"username": "leaver", "password": PASSWORD})

    assert_rejected(response, error=WRONG_LOGIN, kept=("leaver",))


def test_bad_login_is_explained_in_chinese(client):
    client.cookies["django_language"] = "zh-hans"

    response = client.post(reverse("login"), {"username": "li.pm", "password": ""})

    assert_rejected(response, error=REQUIRED_ZH, kept=("li.pm",))


def test_logged_in_user_skips_the_login_page(pm, login):
    response = login(pm).get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_logout_is_a_post_and_ends_the_session(pm, login):
    client = login(pm)

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


# --- language switch --------------------------------------------------------------------


def test_language_switch_turns_the_interface_to_chinese(pm, login):
    client = login(pm)

    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("dashboard")}
    )

    assert response["Location"] == reverse("dashboard")
    assert '<html lang="zh-hans">' in client.get(reverse("dashboard")).content.decode()
    bad = client.post(reverse("preferences"), {"language": "en", "time_zone": ""})
    assert_rejected(bad, error=REQUIRED_ZH)


def test_anonymous_visitor_can_switch_language_on_the_login_page(client, db):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})

    response = client.post(reverse("login"), {"username": "", "password": ""})

    assert_rejected(response, error=REQUIRED_ZH)


# --- preferences ----------------------------------------------------------------------


def test_preferences_show_the_current_choices(login):
    user = UserFactory(profile__time_zone="Europe/Berlin", profile__language="zh-hans")

    html = login(user).get(reverse("preferences")).content.decode()

    assert '<option value="Europe/Berlin" selected>' in html
    assert '<option value="zh-hans" selected>' in html


def test_saving_preferences_changes_language_and_time_zone(pm, login):
    client = login(pm)

    response = client.post(
        reverse("preferences"), {"language": "zh-hans", "time_zone": "Asia/Shanghai"}
    )

    assert response["Location"] == reverse("preferences")
    assert response.cookies["django_language"].value == "zh-hans"
    pm.profile.refresh_from_db()
    assert (pm.profile.language, pm.profile.time_zone) == ("zh-hans", "Asia/Shanghai")


def test_any_iana_time_zone_is_accepted_not_only_the_common_ones(pm, login):
    login(pm).post(
        reverse("preferences"), {"language": "en", "time_zone": "America/Argentina/Salta"}
    )

    pm.profile.refresh_from_db()
    assert pm.profile.time_zone == "America/Argentina/Salta"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"language": "zh-hans", "time_zone": "Mars/Olympus"}, "Mars/Olympus is not one of"),
        ({"language": "zh-hans", "time_zone": SCRIPT}, "is not one of the available choices"),
        ({"language": "zh-hans", "time_zone": "localtime"}, "localtime is not one of"),
        ({"language": "zh-hans", "time_zone": "x" * 10_000}, "is not one of the available"),
        ({"language": "zh-hans", "time_zone": ""}, REQUIRED_EN),
    ],
)
def test_bad_time_zone_is_explained_and_keeps_the_language(pm, login, data, error):
    response = login(pm).post(reverse("preferences"), data)

    html = assert_rejected(response, error=error)
    # The language the user picked is still selected.
    assert '<option value="zh-hans" selected>' in html
    pm.profile.refresh_from_db()
    assert (pm.profile.language, pm.profile.time_zone) == ("en", "UTC")


def test_unknown_language_is_explained_and_keeps_the_time_zone(pm, login):
    response = login(pm).post(
        reverse("preferences"), {"language": "klingon", "time_zone": "Asia/Tokyo"}
    )

    html = assert_rejected(response, error="klingon is not one of the available choices")
    assert '<option value="Asia/Tokyo" selected>' in html


def test_bad_preferences_are_explained_in_chinese(pm, login):
    response = login(pm, language="zh-hans").post(
        reverse("preferences"), {"language": "", "time_zone": "Asia/Tokyo"}
    )

    assert_rejected(response, error=REQUIRED_ZH)


def test_an_unknown_time_zone_already_in_the_database_does_not_break_pages(pm, login):
    # e.g. a zone removed from a later tzdata release.
    Profile.objects.filter(user=pm).update(time_zone="Atlantis/Capital")

    response = login(pm).get(reverse("dashboard"))

    assert response.status_code == 200
