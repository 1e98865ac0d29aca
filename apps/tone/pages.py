"""What a form page does with the tone check's buttons while the text is still being written.

The dismiss and withdraw buttons of ``tone/_findings.html`` belong to the page's
own form (``tone_form``), so pressing one sends what was typed too: the page's
view calls ``take_tone_action`` first and, when it was such a button, shows the
form again with the findings, nothing else saved.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .reading import parse_key
from .selectors import get_dismissal_or_none
from .services import dismissal_withdraw, finding_dismiss


@dataclass(frozen=True)
class ToneAction:
    #: The request was a tone button: show the form again, save nothing else.
    handled: bool = False
    #: What went wrong, in the user's language ("say why").
    error: str = ""
    #: What was done, for the page's message.
    done: str = ""


def take_tone_action(request, incident, *, where: str) -> ToneAction:
    """Dismiss or withdraw as the pressed button says, by ``request.user``."""
    if request.method != "POST":
        return ToneAction()
    if "tone_dismiss" in request.POST:
        anchor, _sep, key = request.POST["tone_dismiss"].partition("|")
        parsed = parse_key(key)
        if parsed is None:
            return ToneAction(True, error=_("That finding was not found. Check the wording again."))
        language, rule, text = parsed
        try:
            finding_dismiss(
                incident=incident,
                language=language,
                rule=rule,
                text=text,
                reason=request.POST.get(f"tone_reason_{anchor}", ""),
                actor=request.user,
                where=where,
            )
        except ValidationError as exc:
            return ToneAction(True, error=" ".join(exc.messages))
        return ToneAction(True, done=_("The finding was dismissed; your reason is on the record."))
    if "tone_withdraw" in request.POST:
        dismissal = get_dismissal_or_none(incident, request.POST["tone_withdraw"])
        if dismissal is not None:
            dismissal_withdraw(dismissal=dismissal, actor=request.user)
        return ToneAction(True, done=_("The dismissal was withdrawn: the finding shows again."))
    return ToneAction()
