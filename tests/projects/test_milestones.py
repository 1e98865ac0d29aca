"""Milestones: added, changed and removed by the project's PMs, each change on the record."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.events.models import Event
from apps.projects import services
from apps.projects.models import Milestone
from tests.factories import ProjectFactory
from tests.helpers import SCRIPT, assert_rejected

pytestmark = pytest.mark.django_db

DEC_20 = date(2026, 12, 20)


def _add(project, actor, **kwargs):
    return services.milestone_add(
        project=project, actor=actor, **({"title_en": "Routing review", "due_on": DEC_20} | kwargs)
    )


def _recorded(verb):
    [event] = Event.objects.filter(verb=verb)
    return event


# --- the services ---------------------------------------------------------------------------


def test_adding_a_milestone_records_it(project, pm):
    milestone = _add(project, pm, title_en="  Routing review ", title_zh_hans="路线评审")

    assert (milestone.title_en, milestone.title_zh_hans) == ("Routing review", "路线评审")
    event = _recorded("project.milestone_added")
    assert (event.actor, event.project_id, event.object_id) == (pm, project.pk, milestone.pk)
    assert event.data == {
        "title_en": "Routing review",
        "title_zh_hans": "路线评审",
        "due_on": "2026-12-20",
        "done_on": None,
    }


def test_a_title_in_one_language_is_enough(project, pm):
    milestone = _add(project, pm, title_en="", title_zh_hans="上线演练")

    assert milestone.title == "上线演练"


@pytest.mark.parametrize("titles", [{}, {"title_en": "  ", "title_zh_hans": ""}])
def test_a_milestone_without_a_title_is_refused(project, pm, titles):
    with pytest.raises(ValidationError) as exc:
        services.milestone_add(project=project, actor=pm, due_on=DEC_20, **titles)

    assert "title_en" in exc.value.error_dict
    assert not Milestone.objects.exists()
    assert not Event.objects.filter(verb="project.milestone_added").exists()


def test_changing_a_milestone_records_what_changed(project, pm):
    milestone = _add(project, pm)

    services.milestone_update(
        milestone=milestone, actor=pm, due_on=date(2026, 12, 22), done_on=date(2026, 12, 21)
    )

    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.done_on, milestone.is_done) == (
        date(2026, 12, 22),
        date(2026, 12, 21),
        True,
    )
    assert _recorded("project.milestone_changed").data == {
        "changes": {
            "due_on": {"before": "2026-12-20", "after": "2026-12-22"},
            "done_on": {"before": None, "after": "2026-12-21"},
        }
    }


def test_saving_a_milestone_unchanged_records_nothing(project, pm):
    milestone = _add(project, pm)

    services.milestone_update(milestone=milestone, actor=pm, title_en="Routing review")

    assert not Event.objects.filter(verb="project.milestone_changed").exists()


def test_a_milestone_cannot_lose_its_title(project, pm):
    milestone = _add(project, pm)

    with pytest.raises(ValidationError):
        services.milestone_update(milestone=milestone, actor=pm, title_en="")

    assert Milestone.objects.get(pk=milestone.pk).title_en == "Routing review"


def test_a_milestone_moves_to_no_other_project(project, pm):
    with pytest.raises(TypeError):
        services.milestone_update(milestone=_add(project, pm), actor=pm, project=ProjectFactory())


def test_removing_a_milestone_keeps_what_it_was_on_the_record(project, pm):
    milestone = _add(project, pm)

    services.milestone_remove(milestone=milestone, actor=pm)

    assert not Milestone.objects.exists()
    event = _recorded("project.milestone_removed")
    assert (event.actor, event.project_id, event.object_repr) == (pm, project.pk, "Routing review")
    assert event.data["title_en"] == "Routing review"


# --- the pages ------------------------------------------------------------------------------

DATA = {"title_en": "Routing review", "title_zh_hans": "路线评审", "due_on": "2026-12-20"}


def test_a_pm_adds_a_milestone_and_sees_it_on_the_project_page(project, pm, login):
    client = login(pm)
    assert client.get(reverse("milestone_create", args=[project.pk])).status_code == 200

    response = client.post(reverse("milestone_create", args=[project.pk]), DATA, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#milestones")
    assert "The milestone was added." in html
    assert "Routing review" in html and "due 20 Dec 2026" in html
    milestone = Milestone.objects.get()
    assert reverse("milestone_edit", args=[project.pk, milestone.pk]) in html


def test_a_title_only_in_chinese_is_marked_on_the_english_page(project, pm, login):
    _add(project, pm, title_en="", title_zh_hans="上线演练")

    html = login(pm).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert '<span lang="zh-Hans">上线演练</span>' in html
    assert "only in Chinese" in html


def test_a_pm_edits_a_milestone_and_marks_it_done(project, pm, login):
    milestone = _add(project, pm)
    url = reverse("milestone_edit", args=[project.pk, milestone.pk])
    client = login(pm)
    assert 'value="2026-12-20"' in client.get(url).content.decode()

    response = client.post(url, DATA | {"done_on": "2026-12-19"}, follow=True)

    assert "The milestone was saved." in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.title_zh_hans, milestone.done_on) == ("路线评审", date(2026, 12, 19))


def test_a_pm_removes_a_milestone_after_confirming(project, pm, login):
    milestone = _add(project, pm)
    url = reverse("milestone_remove", args=[project.pk, milestone.pk])
    client = login(pm)

    asked = client.get(url)
    assert asked.status_code == 200
    assert "Remove the milestone “Routing review”?" in asked.content.decode()
    assert Milestone.objects.exists()

    response = client.post(url, follow=True)

    assert "The milestone was removed." in response.content.decode()
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("language", "error"),
    [("en", "Give the milestone a short title."), ("zh-hans", "请为里程碑填写一个简短的标题。")],
)
def test_a_milestone_without_a_title_is_explained(project, pm, login, language, error):
    response = login(pm, language=language).post(
        reverse("milestone_create", args=[project.pk]),
        {"title_en": " ", "title_zh_hans": "", "due_on": "2026-12-20"},
    )

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=("2026-12-20",))
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("language", "due_on", "error"),
    [
        ("en", "", "Give the day the milestone is due."),
        ("zh-hans", "", "请填写里程碑的到期日。"),
        ("en", "20/12/2026", "Enter a date, for example 2025-03-10."),
        ("zh-hans", "99999-12-20", "请输入日期，例如 2025-03-10。"),
    ],
)
def test_a_bad_due_day_is_explained_and_the_titles_kept(
    project, pm, login, language, due_on, error
):
    title = f"Review {SCRIPT}"

    response = login(pm, language=language).post(
        reverse("milestone_create", args=[project.pk]),
        {"title_en": title, "title_zh_hans": "评审", "due_on": due_on},
    )

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=(title, "评审", due_on))


def test_a_bad_edit_keeps_the_milestone_as_it_was(project, pm, login):
    milestone = _add(project, pm)

    response = login(pm).post(
        reverse("milestone_edit", args=[project.pk, milestone.pk]),
        {"title_en": "", "title_zh_hans": "", "due_on": "2026-12-24"},
    )

    assert response.status_code == 400
    assert_rejected(response, error="Give the milestone a short title.", kept=("2026-12-24",))
    assert Milestone.objects.get().due_on == DEC_20


@pytest.mark.parametrize("who", ["team_member", "viewer"])
def test_members_who_are_not_pms_may_not_touch_milestones(project, pm, login, request, who):
    milestone = _add(project, pm)
    client = login(request.getfixturevalue(who))

    for url in (
        reverse("milestone_create", args=[project.pk]),
        reverse("milestone_edit", args=[project.pk, milestone.pk]),
        reverse("milestone_remove", args=[project.pk, milestone.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, DATA).status_code == 403
    assert Milestone.objects.get().title_zh_hans == ""


def test_strangers_and_other_projects_milestones_are_not_found(project, pm, stranger, login):
    other = ProjectFactory()
    theirs = _add(other, pm)

    assert login(stranger).get(reverse("milestone_create", args=[project.pk])).status_code == 404
    client = login(pm)
    assert client.get(reverse("milestone_edit", args=[project.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("milestone_remove", args=[project.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("milestone_edit", args=[project.pk, 2**70])).status_code == 404
    assert Milestone.objects.filter(pk=theirs.pk).exists()
