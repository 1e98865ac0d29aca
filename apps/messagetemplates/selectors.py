"""Reads of a project's message templates: the text in force, and what each page lists."""

from dataclasses import dataclass
from datetime import datetime

from apps.core.bilingual import LANGUAGE_NAMES, LANGUAGES, normalise
from apps.incidents.models import OPEN_STATUSES, Incident
from apps.projects.models import Project
from apps.tone.subjects import message_kind

from .kinds import KINDS, default_body
from .models import ProjectTemplate


def get_override(project: Project, kind: str, language: str) -> ProjectTemplate | None:
    return (
        ProjectTemplate.objects.filter(project=project, kind=kind, language=normalise(language))
        .select_related("updated_by")
        .first()
    )


def template_body(project: Project, kind: str, language: str) -> str:
    """The text a message of ``kind`` starts from: the project's own, else the shipped one."""
    override = get_override(project, kind, language)
    return override.body if override is not None else default_body(kind, language)


@dataclass(frozen=True)
class TemplateRow:
    """One kind in one language on the project's templates page."""

    kind: str
    kind_label: str
    language: str
    language_name: str
    override: ProjectTemplate | None

    @property
    def is_default(self) -> bool:
        return self.override is None

    @property
    def updated_by(self):
        return self.override.updated_by if self.override else None

    @property
    def updated_at(self) -> datetime | None:
        return self.override.updated_at if self.override else None


def project_templates(project: Project) -> list[TemplateRow]:
    """Every kind in both languages, each the default or the project's own (one query)."""
    overrides = {
        (t.kind, t.language): t
        for t in ProjectTemplate.objects.filter(project=project).select_related("updated_by")
    }
    return [
        TemplateRow(kind, label, lang, LANGUAGE_NAMES[lang], overrides.get((kind, lang)))
        for kind, label in KINDS.items()
        for lang in LANGUAGES
    ]


def latest_open_incident(project: Project) -> Incident | None:
    """The incident a preview fills a template from: the most recently declared open one."""
    return (
        Incident.objects.filter(project=project, status__in=OPEN_STATUSES)
        .select_related("project", "project__client")
        .order_by("-declared_at", "-pk")
        .first()
    )


def filled_texts(incident: Incident, kind: str, *, actor, now: datetime | None = None) -> dict:
    """Both texts of an update drafted from the project's template of ``kind``, filled in.

    ``{"body_en": …, "body_zh_hans": …}``, as the update form's fields are named.
    """
    from .placeholders import fill
    from .values import incident_values

    return {
        f"body_{lang.replace('-', '_')}": fill(
            template_body(incident.project, kind, lang),
            incident_values(incident, lang, actor=actor, now=now),
        )
        for lang in LANGUAGES
    }


def suggested_kind(incident: Incident) -> str:
    """The template a new draft should start from: the first notice until the client heard."""
    return message_kind(incident)
