"""Reads of the case library: the search page and the similar past cases.

Both read only ``CaseEntry`` rows of the projects the user may see (every
project for PMO staff), in a fixed number of queries.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Case, FloatField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from apps.accounts.selectors import user_is_pmo
from apps.alternatives.models import AlternativeStatus
from apps.incidents.models import Incident
from apps.projects.selectors import projects_for_user

from .highlight import snippet, texts_by_language
from .models import CaseEntry, CaseTerm
from .search import with_text_score
from .segment import parse_query, similarity_terms

PAGE_SIZE = 20
SIMILAR_LIMIT = 5
#: What a shared field adds to the score of a similar case (the words' score is in [0, 1]).
BOOSTS = {"cause_category": 0.15, "chosen_kind": 0.1, "client_id": 0.05, "severity": 0.05}


@dataclass(frozen=True)
class CaseFilters:
    project: int | None = None
    client: int | None = None
    severity: str = ""
    cause_category: str = ""
    chosen_kind: str = ""
    outcome: str = ""
    closed_from: date | None = None
    closed_to: date | None = None

    def apply(self, entries: QuerySet[CaseEntry]) -> QuerySet[CaseEntry]:
        for name in ("severity", "cause_category", "chosen_kind", "outcome"):
            value = getattr(self, name)
            if value:
                entries = entries.filter(**{name: value})
        if self.project:
            entries = entries.filter(project_id=self.project)
        if self.client:
            entries = entries.filter(client_id=self.client)
        zone = timezone.get_current_timezone()
        if self.closed_from:
            entries = entries.filter(
                closed_at__gte=datetime.combine(self.closed_from, time.min, tzinfo=zone)
            )
        if self.closed_to:
            entries = entries.filter(
                closed_at__lt=datetime.combine(self.closed_to, time.max, tzinfo=zone)
            )
        return entries


def visible_cases(user: AbstractBaseUser) -> QuerySet[CaseEntry]:
    """The cases of the projects the user may see (every case for PMO staff)."""
    if not user.is_authenticated:
        return CaseEntry.objects.none()
    if user_is_pmo(user):
        return CaseEntry.objects.all()
    return CaseEntry.objects.filter(project_id__in=projects_for_user(user).values("pk"))


def cases_for_user(user: AbstractBaseUser) -> QuerySet[CaseEntry]:
    """The visible cases with what a hit shows of their project and client."""
    return visible_cases(user).select_related("project", "client")


@dataclass
class SearchResult:
    page: Page
    query: object
    hits: list = field(default_factory=list)


def case_search(
    user: AbstractBaseUser, q: str = "", filters: CaseFilters | None = None, page: int = 1
) -> SearchResult:
    """The cases matching every part of ``q`` and every filter, best first, 20 a page.

    Without a query, every case the filters keep, the latest closed first.
    Two queries: the count and the page.
    """
    filters = filters or CaseFilters()
    query = parse_query(q)
    entries = filters.apply(cases_for_user(user))
    if query:
        entries = (
            with_text_score(entries, query)
            .filter(text_match=True)
            .order_by("-text_score", "-closed_at", "-pk")
        )
    else:
        entries = entries.order_by("-closed_at", "-pk")
    paginator = Paginator(entries, PAGE_SIZE)
    current = paginator.get_page(page)
    hits = list(current.object_list)
    for hit in hits:
        hit.snippet = snippet(texts_by_language(hit), query)
    return SearchResult(page=current, query=query, hits=hits)


@dataclass(frozen=True)
class Draft:
    """What a similar case is compared with: an incident, or what is typed while declaring."""

    texts: tuple[str, ...]
    cause_category: str = ""
    severity: str = ""
    client_id: int | None = None
    chosen_kind: str = ""
    incident_id: int | None = None


def draft_of(incident: Incident) -> Draft:
    chosen = next(
        (a for a in incident.alternatives.all() if a.status == AlternativeStatus.CHOSEN), None
    )
    return Draft(
        texts=tuple(
            getattr(incident, f"{name}_{suffix}")
            for name in ("title", "summary", "cause", "cause_origin", "impact_scope")
            for suffix in ("en", "zh_hans")
        ),
        cause_category=incident.cause_category,
        severity=incident.severity,
        client_id=incident.project.client_id,
        chosen_kind=chosen.kind if chosen else "",
        incident_id=incident.pk,
    )


#: A word found in more than this share of the cases says little about any of them.
COMMON_SHARE = 0.2
#: At most this many words are looked for: the rarest.
TELLING_TERMS = 8
#: When every word is common, the few least common still count.
FALLBACK_TERMS = 3


def telling_terms(terms: list[str]) -> dict[str, float]:
    """Of a draft's words, those that tell a case apart, each with its weight (its IDF).

    The words in the library and not in most cases, the rarest first; one
    query (the counts of ``CaseTerm``).
    """
    if not terms:
        return {}
    counts = dict(CaseTerm.objects.filter(term__in=[*terms, ""]).values_list("term", "cases"))
    total = counts.pop("", 0)
    present = sorted((t for t in terms if counts.get(t)), key=lambda t: counts[t])
    rare = [t for t in present if counts[t] <= max(1, total * COMMON_SHARE)]
    chosen = rare[:TELLING_TERMS] if rare else present[:FALLBACK_TERMS]
    return {t: math.log(1 + total / counts[t]) for t in chosen}


def shared_words_score(weights: dict[str, float]):
    """The weight of the draft's telling words a case's key words share, over their total: [0, 1].

    The same SQL on either database (a substring test on the space-padded key words).
    """
    total = sum(weights.values())
    score = Value(0.0)
    for term, weight in weights.items():
        score = score + Case(
            When(padded_key_terms__contains=f" {term} ", then=Value(weight / total)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return score


def similar_cases(
    draft: Draft | Incident, user: AbstractBaseUser, limit: int = SIMILAR_LIMIT
) -> list[CaseEntry]:
    """The closed cases most like ``draft``: its words (any of them), then what it shares.

    Only the draft's words that tell cases apart are looked for
    (``telling_terms``, weighted by how rare they are). A case is a candidate
    when it has one of them, or the same kind of cause; its score is the
    share of the words' weight its key words hold, plus a boost for each
    field in common (``BOOSTS``). Two queries.
    """
    if isinstance(draft, Incident):
        draft = draft_of(draft)
    weights = telling_terms(similarity_terms(*draft.texts))
    entries = visible_cases(user)
    if draft.incident_id:
        entries = entries.exclude(incident_id=draft.incident_id)
    if not weights and not draft.cause_category:
        return []
    if weights:
        # The full-text index finds the candidates; the shared words score them.
        entries = with_text_score(entries, any_of=list(weights), score=False).alias(
            padded_key_terms=_padded()
        )
        candidates = Q(text_match=True)
        score = shared_words_score(weights)
    else:
        candidates = Q()
        score = Value(0.0)
    if draft.cause_category:
        candidates |= Q(cause_category=draft.cause_category)
    for name, boost in BOOSTS.items():
        value = getattr(draft, name)
        if value:
            score = score + Case(
                When(**{name: value}, then=Value(boost)),
                default=Value(0.0),
                output_field=FloatField(),
            )
    order = ("-score", "-closed_at", "-pk")
    # The candidates are scored on narrow rows; only the best few are read whole.
    best = entries.filter(candidates).annotate(score=score).order_by(*order).values("pk")
    chosen = (
        CaseEntry.objects.select_related("project", "client")
        .filter(pk__in=best[:limit])
        .alias(padded_key_terms=_padded())
        .annotate(score=score)
        .order_by(*order)
    )
    return list(chosen)


def _padded():
    return Concat(Value(" "), "key_terms", Value(" "), output_field=TextField())
