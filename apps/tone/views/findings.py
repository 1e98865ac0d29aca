"""The tone check while writing (a fragment the page asks for), and dismissing its findings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access, get_project_for_user

from ..pages import dismiss_by_key
from ..reading import any_written, tone_readings
from ..selectors import get_dismissal
from ..services import dismissal_withdraw
from ..subjects import MAX_CHECKED_CHARS, SUBJECTS, subject_texts

#: A form id as a page names it: letters, digits, dashes.
_FORM_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _next(request, incident) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return incident.get_absolute_url()


def _unknown_subject(request):
    return render(
        request,
        "tone/_live_error.html",
        {"error": _("The page asked to check an unknown kind of message.")},
        status=400,
    )


def _live_answer(request, texts, subject, *, incident=None, project=None, **context):
    """The fragment the page shows beside its form: the findings, or that there are none."""
    return render(
        request,
        "tone/_live.html",
        {
            "tone": tone_readings(
                texts, incident=incident, project=project, max_chars=MAX_CHECKED_CHARS
            ),
            "checked": any_written(texts),
            "subject": subject,
            **context,
        },
    )


@login_required
@require_POST
def tone_live(request, pk: int):
    """The findings in what the PM is typing, for the page to show beside the form."""
    incident, access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    subject = request.POST.get("tone_subject", "")
    if subject not in SUBJECTS:
        return _unknown_subject(request)
    form_id = request.POST.get("tone_form", "")
    if not form_id or not set(form_id) <= _FORM_ID_CHARS:
        form_id = ""
    texts = subject_texts(subject, request.POST, incident=incident)
    return _live_answer(
        request,
        texts,
        subject,
        incident=incident,
        tone_incident=incident,
        tone_can_dismiss=True,
        tone_can_switch=access.can_edit,
        tone_form=form_id,
        tone_where=subject,
    )


@login_required
@require_POST
def tone_live_project(request, pk: int):
    """The findings in an incident's disclosure as it is declared: nothing to dismiss in yet."""
    project, _access = get_project_for_user(request.user, pk, need=Access.WRITE)
    if request.POST.get("tone_subject") != "disclosure":
        return _unknown_subject(request)
    texts = subject_texts("disclosure", request.POST, incident=None)
    return _live_answer(request, texts, "disclosure", project=project)


@login_required
@require_POST
def tone_dismiss(request, pk: int):
    """Judge a finding fine in this incident; the reason goes on the record."""
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    error = dismiss_by_key(
        incident,
        request.POST.get("key", ""),
        reason=request.POST.get("reason", ""),
        actor=request.user,
        where=request.POST.get("where", "")[:40],
    )
    if _wants_json(request):
        if error:
            return JsonResponse({"error": error}, status=400)
        return JsonResponse({"dismissed": True})
    if error:
        messages.error(request, _("The finding was not dismissed: %(error)s") % {"error": error})
    else:
        messages.success(request, _("The finding was dismissed; your reason is on the record."))
    return redirect(_next(request, incident))


@login_required
@require_POST
def tone_dismissal_withdraw(request, pk: int, dismissal_pk: int):
    """Show a dismissed finding again."""
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    dismissal = get_dismissal(incident, dismissal_pk)
    dismissal_withdraw(dismissal=dismissal, actor=request.user)
    if _wants_json(request):
        return JsonResponse({"withdrawn": True})
    messages.success(request, _("The dismissal was withdrawn: the finding shows again."))
    return redirect(_next(request, incident))
