"""Decisions taken before each alternative had its own reason keep the one they were given."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.alternatives.models import Rejection

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("alternatives", "0005_rejection_per_alternative")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_each_alternative_a_decision_set_aside_gets_the_reason_it_was_given(
    informed, propose, decide
):
    extend, cut, staff = (propose(informed, title_en=t) for t in ("Extend", "Cut", "Staff"))
    first = decide(
        informed,
        extend,
        others_reason_en="Not acceptable to operations.",
        others_reason_zh_hans="运营方无法接受。",
    )
    second = decide(informed, cut, rationale_en="The date matters after all.")
    expected = sorted(
        Rejection.objects.values_list("decision", "alternative", "reason_en", "reason_zh_hans")
    )
    assert len(expected) == 3
    # As the decisions of before left them: only the record knows what they set aside.
    Rejection.objects.all().delete()
    _migrate(BEFORE)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert (
        sorted(
            Rejection.objects.values_list("decision", "alternative", "reason_en", "reason_zh_hans")
        )
        == expected
    )
    assert {r.alternative: r.reason_zh_hans for r in first.rejections.all()} == {
        cut: "运营方无法接受。",
        staff: "运营方无法接受。",
    }
    assert [r.alternative for r in second.rejections.all()] == [extend]


def test_migrating_twice_adds_nothing(informed, propose, decide):
    extend, _cut = propose(informed, title_en="Extend"), propose(informed, title_en="Cut")
    decide(informed, extend)
    _migrate(BEFORE)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert Rejection.objects.count() == 1
