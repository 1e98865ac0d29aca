from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.actionplans import services as plans
from apps.alternatives import services as options
from apps.projects import services as projects
from tests.factories import ClientContactFactory, IncidentFactory

DAY = timedelta(days=1)

#: The disclosure of a realistic incident, in both languages.
DISCLOSURE = {
    "title_en": "The dispatch engine cannot handle peak load",
    "title_zh_hans": "调度引擎无法承受高峰负载",
    "summary_en": (
        "During load testing, the dispatch engine slowed down sharply above 2,000 vehicles, "
        "so we cannot launch on the planned date."
    ),
    "summary_zh_hans": "压力测试中，车辆超过2000辆后调度引擎明显变慢，我们无法在原定日期上线。",
    "cause_en": "The routing algorithm recalculates every route on each change.",
    "cause_zh_hans": "路径算法在每次变化时都会重新计算全部路线。",
    "cause_origin_en": "Our load tests ran on a tenth of the fleet.",
    "cause_origin_zh_hans": "我们的压力测试只覆盖了车队规模的十分之一。",
    "current_state_en": "About 85% of the features are complete and tested.",
    "current_state_zh_hans": "约85%的功能已完成并通过测试。",
    "impact_scope_en": "Real-time dispatch for the full fleet.",
    "impact_scope_zh_hans": "全车队的实时调度。",
    "first_step_en": "Two senior architects are assessing a partitioned dispatch design.",
    "first_step_zh_hans": "两位资深架构师正在评估分区调度方案。",
    "apology_en": "We are sorry: we will not deliver the launch on the date we promised.",
    "apology_zh_hans": "非常抱歉：我们无法在约定的日期上线。",
}


@pytest.fixture
def contacts(project):
    return [
        ClientContactFactory(project=project, name="Chen Jing", language="zh-hans"),
        ClientContactFactory(
            project=project, name="Tom Baker", language="en", time_zone="Asia/Shanghai"
        ),
    ]


@pytest.fixture
def realistic(project, pm, contacts, now):
    """A declared incident with its whole disclosure, a fix under way, options and a date."""
    project.client.name = "Northwind Logistics"
    project.client.save()
    projects.project_change_delivery_date(
        project=project, actor=pm, delivery_date=date(2025, 4, 15), reason="Contract."
    )
    incident = IncidentFactory(
        project=project,
        declared_by=pm,
        now=now,
        impact_schedule_days=21,
        impact_cost=Decimal("40000"),
        title=DISCLOSURE["title_en"],
        summary=DISCLOSURE["summary_en"],
        **{k: v for k, v in DISCLOSURE.items() if k not in ("title_en", "summary_en")},
    )
    plans.action_item_create(
        incident=incident,
        actor=pm,
        kind="remediation",
        owner=pm,
        due_at=now + 3 * DAY,
        title_en="Prototype partitioned dispatch",
        title_zh_hans="分区调度原型",
    )
    plans.action_item_create(
        incident=incident,
        actor=pm,
        kind="prevention",
        owner=pm,
        due_at=now + 30 * DAY,
        title_en="Load tests at full production volume before every release",
        title_zh_hans="每次发布前按生产规模进行压力测试",
    )
    options.alternative_propose(
        incident=incident,
        actor=pm,
        schedule_impact_days=21,
        cost_impact=Decimal("40000"),
        title_en="Partitioned dispatch",
        title_zh_hans="分区调度",
        description_en="Split the fleet by region.",
        description_zh_hans="按区域拆分车队。",
    )
    options.alternative_propose(
        incident=incident,
        actor=pm,
        schedule_impact_days=0,
        title_en="Reduced scope",
        title_zh_hans="缩减范围",
        description_en="Launch without real-time dispatch.",
        description_zh_hans="先上线不含实时调度的版本。",
    )
    return incident
