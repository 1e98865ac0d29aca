"""The languages a disclosure needs are the languages its project's client contacts read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.incidents.models import Incident
from apps.projects.models import ProjectRole
from tests.factories import ClientContactFactory, IncidentFactory, MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HINT = "Missing in English: cause. Missing in Chinese: title, apology."


def _item(incident, languages=None):
    (item,) = [i for i in incident.readiness_checklist(languages) if i.key == "languages"]
    return item


@pytest.fixture
def two_readers(project):
    """One contact who reads Chinese and one who reads English."""
    ClientContactFactory(project=project, name="Helen Zhang", language="zh-hans")
    ClientContactFactory(project=project, name="Chen Jing", language="en")


@pytest.fixture
def half_translated(project, pm, now):
    return IncidentFactory(
        project=project,
        declared_by=pm,
        now=now,
        title="Dispatch engine too slow",
        summary="40 s per route.",
        summary_zh_hans="每条路线 40 秒。",
        cause_zh_hans="路径算法随车辆数指数增长。",
        apology="We are sorry we found it so late.",
    )


def test_the_item_names_exactly_which_texts_lack_which_language(two_readers, half_translated):
    item = _item(Incident.objects.get(pk=half_translated.pk))

    assert str(item.label) == "Written in every language your contacts read"
    assert not item.done
    assert item.hint == HINT


def test_a_disclosure_in_every_contacts_language_is_done(project, half_translated):
    ClientContactFactory(project=project, language="en")
    Incident.objects.filter(pk=half_translated.pk).update(cause_en="The routing is exponential.")

    assert _item(Incident.objects.get(pk=half_translated.pk)).done


def test_a_text_only_the_other_language_has_is_missing_for_a_contact_reading_this_one(
    project, half_translated
):
    ClientContactFactory(project=project, language="zh-hans")

    item = _item(Incident.objects.get(pk=half_translated.pk))

    assert item.hint == "Missing in Chinese: title, apology."


def test_without_contacts_the_languages_already_written_are_enough(half_translated):
    assert _item(half_translated).done


def test_the_contacts_languages_are_read_once_however_often_the_page_asks(
    two_readers, half_translated, django_assert_num_queries
):
    incident = Incident.objects.select_related("project").get(pk=half_translated.pk)

    with django_assert_num_queries(1):
        incident.readiness_checklist()
        assert not incident.is_ready_to_disclose
        incident.next_step()


def test_languages_given_by_the_caller_cost_no_query(half_translated, django_assert_num_queries):
    incident = Incident.objects.select_related("project").get(pk=half_translated.pk)

    with django_assert_num_queries(0):
        assert _item(incident, {"en"}).hint == "Missing in English: cause."


def test_the_next_step_asks_for_the_missing_languages(two_readers, project, pm, now):
    incident = IncidentFactory(project=project, declared_by=pm, ready=True, now=now)

    step = Incident.objects.get(pk=incident.pk).next_step(now)

    assert step == (
        "Prepare the disclosure (Written in every language your contacts read), "
        "then contact the client."
    )


def test_the_incident_page_lists_the_missing_translations(two_readers, half_translated, login, pm):
    html = login(pm).get(reverse("incident_detail", args=[half_translated.pk])).content.decode()

    assert "Written in every language your contacts read" in html
    assert HINT in html


def test_the_incident_page_lists_them_in_chinese_for_a_chinese_reader(
    two_readers, half_translated, login, pm
):
    client = login(pm, language="zh-hans")

    html = client.get(reverse("incident_detail", args=[half_translated.pk])).content.decode()

    assert "已用联系人阅读的每种语言撰写" in html
    assert "缺少英文版本：原因。 缺少中文版本：标题、致歉。" in html


def test_the_dashboard_reads_the_contacts_in_one_query_for_any_number_of_incidents(pm, login, now):
    def declare(count):
        for n in range(count):
            project = ProjectFactory()
            MembershipFactory(project=project, user=pm, role=ProjectRole.PM)
            ClientContactFactory(project=project, language="en")
            ClientContactFactory(project=project, language="zh-hans")
            IncidentFactory(project=project, declared_by=pm, now=now - timedelta(minutes=n))

    client = login(pm)
    declare(1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard"))
    declare(9)
    with CaptureQueriesContext(connection) as ten:
        html = client.get(reverse("dashboard")).content.decode()

    # Written in English only, for contacts who read Chinese too.
    assert html.count("Written in every language your contacts read") == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
