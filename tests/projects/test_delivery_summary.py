"""What the client is told about delivery, read in two queries."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.projects import selectors, services
from apps.projects.selectors import DeliverySummary, delivery_summary

pytestmark = pytest.mark.django_db

DEC_15 = date(2026, 12, 15)
JAN_5 = date(2027, 1, 5)
CHANGED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def _change(project, actor, delivery_date, now=CHANGED):
    return services.project_change_delivery_date(
        project=project, actor=actor, delivery_date=delivery_date, reason="Agreed.", now=now
    )


def _milestone(project, actor, title, due_on, done_on=None):
    return services.milestone_add(
        project=project, actor=actor, title_en=title, due_on=due_on, done_on=done_on
    )


def test_nothing_to_say_without_a_date_or_a_milestone(project):
    assert delivery_summary(project) is None


def test_a_first_date_has_nothing_before_it(project, pm):
    _change(project, pm, DEC_15)

    summary = delivery_summary(project)

    assert summary == DeliverySummary(
        current=DEC_15, previous=None, changed_at=CHANGED, agreed_on=None, milestones=[]
    )
    assert not summary.was_moved


def test_a_moved_date_says_what_it_was_and_when_it_moved(project, pm):
    _change(project, pm, DEC_15, now=CHANGED - timedelta(days=30))
    _change(project, pm, JAN_5)

    summary = delivery_summary(project)

    assert (summary.current, summary.previous, summary.changed_at) == (JAN_5, DEC_15, CHANGED)
    assert summary.was_moved
    assert summary.agreed_on is None


def test_the_current_date_is_the_latest_change_even_from_a_project_loaded_before(project, pm):
    stale = type(project).objects.get(pk=project.pk)
    _change(project, pm, DEC_15)

    assert delivery_summary(stale).current == DEC_15


def test_only_the_open_milestones_come_by_due_date(project, pm):
    later = _milestone(project, pm, "Go-live", JAN_5)
    sooner = _milestone(project, pm, "User acceptance", DEC_15)
    _milestone(project, pm, "Design signed off", date(2026, 11, 1), done_on=date(2026, 11, 3))

    summary = delivery_summary(project)

    assert summary.current is None
    assert summary.milestones == [sooner, later]


def test_the_day_a_decision_agreed_the_change_is_said(project, pm, monkeypatch):
    _change(project, pm, DEC_15, now=CHANGED - timedelta(days=30))
    _change(project, pm, JAN_5)
    decided = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(
        selectors, "decision_of", lambda change: SimpleNamespace(decided_at=decided)
    )

    with timezone.override(ZoneInfo("Asia/Shanghai")):
        in_shanghai = delivery_summary(project)
    with timezone.override(UTC):
        in_utc = delivery_summary(project)

    assert in_utc.agreed_at == in_shanghai.agreed_at == decided
    # The day of the decision where the reader is: 07:30 on 2 December in Shanghai.
    assert (in_utc.agreed_on, in_shanghai.agreed_on) == (date(2026, 12, 1), date(2026, 12, 2))


def test_a_change_without_a_decision_has_no_agreed_day(project, pm):
    change = _change(project, pm, DEC_15)

    assert selectors.decision_of(change) is None


@pytest.mark.parametrize("count", [1, 20])
def test_the_summary_costs_two_queries_however_long_the_history(
    project, pm, django_assert_num_queries, count
):
    for n in range(count):
        _change(project, pm, DEC_15 + timedelta(days=n), now=CHANGED + timedelta(hours=n))
        _milestone(project, pm, f"Step {n}", DEC_15 + timedelta(days=n))

    with django_assert_num_queries(2):
        summary = delivery_summary(project)
        assert len(summary.milestones) == count
        assert summary.current == DEC_15 + timedelta(days=count - 1)
