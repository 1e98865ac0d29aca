"""The project page shows the committed delivery date and its history; its PMs change it."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.projects import services
from apps.projects.models import DeliveryDateChange, Project
from tests.factories import UserFactory
from tests.helpers import REQUIRED_EN, REQUIRED_ZH, SCRIPT, assert_rejected

pytestmark = pytest.mark.django_db

DEC_15 = date(2026, 12, 15)
JAN_5 = date(2027, 1, 5)


def _url(project):
    return reverse("delivery_date_change", args=[project.pk])


def _change(project, actor, delivery_date, reason, now=None):
    return services.project_change_delivery_date(
        project=project, actor=actor, delivery_date=delivery_date, reason=reason, now=now
    )


# --- the project page -----------------------------------------------------------------------


def test_the_project_page_shows_the_date_and_how_it_changed(project, pm, login):
    _change(project, pm, DEC_15, "Agreed at the kick-off.", datetime(2026, 6, 1, 9, tzinfo=UTC))
    _change(
        project, pm, JAN_5, "The client agreed to extend.", datetime(2026, 12, 2, 9, tzinfo=UTC)
    )

    html = login(pm).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert "<strong>5 Jan 2027</strong>" in html
    assert "15 Dec 2026 → 5 Jan 2027" in html
    assert "set to 15 Dec 2026" in html
    assert "The client agreed to extend." in html and "Agreed at the kick-off." in html
    assert pm.get_full_name() in html
    assert "2 Dec 2026, 09:00" in html
    assert html.index("5 Jan 2027") < html.index("Agreed at the kick-off.")
    assert "Delivery: was 15 Dec 2026, now 5 Jan 2027 — changed on 2 Dec 2026" in html
    assert _url(project) in html


def test_the_page_in_chinese_writes_the_dates_the_chinese_way(project, pm, login):
    _change(project, pm, DEC_15, "Kick-off.", datetime(2026, 6, 1, 9, tzinfo=UTC))

    html = login(pm, language="zh-hans").get(reverse("project_detail", args=[project.pk]))
    html = html.content.decode()

    assert "<strong>2026年12月15日</strong>" in html
    assert "定为 2026年12月15日" in html
    assert "交付日期：2026年12月15日" in html


def test_readers_see_the_date_but_no_way_to_change_it(project, pm, viewer, login):
    _change(project, pm, DEC_15, "Kick-off.")

    html = login(viewer).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert "15 Dec 2026" in html
    assert _url(project) not in html
    assert reverse("milestone_create", args=[project.pk]) not in html


def test_a_project_without_a_date_says_so_and_offers_to_set_one(project, pm, login):
    html = login(pm).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert "none committed yet" in html
    assert "Set the delivery date" in html


# --- who may change it ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["team_member", "viewer"])
def test_members_who_are_not_pms_may_not_change_it(project, login, request, who):
    client = login(request.getfixturevalue(who))

    assert client.get(_url(project)).status_code == 403
    response = client.post(_url(project), {"delivery_date": "2026-12-15", "reason": "Mine."})

    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).delivery_date is None


def test_a_stranger_does_not_even_learn_the_project_exists(project, stranger, login):
    client = login(stranger)

    assert client.get(_url(project)).status_code == 404
    assert client.post(_url(project), {"delivery_date": "2026-12-15"}).status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(project, client):
    response = client.get(_url(project))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- changing it ----------------------------------------------------------------------------


def test_a_pm_changes_the_date_with_a_reason(project, pm, login):
    client = login(pm)
    assert client.get(_url(project)).status_code == 200

    response = client.post(
        _url(project),
        {"delivery_date": "2026-12-15", "reason": "Agreed at the kick-off."},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("project_detail", args=[project.pk]) + (
        "#delivery"
    )
    assert "The delivery date was changed; its history keeps why." in response.content.decode()
    change = DeliveryDateChange.objects.get()
    assert (change.new, change.reason, change.changed_by) == (DEC_15, "Agreed at the kick-off.", pm)


def test_pmo_staff_change_it_too(project, pmo, login):
    login(pmo).post(_url(project), {"delivery_date": "2027-01-05", "reason": "Escalated."})

    assert Project.objects.get(pk=project.pk).delivery_date == JAN_5


def test_the_form_opens_at_the_current_date(project, pm, login):
    _change(project, pm, DEC_15, "Kick-off.")

    html = login(pm).get(_url(project)).content.decode()

    assert 'value="2026-12-15"' in html
    assert "The committed delivery date is 15 Dec 2026." in html


def test_a_change_without_a_reason_is_explained_and_the_date_kept(project, pm, login):
    response = login(pm).post(_url(project), {"delivery_date": "2027-01-05", "reason": "   "})

    assert response.status_code == 400
    assert_rejected(
        response,
        error="Say why the delivery date changes: the project's history keeps it.",
        kept=("2027-01-05",),
    )
    assert not DeliveryDateChange.objects.exists()


def test_a_change_without_a_reason_is_explained_in_chinese(project, pm, login):
    response = login(pm, language="zh-hans").post(
        _url(project), {"delivery_date": "2027-01-05", "reason": ""}
    )

    assert response.status_code == 400
    assert_rejected(
        response, error="请说明交付日期为何修改：项目历史会记录这一原因。", kept=("2027-01-05",)
    )


@pytest.mark.parametrize(
    ("typed", "language", "error"),
    [
        ("2026-13-45", "en", "Enter a date, for example 2025-03-10."),
        ("next Tuesday", "en", "Enter a date, for example 2025-03-10."),
        ("2026-13-45", "zh-hans", "请输入日期，例如 2025-03-10。"),
        ("9999-01-01", "en", "Enter a date between the years 2000 and 2100."),
        ("", "en", "Give the new delivery date."),
        ("", "zh-hans", "请填写新的交付日期。"),
    ],
)
def test_a_bad_date_is_explained_and_what_was_typed_kept(
    project, pm, login, typed, language, error
):
    reason = f"The client asked. {SCRIPT}"

    response = login(pm, language=language).post(
        _url(project), {"delivery_date": typed, "reason": reason}
    )

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=(reason, typed))
    assert not DeliveryDateChange.objects.exists()


@pytest.mark.parametrize(
    ("language", "required", "date_error", "reason_error"),
    [
        (
            "en",
            REQUIRED_EN,
            "Give the new delivery date.",
            "Say why the delivery date changes: the project&#x27;s history keeps it.",
        ),
        (
            "zh-hans",
            REQUIRED_ZH,
            "请填写新的交付日期。",
            "请说明交付日期为何修改：项目历史会记录这一原因。",
        ),
    ],
)
def test_an_empty_form_says_what_is_missing_rather_than_just_required(
    project, pm, login, language, required, date_error, reason_error
):
    response = login(pm, language=language).post(_url(project), {})

    html = response.content.decode()
    assert response.status_code == 400
    assert date_error in html and reason_error in html
    assert required not in html


def test_the_same_date_again_is_explained_in_both_languages(project, pm, login):
    _change(project, pm, DEC_15, "Kick-off.")
    data = {"delivery_date": "2026-12-15", "reason": "Confirmed again."}

    english = login(pm).post(_url(project), data)
    chinese = login(pm, language="zh-hans").post(_url(project), data)

    assert (english.status_code, chinese.status_code) == (400, 400)
    assert_rejected(english, error="The delivery date is already 15 Dec 2026", kept=data.values())
    assert_rejected(chinese, error="交付日期已经是 2026年12月15日", kept=data.values())
    assert DeliveryDateChange.objects.count() == 1


def test_a_reason_too_long_is_explained(project, pm, login):
    response = login(pm).post(
        _url(project), {"delivery_date": "2026-12-15", "reason": "x" * 10_001}
    )

    assert response.status_code == 400
    assert "Keep it to 10000 characters" in response.content.decode()


def test_the_reason_is_shown_escaped_in_the_history(project, pm, login):
    _change(project, pm, DEC_15, SCRIPT)

    html = login(pm).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert SCRIPT not in html
    assert escape(SCRIPT) in html


# --- creating a project with a date -----------------------------------------------------------


def test_a_project_created_with_a_date_starts_its_history(pmo, login):
    lead = UserFactory()

    login(pmo).post(
        reverse("project_create"),
        {
            "client_name": "Huaxin Logistics",
            "name": "Smart dispatch",
            "pmo_lead": str(lead.pk),
            "first_contact_window_hours": "24",
            "delivery_date": "2026-12-15",
        },
    )

    project = Project.objects.get()
    assert project.delivery_date == DEC_15
    change = project.delivery_changes.get()
    assert (change.previous, change.reason, change.changed_by) == (
        None,
        "Set when the project was created",
        pmo,
    )
