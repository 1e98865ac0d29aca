"""The corpus in the database: three projects, fifty closed cases, and who may see them."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.alternatives.models import Alternative, AlternativeStatus, Decision
from apps.cases.services import case_index_rebuild
from apps.incidents.models import Incident, IncidentStatus
from apps.projects.models import ProjectRole
from apps.retrospectives.models import Retrospective, RootCause
from tests.browser.conftest import browser  # noqa: F401 (one Chromium per module)
from tests.factories import ClientFactory, IncidentFactory, ProjectFactory, UserFactory, member

from .corpus import CASES, PROJECTS


@dataclass
class Library:
    projects: dict
    clients: dict
    incidents: dict
    pmo: object
    pm: object  # a PM of p1 only
    member: object  # a member of p3 only

    def key_of(self, incident_id: int) -> str:
        return self.by_id[incident_id]

    @property
    def by_id(self) -> dict:
        return {incident.pk: key for key, incident in self.incidents.items()}

    def keys(self, entries) -> set[str]:
        return {self.by_id[entry.incident_id] for entry in entries}

    def filters(self, given: dict) -> dict:
        """Corpus names (``p3``, ``Beiming``) as the ids a form would send."""
        out = dict(given)
        if "project" in out:
            out["project"] = self.projects[out["project"]].pk
        if "client" in out:
            out["client"] = self.clients[out["client"]].pk
        return out


def close_as_case(incident: Incident, case, author) -> None:
    """The alternatives, the decision and the review of a corpus case, then closed."""
    texts = case.texts
    if texts.get("option_en") or texts.get("option_zh_hans"):
        chosen = Alternative.objects.create(
            incident=incident,
            title_en=texts.get("option_en", ""),
            title_zh_hans=texts.get("option_zh_hans", ""),
            description_en="",
            kind=case.chosen_kind,
            status=AlternativeStatus.CHOSEN,
            created_by=author,
            created_at=case.closed_at,
            updated_at=case.closed_at,
        )
        Decision.objects.create(
            incident=incident,
            alternative=chosen,
            decided_at=case.closed_at,
            rationale_en=texts.get("rationale_en", ""),
            rationale_zh_hans=texts.get("rationale_zh_hans", ""),
            recorded_by=author,
            recorded_at=case.closed_at,
        )
    retrospective = Retrospective.objects.create(
        incident=incident,
        outcome=case.outcome,
        summary=texts.get("review_summary", ""),
        no_report_reason="Corpus case.",
        created_at=case.closed_at,
        updated_at=case.closed_at,
    )
    if texts.get("root_cause"):
        RootCause.objects.create(
            retrospective=retrospective,
            statement=texts["root_cause"],
            whys=["没有监控", "no alerting"],
            created_by=author,
            created_at=case.closed_at,
        )
    Incident.objects.filter(pk=incident.pk).update(
        status=IncidentStatus.CLOSED, resolved_at=case.closed_at, closed_at=case.closed_at
    )


def build_library() -> Library:
    pmo = UserFactory(username="pmo.cases", profile__is_pmo=True)
    clients = {name: ClientFactory(name=name) for name in {c for _p, c in PROJECTS.values()}}
    projects = {
        key: ProjectFactory(name=name, client=clients[client], pmo_lead=pmo)
        for key, (name, client) in PROJECTS.items()
    }
    pm = member(projects["p1"], ProjectRole.PM, username="pm.p1")
    reader = member(projects["p3"], ProjectRole.MEMBER, username="member.p3")
    incidents = {}
    for case in CASES:
        # The factory takes the English texts by their plain names (title=, summary=).
        texts = {
            name: case.texts.get(name, "")
            for name in ("title_zh_hans", "summary_zh_hans", "cause_zh_hans")
        }
        incident = IncidentFactory(
            project=projects[case.project],
            declared_by=pmo,
            severity=case.severity,
            cause_category=case.cause_category,
            now=case.closed_at - timezone.timedelta(days=10),
            title=case.texts.get("title_en", ""),
            summary=case.texts.get("summary_en", ""),
            cause=case.texts.get("cause_en", ""),
            **texts,
        )
        close_as_case(incident, case, pmo)
        incidents[case.key] = incident
    case_index_rebuild()
    return Library(projects, clients, incidents, pmo, pm, reader)


@pytest.fixture
def library(db) -> Library:
    return build_library()
