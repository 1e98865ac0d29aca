"""Changing a project's message templates: save its own text, or go back to the shipped one."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.bilingual import LANGUAGES, normalise
from apps.events.services import Actor, event_record
from apps.projects.models import Project

from .kinds import KINDS, MAX_BODY_CHARS, default_body
from .models import ProjectTemplate
from .placeholders import unknown


def _check(kind: str, language: str) -> str:
    if kind not in KINDS:
        raise ValidationError(_("There is no message template of that kind."), code="kind")
    if (language or "").lower() not in LANGUAGES:
        raise ValidationError(_("Message templates are in English or in Chinese."), code="language")
    return normalise(language)


def check_body(body: str) -> str:
    """The body, trimmed; refused when empty, too long, or naming unknown placeholders."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(
            _("Write the template's text, or reset it to the default."), code="empty"
        )
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            _("A template holds at most %(max)s characters; this one has %(count)s.")
            % {"max": f"{MAX_BODY_CHARS:,}", "count": f"{len(body):,}"},
            code="too_long",
        )
    strangers = unknown(body)
    if strangers:
        raise ValidationError(
            ngettext(
                "%(names)s is not a placeholder. Use one of those listed, or remove the braces.",
                "%(names)s are not placeholders. Use those listed, or remove the braces.",
                len(strangers),
            )
            % {"names": ", ".join("{" + name + "}" for name in strangers)},
            code="unknown_placeholder",
        )
    return body + "\n"


@transaction.atomic
def template_save(
    *,
    project: Project,
    kind: str,
    language: str,
    body: str,
    actor: Actor,
    now: datetime | None = None,
) -> ProjectTemplate | None:
    """Keep ``body`` as the project's template of ``kind`` in ``language``.

    Steps: check the kind, language and text; lock the project's row for it;
    when the text is what is in force already, change nothing (``None`` if
    that is the default); else write it and record ``message_template.saved``
    with the change of the body (the first change's ``before`` is the default).
    """
    language = _check(kind, language)
    body = check_body(body)
    now = now or timezone.now()
    current = (
        ProjectTemplate.objects.select_for_update()
        .filter(project=project, kind=kind, language=language)
        .first()
    )
    before = current.body if current is not None else default_body(kind, language)
    if body.strip() == before.strip():
        return current
    if current is None:
        current = ProjectTemplate(project=project, kind=kind, language=language)
    current.body = body
    current.updated_by = actor
    current.updated_at = now
    current.save()
    event_record(
        actor=actor,
        verb="message_template.saved",
        obj=current,
        project=project,
        data={
            "kind": kind,
            "language": language,
            "changes": {"body": {"before": before, "after": body}},
        },
        now=now,
    )
    return current


@transaction.atomic
def template_reset(
    *, project: Project, kind: str, language: str, actor: Actor, now: datetime | None = None
) -> bool:
    """Go back to the shipped template; ``False`` when the project had none of its own.

    The row is deleted and ``message_template.reset`` keeps the body it had.
    """
    language = _check(kind, language)
    current = (
        ProjectTemplate.objects.select_for_update()
        .filter(project=project, kind=kind, language=language)
        .first()
    )
    if current is None:
        return False
    event_record(
        actor=actor,
        verb="message_template.reset",
        obj=current,
        project=project,
        data={"kind": kind, "language": language, "body": current.body},
        now=now,
    )
    current.delete()
    return True
