"""What files a case: the kind of cause on the incident, the kind of option on an alternative."""

import pytest
from django.urls import reverse

from apps.alternatives.models import Alternative
from apps.events.models import Event

pytestmark = pytest.mark.django_db


def test_the_disclosure_form_files_the_kind_of_cause(login, pm, incident):
    client = login(pm)
    url = reverse("incident_edit", args=[incident.pk])
    page = client.get(url).content.decode()
    assert 'name="cause_category"' in page
    response = client.post(
        url,
        {
            "title_en": incident.title_en,
            "summary_en": incident.summary_en,
            "severity": incident.severity,
            "cause_category": "requirements",
            "version": incident.version,
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.cause_category == "requirements"
    change = Event.objects.filter(verb="incident.disclosure_changed").latest("pk")
    assert "cause_category" in str(change.data)


def test_a_kind_of_cause_that_does_not_exist_is_refused_next_to_its_field(login, pm, incident):
    response = login(pm).post(
        reverse("incident_edit", args=[incident.pk]),
        {
            "title_en": "Kept as typed",
            "summary_en": incident.summary_en,
            "severity": incident.severity,
            "cause_category": "sabotage",
            "version": incident.version,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice." in html
    assert 'value="Kept as typed"' in html
    incident.refresh_from_db()
    assert incident.cause_category == ""


def test_the_alternative_form_files_the_kind_of_option(login, pm, incident):
    client = login(pm)
    url = reverse("alternative_create", args=[incident.pk])
    assert 'name="kind"' in client.get(url).content.decode()
    response = client.post(
        url, {"title_en": "Cut the reports", "description_en": "Later.", "kind": "reduce_scope"}
    )
    assert response.status_code == 302
    assert Alternative.objects.get(incident=incident).kind == "reduce_scope"


def test_a_kind_of_option_that_does_not_exist_is_a_400_with_the_reason(login, pm, incident):
    response = login(pm).post(
        reverse("alternative_create", args=[incident.pk]),
        {"title_en": "Cut the reports", "description_en": "Later.", "kind": "magic"},
    )
    assert response.status_code == 400
    assert "Choose one of the listed kinds of option." in response.content.decode()
    assert not Alternative.objects.exists()
