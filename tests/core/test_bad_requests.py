"""A request no view can read answers 400 with a message in the user's language, never 500."""

import pytest
from django.db import connection
from django.urls import reverse

from apps.projects.models import ClientContact
from apps.statuspage.models import ShareLink
from tests.statuspage.support import make_link, page_url

MESSAGE_EN = "This request could not be read: send the form again from the page."
MESSAGE_ZH = "无法读取此请求：请从页面重新提交表单。"
NUL_EN = "This address contains a character that cannot be used"
NUL_ZH = "此地址包含无法使用的字符"

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"

#: charset → how a client that claims it would encode the body.
UNREADABLE_CHARSETS = {
    "utf-16": "utf-16",
    "utf-32": "utf-32",
    "utf-7": "utf-7",
    "no-such-charset": "utf-8",
    "base64": "utf-8",
}


def urlencoded(fields: dict[str, str], encoding: str = "utf-8") -> bytes:
    return "&".join(f"{name}={value}" for name, value in fields.items()).encode(encoding)


def multipart(fields: dict[str, str], encoding: str = "utf-8") -> bytes:
    parts = "".join(
        f'--BoUnDaRy\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    return (parts + "--BoUnDaRy--\r\n").encode(encoding)


def post_raw(client, url: str, body: bytes, content_type: str, **headers):
    # client.post() would re-encode the body in the charset; generic() sends it as is.
    return client.generic("POST", url, data=body, content_type=content_type, headers=headers)


@pytest.fixture
def staff_pm(pm):
    pm.is_staff = pm.is_superuser = True
    pm.save()
    return pm


def forms_to_try(project, incident):
    """(url, fields, logged in?) for an anonymous form, a PM form and an admin form."""
    return [
        (reverse("login"), {"username": "pm", "password": "secret"}, False),
        (
            reverse("contact_create", args=[project.pk]),
            {"name": "Helen Zhang", "email": "helen@client.example.com", "language": "en"},
            True,
        ),
        (
            reverse("log_entry_create", args=[incident.pk]),
            {"body": "Called the client."},
            True,
        ),
        (
            reverse("admin:incidents_incident_change", args=[incident.pk]),
            {"title_en": "Renamed"},
            True,
        ),
    ]


@pytest.mark.parametrize(("charset", "encoding"), UNREADABLE_CHARSETS.items())
@pytest.mark.parametrize("kind", ["urlencoded", "multipart"])
def test_a_form_in_an_unreadable_charset_answers_400_with_the_message(
    client, project, staff_pm, incident, charset, encoding, kind
):
    encode, content_type = (
        (urlencoded, URLENCODED) if kind == "urlencoded" else (multipart, MULTIPART)
    )
    for url, fields, logged_in in forms_to_try(project, incident):
        if logged_in:
            client.force_login(staff_pm)
        response = post_raw(
            client, url, encode(fields, encoding), f"{content_type}; charset={charset}"
        )

        assert response.status_code == 400, url
        assert MESSAGE_EN in response.content.decode(), url
        assert response.templates[0].name == "400.html"


def test_the_anonymous_login_page_answers_in_the_browsers_language(client, db):
    response = post_raw(
        client,
        reverse("login"),
        urlencoded({"username": "pm", "password": "secret"}, "utf-16"),
        f"{URLENCODED}; charset=utf-16",
        accept_language="zh-hans",
    )

    assert response.status_code == 400
    assert MESSAGE_ZH in response.content.decode()
    assert '<html lang="zh-hans">' in response.content.decode()


def test_a_signed_in_pm_reads_the_message_in_their_language(login, project, pm):
    client = login(pm, language="zh-hans")
    response = post_raw(
        client,
        reverse("contact_create", args=[project.pk]),
        multipart({"name": "Helen Zhang"}),
        f"{MULTIPART}; charset=utf-32",
    )

    assert response.status_code == 400
    assert MESSAGE_ZH in response.content.decode()
    assert not ClientContact.objects.filter(name="Helen Zhang").exists()


def test_a_urlencoded_body_that_is_not_utf8_answers_400(client, db):
    body = "username=pm&password=caf\xe9".encode("latin-1")

    response = post_raw(client, reverse("login"), body, URLENCODED)

    assert response.status_code == 400
    assert MESSAGE_EN in response.content.decode()


def test_djangos_own_refusal_uses_the_same_page(client, db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2

    response = post_raw(client, reverse("login"), b"a=1&b=2&c=3", URLENCODED)

    assert response.status_code == 400
    assert MESSAGE_EN in response.content.decode()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", "latin-1"])
def test_a_pm_form_in_a_readable_charset_still_works(login, project, pm, charset):
    fields = {
        "name": "Helen Zhang",
        "email": "helen@client.example.com",
        "language": "en",
        "time_zone": "UTC",
        "receives_updates": "on",
    }
    response = post_raw(
        login(pm),
        reverse("contact_create", args=[project.pk]),
        multipart(fields),
        f"{MULTIPART}; charset={charset}",
    )

    assert response.status_code == 302
    assert ClientContact.objects.filter(project=project, name="Helen Zhang").exists()


@pytest.mark.parametrize("charset", ["", "; charset=utf-8", "; charset=UTF8"])
def test_a_utf8_urlencoded_post_is_untouched(login, project, pm, charset):
    fields = {
        "name": "张海伦",
        "email": "helen@client.example.com",
        "language": "zh-hans",
        "time_zone": "Asia/Shanghai",
    }
    client = login(pm)

    response = client.generic(
        "POST",
        reverse("contact_create", args=[project.pk]),
        data="&".join(f"{k}={v}" for k, v in fields.items()).encode(),
        content_type=URLENCODED + charset,
    )

    assert response.status_code == 302
    assert ClientContact.objects.get(project=project, email="helen@client.example.com").name == (
        "张海伦"
    )


def test_the_ordinary_test_client_post_is_untouched(client, pm):
    response = client.post(reverse("login"), {"username": "pm", "password": "wrong"})

    assert response.status_code == 200


def test_a_json_post_in_another_charset_is_not_a_form(client, db):
    response = client.generic(
        "POST",
        reverse("healthz"),
        data='{"a": 1}'.encode("utf-16"),
        content_type="application/json; charset=utf-16",
    )

    assert response.status_code != 400


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=dispatch%00delay",
        "title_en__exact=%00",
        "status__exact=%00",
        "project__id__exact=%00",
        "o=%00",
        "%00=1",
    ],
)
def test_a_nul_in_an_admin_search_or_filter_answers_400(client, staff_pm, incident, query):
    client.force_login(staff_pm)

    response = client.get(reverse("admin:incidents_incident_changelist") + "?" + query)

    assert response.status_code == 400
    assert NUL_EN in response.content.decode()


def test_the_nul_message_is_in_the_users_language(login, staff_pm, incident):
    client = login(staff_pm, language="zh-hans")

    response = client.get(reverse("admin:incidents_incident_changelist") + "?q=%00")

    assert response.status_code == 400
    assert NUL_ZH in response.content.decode()


def test_a_nul_in_a_status_page_link_answers_400(client, incident, now):
    _link, token = make_link(incident, now=now)

    assert client.get(page_url(token) + "?lang=%00").status_code == 400
    assert client.get(f"/s/{token[:8]}%00{token[8:]}/").status_code == 400


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Only PostgreSQL refuses NUL in a string; SQLite stores it.",
)
def test_a_nul_never_reaches_postgresql(client, staff_pm, incident):
    client.force_login(staff_pm)
    client.raise_request_exception = True

    for query in ("q=%00", "title_en__exact=%00", "project__client=%00"):
        response = client.get(reverse("admin:incidents_incident_changelist") + "?" + query)
        assert response.status_code == 400, query


def test_a_nul_in_a_form_field_is_still_a_field_error(login, project, pm):
    response = login(pm).post(
        reverse("contact_create", args=[project.pk]),
        {"name": "Helen\x00", "email": "helen@client.example.com", "language": "en"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ClientContact.objects.filter(email="helen@client.example.com").exists()


def test_ordinary_gets_are_untouched(login, staff_pm, incident):
    client = login(staff_pm)
    changelist = reverse("admin:incidents_incident_changelist")

    assert client.get(changelist + "?q=dispatch").status_code == 200
    assert client.get(changelist + "?q=%E8%B0%83%E5%BA%A6").status_code == 200
    assert client.get(reverse("incident_detail", args=[incident.pk])).status_code == 200


def test_the_status_page_and_its_feed_are_untouched(client, incident, now):
    _link, token = make_link(incident, now=now)

    assert client.get(page_url(token)).status_code == 200
    assert client.get(page_url(token, "status_feed")).status_code == 200
    assert ShareLink.objects.count() == 1
