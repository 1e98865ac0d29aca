"""Reads of the case library: the search page and the similar past cases.

Both read only ``CaseEntry`` rows of the projects the user may see (every
project for PMO staff), in a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Case, F, FloatField, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from apps.accounts.selectors import user_is_pmo
from apps.alternatives.models import AlternativeStatus
from apps.incidents.models import Incident
from apps.projects.selectors import projects_for_user

from .highlight import snippet, texts_by_language
from .models import CaseEntry
from .search import with_text_score
from .segment import parse_query, similarity_terms

PAGE_SIZE = 20
SIMILAR_LIMIT = 5
#: What a shared field adds to the score of a similar case (the text's score is in [0, 1)).
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


def cases_for_user(user: AbstractBaseUser) -> QuerySet[CaseEntry]:
    if not user.is_authenticated:
        return CaseEntry.objects.none()
    entries = CaseEntry.objects.select_related("project", "client", "incident")
    if user_is_pmo(user):
        return entries
    return entries.filter(project_id__in=projects_for_user(user).values("pk"))


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


def similar_cases(
    draft: Draft | Incident, user: AbstractBaseUser, limit: int = SIMILAR_LIMIT
) -> list[CaseEntry]:
    """The closed cases most like ``draft``: its words (any of them), then what it shares.

    A case is a candidate when it shares a word, or the kind of cause; the
    score is the text's rank (relative to the best one's) plus a boost for
    each field in common (``BOOSTS``).
    One query.
    """
    if isinstance(draft, Incident):
        draft = draft_of(draft)
    terms = similarity_terms(*draft.texts)
    entries = cases_for_user(user)
    if draft.incident_id:
        entries = entries.exclude(incident_id=draft.incident_id)
    if not terms and not draft.cause_category:
        return []
    if terms:
        entries = with_text_score(entries, any_of=terms)
        candidates = Q(text_match=True)
        # The text's rank relative to the best candidate's, in [0, 1]: ts_rank and bm25
        # differ in scale, so the boosts weigh the same on either database.
        best = Window(expression=Max("text_score"))
        score = Coalesce(F("text_score") / NullIf(best, Value(0.0)), Value(0.0))
    else:
        candidates = Q()
        score = Value(0.0)
    if draft.cause_category:
        candidates |= Q(cause_category=draft.cause_category)
    entries = entries.filter(candidates)
    for name, boost in BOOSTS.items():
        value = getattr(draft, name)
        if value:
            score = score + Case(
                When(**{name: value}, then=Value(boost)),
                default=Value(0.0),
                output_field=FloatField(),
            )
    entries = entries.annotate(score=score).order_by("-score", "-closed_at", "-pk")
    return list(entries[:limit])
