"""In the demo, the PMO user is a PMO lead: the People page and its controls are there to see."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_demo_pmo_user_is_a_lead_and_sees_the_people_page(login, now):
    with override_settings(DEBUG=True):  # as ``make run`` loads it
        call_command("load_demo", stdout=StringIO())
    users = get_user_model().objects.select_related("profile")
    zhou = users.get(username="zhou.pmo")

    html = login(zhou).get(reverse("people")).content.decode()

    assert zhou.profile.is_pmo and zhou.profile.is_pmo_lead
    assert reverse("pmo_rights", args=[users.get(username="li.pm").pk]) in html
    assert not users.get(username="li.pm").profile.is_pmo_lead
