"""Every page carries a Content-Security-Policy that allows no inline code.

The PM's pages, the login pages and the admin get the site's policy; the
client's status page keeps its own, stricter one.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import informed_incident
from tests.statuspage.support import make_link, page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.com", "x")


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_no_inline(policy):
    everything = " ".join(" ".join(values) for values in policy.values())
    assert "'unsafe-inline'" not in everything and "'unsafe-eval'" not in everything
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_login_pages_allow_no_inline_code(client, url):
    response = client.get(url)

    assert response.status_code == 200
    _assert_no_inline(_policy(response))


def test_the_pms_pages_and_the_admin_allow_no_inline_code(client, project, pm, superuser, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    client.force_login(pm)
    for url in (
        reverse("dashboard"),
        reverse("project_detail", args=[project.pk]),
        reverse("incident_detail", args=[incident.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_inline(_policy(response))
    client.force_login(superuser)
    for url in (
        "/admin/",
        "/admin/incidents/incident/",
        f"/admin/incidents/incident/{incident.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_inline(_policy(response))


def test_the_status_page_keeps_its_stricter_policy(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    _link, token = make_link(incident)

    policy = _policy(client.get(page_url(token)))

    assert policy["default-src"] == ["'none'"]
    _assert_no_inline(policy)


def test_the_browsers_favicon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith(".svg")
