"""An incident enters the case library when it is closed; the command rebuilds the index."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.cases.models import CaseEntry, CaseTerm
from apps.cases.selectors import case_search
from apps.cases.services import case_index, case_index_rebuild
from apps.incidents import services as incident_services
from apps.incidents.models import Incident, IncidentStatus
from apps.retrospectives.models import Outcome, Retrospective, RootCause
from tests.factories import informed_incident

pytestmark = pytest.mark.django_db


def _closed_through_the_services(pm, project, now):
    incident = informed_incident(
        project=project,
        declared_by=pm,
        now=now,
        title_zh_hans="对账接口延期",
        title="Reconciliation API delayed",
        cause_category="supplier",
    )
    later = now + timedelta(days=3)
    incident_services.incident_resolve(incident=incident, actor=pm, now=later)
    retrospective = Retrospective.objects.get(incident=incident)
    retrospective.outcome = Outcome.DELIVERED_LATE
    retrospective.no_report_reason = "The client asked for a call instead."
    retrospective.went_badly = "银行回单格式改了两次"
    retrospective.save()
    RootCause.objects.create(
        retrospective=retrospective,
        statement="Bank statement format undocumented",
        whys=["没有接口文档"],
        created_by=pm,
        created_at=later,
    )
    return incident_services.incident_close(
        incident=incident, actor=pm, now=later + timedelta(hours=1)
    )


def test_closing_an_incident_puts_it_in_the_library(pm, project, now):
    assert CaseEntry.objects.count() == 0
    incident = _closed_through_the_services(pm, project, now)
    entry = CaseEntry.objects.get(incident=incident)
    assert entry.closed_at == incident.closed_at
    assert entry.cause_category == "supplier"
    assert entry.outcome == Outcome.DELIVERED_LATE
    for q in ("接口", "延期", "回单格式", "接口文档", "reconciliation", "statement"):
        assert [hit.incident_id for hit in case_search(pm, q).hits] == [incident.pk], q


def test_an_open_incident_is_not_a_case(pm, incident):
    assert case_index(incident=incident) is None
    assert not CaseEntry.objects.exists()
    assert case_search(pm, "").hits == []


def test_indexing_twice_leaves_one_row(pm, project, now):
    incident = _closed_through_the_services(pm, project, now)
    case_index(incident=incident)
    case_index(incident=incident)
    assert CaseEntry.objects.filter(incident=incident).count() == 1
    assert len(case_search(pm, "接口").hits) == 1


def test_the_rebuild_indexes_every_closed_incident_and_drops_the_rest(library):
    CaseEntry.objects.all().delete()
    reopened = library.incidents["api-1"]
    assert case_index_rebuild(batch_size=7) == 50
    # A row left for an incident that is no longer closed is dropped by the next rebuild.
    Incident.objects.filter(pk=reopened.pk).update(status=IncidentStatus.RESOLVED)
    call_command("rebuild_case_index", "--batch-size", "13", verbosity=0)
    assert CaseEntry.objects.count() == 49
    assert not CaseEntry.objects.filter(incident=reopened).exists()
    assert {hit.incident_id for hit in case_search(library.pmo, "订单 接口").hits} == set()


def test_the_rebuild_run_twice_gives_the_same_index(library):
    before = sorted(CaseEntry.objects.values_list("incident_id", "terms"))
    call_command("rebuild_case_index", verbosity=0)
    call_command("rebuild_case_index", verbosity=0)
    assert sorted(CaseEntry.objects.values_list("incident_id", "terms")) == before


def test_the_full_text_index_follows_deletes_and_updates(library):
    """The FTS5 table (SQLite) or the generated column (PostgreSQL) never drifts from the rows."""
    entry = CaseEntry.objects.get(incident=library.incidents["api-1"])
    CaseEntry.objects.filter(pk=entry.pk).update(terms="彩虹 rainbow")
    assert [hit.pk for hit in case_search(library.pmo, "彩虹").hits] == [entry.pk]
    assert library.key_of(case_search(library.pmo, "rainbow").hits[0].incident_id) == "api-1"
    assert "api-1" not in library.keys(case_search(library.pmo, "订单 接口").hits)
    entry.delete()
    assert case_search(library.pmo, "彩虹").hits == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_caseentry_fts(cases_caseentry_fts, rank) "
                "VALUES ('integrity-check', 1)"
            )


def test_the_word_counts_follow_each_case_indexed(pm, project, now):
    incident = _closed_through_the_services(pm, project, now)
    counts = dict(CaseTerm.objects.values_list("term", "cases"))
    assert counts[""] == 1 and counts["接口"] == 1 and counts["reconciliation"] == 1
    case_index(incident=incident)  # again: the counts do not move
    assert dict(CaseTerm.objects.values_list("term", "cases")) == counts
    case_index_rebuild()
    assert dict(CaseTerm.objects.values_list("term", "cases")) == counts


def test_the_rebuild_refuses_a_batch_of_nothing(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("rebuild_case_index", "--batch-size", "0", verbosity=0)
