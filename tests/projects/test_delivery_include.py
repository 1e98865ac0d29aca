"""The delivery as the client reads it: one plain sentence, in English or in Chinese.

``projects/_delivery.html`` (pages) and ``projects/_delivery.txt`` (the text of
e-mails) render a ``DeliverySummary`` given as ``delivery``.
"""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.projects import services
from apps.projects.selectors import DeliverySummary, delivery_summary

DEC_2 = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
MOVED = DeliverySummary(
    current=date(2027, 1, 5), previous=date(2026, 12, 15), changed_at=DEC_2, agreed_on=None
)
AGREED = DeliverySummary(
    current=date(2027, 1, 5),
    previous=date(2026, 12, 15),
    changed_at=DEC_2,
    agreed_on=date(2026, 12, 2),
)
FIRST = DeliverySummary(current=date(2026, 12, 15), previous=None, changed_at=DEC_2, agreed_on=None)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _render(summary, language, template="projects/_delivery.html"):
    with translation.override(language):
        return render_to_string(template, {"delivery": summary})


@pytest.mark.parametrize(
    ("summary", "language", "expected"),
    [
        (FIRST, "en", "Delivery: 15 Dec 2026"),
        (FIRST, "zh-hans", "交付日期：2026年12月15日"),
        (MOVED, "en", "Delivery: was 15 Dec 2026, now 5 Jan 2027 — changed on 2 Dec 2026"),
        (
            MOVED,
            "zh-hans",
            "交付日期：原为 2026年12月15日，现为 2027年1月5日——于 2026年12月2日修改",
        ),
        (AGREED, "en", "Delivery: was 15 Dec 2026, now 5 Jan 2027 — agreed with you on 2 Dec 2026"),
        (
            AGREED,
            "zh-hans",
            "交付日期：原为 2026年12月15日，现为 2027年1月5日——已于 2026年12月2日与您商定",
        ),
    ],
    ids=["first-en", "first-zh", "moved-en", "moved-zh", "agreed-en", "agreed-zh"],
)
def test_the_sentence_in_each_language(summary, language, expected):
    assert _text(_render(summary, language)) == expected
    assert _render(summary, language, "projects/_delivery.txt").strip() == expected


def test_nothing_is_said_without_a_summary():
    assert _render(None, "en").strip() == ""
    assert _render(None, "en", "projects/_delivery.txt").strip() == ""


@pytest.mark.django_db
def test_the_open_milestones_follow_with_their_due_days(project, pm):
    services.project_change_delivery_date(
        project=project, actor=pm, delivery_date=date(2027, 1, 5), reason="Kick-off."
    )
    services.milestone_add(
        project=project, actor=pm, title_en="Data & routing review", due_on=date(2026, 12, 20)
    )
    services.milestone_add(
        project=project, actor=pm, title_zh_hans="上线演练", due_on=date(2026, 12, 28)
    )
    summary = delivery_summary(project)

    english = _text(_render(summary, "en"))
    chinese = _text(_render(summary, "zh-hans"))
    text = _render(summary, "en", "projects/_delivery.txt")

    assert "Milestones on the way: Data &amp; routing review — due 20 Dec 2026" in english
    assert '<span lang="zh-Hans">上线演练</span>' in _render(summary, "en")
    assert "交付前的里程碑： Data &amp; routing review — 2026年12月20日到期" in chinese
    assert "上线演练 — 2026年12月28日到期" in chinese
    # The text part of an e-mail is not HTML: nothing is escaped, nothing is tagged.
    assert "- Data & routing review — due 20 Dec 2026\n" in text
    assert "<" not in text and "&amp;" not in text
    assert text.startswith("Delivery: 5 Jan 2027\n")


@pytest.mark.django_db
def test_the_day_it_changed_is_the_readers_day(project, pm):
    late = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    services.project_change_delivery_date(
        project=project, actor=pm, delivery_date=date(2026, 12, 15), reason="Kick-off.", now=late
    )
    services.project_change_delivery_date(
        project=project, actor=pm, delivery_date=date(2027, 1, 5), reason="Extended.", now=late
    )
    with timezone.override(ZoneInfo("Asia/Shanghai")):
        html = _render(delivery_summary(project), "en")

    assert "changed on 3 Dec 2026" in _text(html)
