"""What a form page does with the tone check's buttons while the text is still being written.

The dismiss and withdraw buttons of ``tone/_findings.html`` belong to the page's
own form (``tone_form``), so pressing one sends what was typed too: the page's
view calls ``take_tone_action`` first and, when it was such a button, shows the
form again with the findings, nothing else saved.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.projects.selectors import access_for

from .reading import any_written, parse_key, tone_readings
from .selectors import get_dismissal_or_none
from .services import dismissal_withdraw, finding_dismiss
from .subjects import MAX_CHECKED_CHARS, subject_texts


@dataclass(frozen=True)
class ToneAction:
    #: The request was a tone button: show the form again, save nothing else.
    handled: bool = False
    #: What went wrong, in the user's language ("say why").
    error: str = ""
    #: What was done, for the page's message.
    done: str = ""


def dismiss_by_key(incident, key: str, *, reason: str, actor, where: str) -> str:
    """Dismiss the finding a form names by its key (``language|rule|words``).

    "" when done, else what went wrong in the user's language.
    """
    parsed = parse_key(key)
    if parsed is None:
        return _("That finding was not found. Check the wording again.")
    language, rule, text = parsed
    try:
        finding_dismiss(
            incident=incident,
            language=language,
            rule=rule,
            text=text,
            reason=reason,
            actor=actor,
            where=where,
        )
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def take_tone_action(request, incident, *, where: str) -> ToneAction:
    """Dismiss or withdraw as the pressed button says, by ``request.user``."""
    if request.method != "POST":
        return ToneAction()
    if "tone_dismiss" in request.POST:
        anchor, _sep, key = request.POST["tone_dismiss"].partition("|")
        error = dismiss_by_key(
            incident,
            key,
            reason=request.POST.get(f"tone_reason_{anchor}", ""),
            actor=request.user,
            where=where,
        )
        if error:
            return ToneAction(True, error=error)
        return ToneAction(True, done=_("The finding was dismissed; your reason is on the record."))
    if "tone_withdraw" in request.POST:
        dismissal = get_dismissal_or_none(incident, request.POST["tone_withdraw"])
        if dismissal is not None:
            dismissal_withdraw(dismissal=dismissal, actor=request.user)
        return ToneAction(True, done=_("The dismissal was withdrawn: the finding shows again."))
    return ToneAction()


def _can_edit(user, incident) -> bool:
    """Whether ``user`` may switch rules off for the incident's project (its PMs, PMO staff).

    The incident comes from ``get_incident_for_user``, which read the user's role.
    """
    access = access_for(user, getattr(incident, "user_role", None))
    return access is not None and access.can_edit


def tone_form_check(request, *, subject: str, form_id: str, incident=None, project=None) -> dict:
    """What a form page gives ``tone/_live_box.html``, and whether to show the form again.

    On a POST: a tone button pressed (dismiss, withdraw) is done first; the
    findings are those in what was typed. ``tone_only`` is true when the
    request was only about the tone check ("Check the wording", or a tone
    button): the view then shows the form again and saves nothing. Without an
    incident (declaring one) findings cannot be dismissed yet.
    """
    action = take_tone_action(request, incident, where=subject) if incident else ToneAction()
    if action.done:
        messages.success(request, action.done)
    posted = request.method == "POST"
    texts = subject_texts(subject, request.POST, incident=incident) if posted else []
    if incident is not None:
        url = reverse("tone_live", args=[incident.pk])
    else:
        url = reverse("tone_live_project", args=[getattr(project, "pk", project)])
    return {
        "tone": tone_readings(
            texts, incident=incident, project=project, max_chars=MAX_CHECKED_CHARS
        ),
        "tone_incident": incident,
        "tone_can_dismiss": incident is not None,
        "tone_can_switch": incident is not None and _can_edit(request.user, incident),
        "tone_form": form_id,
        "tone_where": subject,
        "tone_subject": subject,
        "tone_url": url,
        "tone_error": action.error,
        "tone_checked": any_written(texts),
        "tone_only": action.handled or (posted and "tone_check" in request.POST),
    }
