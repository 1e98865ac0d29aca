"""Keeping the case library's index: a closed incident enters it, or is refreshed in it.

The index is derived from the record (the incident, its alternatives and
decisions, its retrospective), so indexing changes no record and writes no
event: rebuilding it from scratch gives the same rows.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from apps.alternatives.models import Alternative, AlternativeStatus, Decision
from apps.core.bilingual import columns
from apps.incidents.models import Incident, IncidentStatus
from apps.retrospectives.models import REPORT_TEXTS, REVIEW_TEXTS, Retrospective

from .models import CaseEntry, CaseTerm
from .segment import index_text, similarity_terms

logger = logging.getLogger(__name__)

#: The incident's texts the library searches, in both languages.
INCIDENT_SEARCHED = ("title", "summary", "cause", "cause_origin", "impact_scope")
BATCH_SIZE = 500
#: How many key words a case keeps for "similar cases".
KEY_TERMS = 80


def closed_incidents() -> QuerySet[Incident]:
    """Closed incidents with everything their case is made of, in a few queries per batch."""
    return (
        Incident.objects.filter(status=IncidentStatus.CLOSED)
        .select_related("project")
        .prefetch_related(
            Prefetch("alternatives", queryset=Alternative.objects.order_by("created_at", "pk")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(superseded_at__isnull=True),
                to_attr="current_decisions",
            ),
            "retrospective__root_causes",
        )
    )


def incident_texts(incident) -> tuple[str, ...]:
    """What an incident says it is about: what "similar cases" compares."""
    return tuple(getattr(incident, name) for name in columns(*INCIDENT_SEARCHED))


def _retrospective(incident: Incident) -> Retrospective | None:
    try:
        return incident.retrospective
    except Retrospective.DoesNotExist:
        return None


def _texts(incident: Incident) -> dict[str, list[str]]:
    """What is searched, by language (``en``, ``zh_hans``) and ``internal``."""
    texts: dict[str, list[str]] = {"en": [], "zh_hans": [], "internal": []}

    def add(obj, *names):
        for name in columns(*names):
            value = (getattr(obj, name) or "").strip()
            if value:
                texts["en" if name.endswith("_en") else "zh_hans"].append(value)

    add(incident, *INCIDENT_SEARCHED)
    for alternative in incident.alternatives.all():
        add(alternative, "title", "description")
    for decision in getattr(incident, "current_decisions", None) or incident.decisions.filter(
        superseded_at__isnull=True
    ):
        add(decision, "rationale")
    retrospective = _retrospective(incident)
    if retrospective is not None:
        add(retrospective, *REPORT_TEXTS)
        for name in REVIEW_TEXTS:
            value = (getattr(retrospective, name) or "").strip()
            if value:
                texts["internal"].append(value)
        for cause in retrospective.root_causes.all():
            texts["internal"].append(cause.statement.strip())
            texts["internal"].extend(str(why).strip() for why in cause.whys or [] if why)
    return texts


def _chosen(incident: Incident) -> Alternative | None:
    for alternative in incident.alternatives.all():
        if alternative.status == AlternativeStatus.CHOSEN:
            return alternative
    return None


def case_entry_for(incident: Incident, *, now: datetime) -> CaseEntry:
    """The index row of a closed incident (not saved)."""
    texts = _texts(incident)
    chosen = _chosen(incident)
    retrospective = _retrospective(incident)
    joined = {key: "\n".join(values) for key, values in texts.items()}
    return CaseEntry(
        incident=incident,
        project_id=incident.project_id,
        client_id=incident.project.client_id,
        title_en=incident.title_en,
        title_zh_hans=incident.title_zh_hans,
        severity=incident.severity,
        cause_category=incident.cause_category,
        chosen_kind=chosen.kind if chosen else "",
        chosen_title_en=chosen.title_en if chosen else "",
        chosen_title_zh_hans=chosen.title_zh_hans if chosen else "",
        outcome=retrospective.outcome if retrospective else "",
        declared_at=incident.declared_at,
        closed_at=incident.closed_at or now,
        text_en=joined["en"],
        text_zh_hans=joined["zh_hans"],
        text_internal=joined["internal"],
        terms=index_text(joined["en"], joined["zh_hans"], joined["internal"]),
        key_terms=" ".join(similarity_terms(*incident_texts(incident), limit=KEY_TERMS)),
        indexed_at=now,
    )


@transaction.atomic
def case_index(*, incident: Incident, now: datetime | None = None) -> CaseEntry | None:
    """Put a closed incident in the library, or refresh its row; any other leaves it.

    Returns the row, or ``None`` when the incident is not closed.
    """
    now = now or timezone.now()
    loaded = closed_incidents().filter(pk=incident.pk).first()
    if loaded is None:
        CaseEntry.objects.filter(incident_id=incident.pk).delete()
        return None
    return _replace([case_entry_for(loaded, now=now)])[0]


def _replace(entries: list[CaseEntry], *, count_terms: bool = True) -> list[CaseEntry]:
    """The entries in place of those of the same incidents, the word counts moved along."""
    old = CaseEntry.objects.filter(incident_id__in=[e.incident_id for e in entries])
    if count_terms:
        delta = Counter()
        for key_terms in old.values_list("key_terms", flat=True):
            delta.subtract(set(key_terms.split()) | {""})
        for entry in entries:
            delta.update(set(entry.key_terms.split()) | {""})
        _count(delta)
    old.delete()
    return CaseEntry.objects.bulk_create(entries)


def _count(delta: Counter) -> None:
    """Move the word counts by ``delta`` (a few queries: one per distinct change)."""
    delta = {term: n for term, n in delta.items() if n}
    CaseTerm.objects.bulk_create(
        [CaseTerm(term=term, cases=0) for term, n in delta.items() if n > 0],
        ignore_conflicts=True,
    )
    by_change: dict[int, list[str]] = {}
    for term, n in delta.items():
        by_change.setdefault(n, []).append(term)
    for n, terms in by_change.items():
        CaseTerm.objects.filter(term__in=terms).update(cases=Greatest(F("cases") + n, Value(0)))


def case_terms_recount() -> None:
    """Count every key word again from the index (after a rebuild)."""
    counts = Counter()
    for key_terms in CaseEntry.objects.values_list("key_terms", flat=True).iterator():
        counts.update(set(key_terms.split()) | {""})
    with transaction.atomic():
        CaseTerm.objects.all().delete()
        CaseTerm.objects.bulk_create(
            (CaseTerm(term=term, cases=n) for term, n in counts.items()), batch_size=2000
        )


def case_index_batch(incidents: Iterable[Incident], *, now: datetime) -> int:
    """Index a batch of closed incidents (prefetched by ``closed_incidents``) in one go."""
    entries = [case_entry_for(incident, now=now) for incident in incidents]
    with transaction.atomic():
        _replace(entries, count_terms=False)
    return len(entries)


def case_index_rebuild(
    *, batch_size: int = BATCH_SIZE, now: datetime | None = None, progress=None
) -> int:
    """(Re)index every closed incident, batch by batch, and drop rows of any other.

    Each batch is its own transaction: a long rebuild never holds the whole
    index locked, and the library stays searchable while it runs. The word
    counts are made again at the end.
    """
    now = now or timezone.now()
    CaseEntry.objects.exclude(incident__status=IncidentStatus.CLOSED).delete()
    done = 0
    last_pk = 0
    while True:
        batch = list(closed_incidents().filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            case_terms_recount()
            return done
        done += case_index_batch(batch, now=now)
        last_pk = batch[-1].pk
        if progress:
            progress(done)


def index_on_close(*, incident: Incident, previous: str, actor, now: datetime) -> None:
    """``STATUS_CHANGED``: a closed incident enters the library.

    Indexing never stops the incident from closing: a failure is logged, and
    ``rebuild_case_index`` puts the case in later.
    """
    if incident.status != IncidentStatus.CLOSED:
        return
    try:
        with transaction.atomic():
            case_index(incident=incident, now=now)
    except Exception:
        logger.exception("Could not index incident %s in the case library", incident.pk)
