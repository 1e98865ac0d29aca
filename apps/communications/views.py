"""Pages for the communication log, status updates and meetings.

Each view: access helper → form → one service call → redirect, or the form
again with the errors and status 400. Team members may log contacts and
record meeting outcomes; what the client is told or promised (updates,
invitations) stays with the project managers and the PMO.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.bilingual import readings
from apps.core.forms import add_service_errors
from apps.core.markdown import render_markdown
from apps.core.pages import back_to, bound, confirm_page, form_page
from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access
from apps.tone.pages import take_tone_action, tone_form_check

from . import services
from .forms import (
    MAX_UPDATE_CHARS,
    LogCorrectionForm,
    LogEntryForm,
    MeetingForm,
    MeetingOutcomeForm,
    StatusUpdateForm,
)
from .ical import meeting_invitation
from .models import MeetingStatus, UpdateStatus
from .pages import MEETING_PAGE, UPDATE_DRAFT
from .selectors import (
    get_log_entry,
    get_meeting,
    get_update,
    meeting_deliveries,
    update_recipients,
)
from .tone import update_tone


def _localized(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- the communication log ----------------------------------------------------------


@login_required
def log_entry_create(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    form = LogEntryForm(bound(request), incident=incident)
    tone = tone_form_check(
        request, subject="log_entry", form_id="log-entry-form", incident=incident
    )
    if not tone["tone_only"] and form.is_valid():
        try:
            services.log_contact(incident=incident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact was logged."))
            return back_to(incident, "timeline")
    return form_page(request, "communications/log_form.html", {"incident": incident, **tone}, form)


@login_required
def log_entry_correct(request, pk: int, entry_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    entry = get_log_entry(incident, entry_pk)
    form = LogCorrectionForm(bound(request), entry=entry)
    # Only what the client reads is checked: a visible entry's correction.
    tone = (
        tone_form_check(
            request, subject="log_correction", form_id="log-correction-form", incident=incident
        )
        if entry.client_visible
        else {"tone_only": False}
    )
    if not tone["tone_only"] and form.is_valid():
        try:
            correction = services.log_correct(entry=entry, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The correction was added; the original entry stays."))
            return back_to(incident, f"entry-{correction.pk}")
    return form_page(
        request,
        "communications/log_correct.html",
        {"incident": incident, "entry": entry, **tone},
        form,
    )


# --- status updates -------------------------------------------------------------------


def _preview(texts) -> dict:
    """Both texts as the client will read them (the same Markdown and sanitiser)."""
    return {
        "en": render_markdown(texts.get("body_en") or ""),
        "zh_hans": render_markdown(texts.get("body_zh_hans") or ""),
    }


def _tone(incident, texts) -> list:
    """What the tone check finds in the texts: shown beside them, never a block."""
    return update_tone(incident, texts, max_chars=MAX_UPDATE_CHARS)


def _preview_context(incident, form) -> dict:
    """The preview of what was typed, valid or not: the texts and the tone check's findings."""
    texts = form.cleaned_data if form.is_valid() else form.data
    return {"preview": _preview(texts), "tone": _tone(incident, texts)}


def _wants_preview(request) -> bool:
    return request.method == "POST" and "preview" in request.POST


def _preview_page(request, incident, update, form, tone_error=""):
    """The form again, unsaved, with what the client will read below it."""
    context = {
        "incident": incident,
        "update": update,
        "tone_error": tone_error,
        **_preview_context(incident, form),
    }
    return form_page(request, "communications/update_form.html", context, form)


def _tone_button_page(request, incident, update, form):
    """A tone-check button pressed while writing: do it, then the form again, unsaved.

    None when the request was no such button.
    """
    action = take_tone_action(request, incident, where="update")
    if not action.handled:
        return None
    if action.done:
        messages.success(request, action.done)
    return _preview_page(request, incident, update, form, tone_error=action.error)


@login_required
@require_POST
def update_preview(request, pk: int):
    """What the update form shows as the PM writes: the rendered texts, nothing saved."""
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    form = StatusUpdateForm(request.POST)
    return render(
        request,
        "communications/_update_preview.html",
        {**_preview_context(incident, form), "form": form, "incident": incident},
        status=400 if form.errors else 200,
    )


@login_required
def update_create(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    # A new draft may start from a message template (filled from the incident).
    drafting = {}
    if request.method == "GET":
        drafting = UPDATE_DRAFT.context(request=request, incident=incident)
    form = StatusUpdateForm(bound(request), initial=drafting.get("template_initial"))
    if (tone_page := _tone_button_page(request, incident, None, form)) is not None:
        return tone_page
    if _wants_preview(request):
        return _preview_page(request, incident, None, form)
    if form.is_valid():
        try:
            services.update_draft_save(incident=incident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft was saved. Publish it when it is ready."))
            return back_to(incident, "drafts")
    return form_page(
        request,
        "communications/update_form.html",
        {"incident": incident, "update": None, **drafting},
        form,
    )


@login_required
def update_edit(request, pk: int, update_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    update = get_update(incident, update_pk)
    form = StatusUpdateForm(
        bound(request), initial={"body_en": update.body_en, "body_zh_hans": update.body_zh_hans}
    )
    if (tone_page := _tone_button_page(request, incident, update, form)) is not None:
        return tone_page
    if _wants_preview(request):
        return _preview_page(request, incident, update, form)
    if form.is_valid():
        try:
            services.update_draft_save(
                incident=incident, actor=request.user, update=update, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return back_to(incident, "drafts")
    return form_page(
        request, "communications/update_form.html", {"incident": incident, "update": update}, form
    )


@login_required
@require_POST
def update_delivery_retry(request, pk: int, update_pk: int, email_pk: int):
    """Send again an update's e-mail that failed for good."""
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    update = get_update(incident, update_pk)
    resent = services.update_delivery_retry(update=update, email_id=email_pk, actor=request.user)
    if resent is None:
        messages.info(request, _("That e-mail is no longer waiting to be sent again."))
    else:
        messages.success(
            request,
            _("The update will be e-mailed to %(name)s again.") % {"name": resent["name"]},
        )
    return redirect(f"{incident.get_absolute_url()}#entry-{update.log_entry.pk}")


@login_required
def update_discard(request, pk: int, update_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    update = get_update(incident, update_pk)

    def discard():
        services.update_draft_discard(update=update, actor=request.user)
        messages.success(request, _("The draft was discarded."))
        return back_to(incident, "drafts")

    context = {
        "incident": incident,
        "update": update,
        "can_act": update.status == UpdateStatus.DRAFT,
    }
    return confirm_page(request, "communications/update_discard.html", context, discard)


@login_required
def update_publish(request, pk: int, update_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    update = get_update(incident, update_pk)

    def publish():
        published = services.update_publish(update=update, actor=request.user)
        due = published.incident.next_update_due_at
        if due is not None:
            messages.success(
                request,
                _("Published; the next update is due by %(due)s.") % {"due": _localized(due)},
            )
        else:
            messages.success(request, _("Published."))
        return back_to(incident, "timeline")

    context = {
        "incident": incident,
        "update": update,
        # Who is e-mailed which language: an update written in one only reaches
        # the readers of the other in that one, and the PM is told so first.
        "readings": readings(update_recipients(incident), update, ("body",)),
        "can_act": update.status == UpdateStatus.DRAFT,
    }
    if context["can_act"]:
        # The last look before the client reads it: the same advice as while writing.
        context["tone"] = _tone(
            incident, {"body_en": update.body_en, "body_zh_hans": update.body_zh_hans}
        )
        context["tone_next"] = f"{request.path}#tone"
    return confirm_page(request, "communications/update_publish.html", context, publish)


# --- meetings -------------------------------------------------------------------------


@login_required
def meeting_create(request, pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    # ``?purpose=review`` starts from the retrospective's review meeting (initial values only).
    form = MeetingForm(bound(request), incident=incident, purpose=request.GET.get("purpose"))
    if form.is_valid():
        try:
            meeting = services.meeting_schedule(
                incident=incident, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The meeting was scheduled; the invitations are on their way.")
            )
            return redirect(meeting)
    return form_page(
        request, "communications/meeting_form.html", {"incident": incident, "meeting": None}, form
    )


@login_required
def meeting_detail(request, pk: int, meeting_pk: int):
    incident, access = get_incident_for_user(request.user, pk)
    meeting = get_meeting(incident, meeting_pk)
    context = {
        "incident": incident,
        "meeting": meeting,
        "can_edit": access.can_edit,
        "can_contribute": access.can_contribute,
        "deliveries": meeting_deliveries(meeting),
        "now": timezone.now(),
    }
    extra = MEETING_PAGE.context(request=request, meeting=meeting, access=access)
    return render(request, "communications/meeting_detail.html", extra | context)


@login_required
@require_POST
def meeting_delivery_retry(request, pk: int, meeting_pk: int, email_pk: int):
    """Send again a meeting's e-mail that failed for good."""
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    meeting = get_meeting(incident, meeting_pk)
    try:
        resent = services.meeting_delivery_retry(
            meeting=meeting, email_id=email_pk, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if resent is None:
            messages.info(request, _("That e-mail is no longer waiting to be sent again."))
        else:
            messages.success(
                request,
                _("The meeting's e-mail will be sent to %(name)s again.")
                % {"name": resent["name"]},
            )
    return redirect(f"{meeting.get_absolute_url()}#deliveries")


@login_required
def meeting_edit(request, pk: int, meeting_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    meeting = get_meeting(incident, meeting_pk)
    form = MeetingForm(bound(request), incident=incident, meeting=meeting)
    if form.is_valid():
        try:
            services.meeting_reschedule(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting was changed; the attendees get the update."))
            return redirect(meeting)
    return form_page(
        request,
        "communications/meeting_form.html",
        {"incident": incident, "meeting": meeting},
        form,
    )


@login_required
def meeting_cancel(request, pk: int, meeting_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    meeting = get_meeting(incident, meeting_pk)

    def cancel():
        services.meeting_cancel(meeting=meeting, actor=request.user)
        messages.success(request, _("The meeting was cancelled; the attendees are told."))
        return redirect(meeting)

    context = {
        "incident": incident,
        "meeting": meeting,
        "can_act": meeting.status == MeetingStatus.SCHEDULED,
    }
    return confirm_page(request, "communications/meeting_cancel.html", context, cancel)


@login_required
def meeting_outcome(request, pk: int, meeting_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.CONTRIBUTE)
    meeting = get_meeting(incident, meeting_pk)
    form = MeetingOutcomeForm(bound(request), meeting=meeting)
    if form.is_valid():
        try:
            services.meeting_record_outcome(
                meeting=meeting, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The outcome of the meeting was recorded."))
            return redirect(meeting)
    return form_page(
        request,
        "communications/meeting_outcome.html",
        {"incident": incident, "meeting": meeting},
        form,
    )


@login_required
def meeting_ics(request, pk: int, meeting_pk: int):
    incident, _access = get_incident_for_user(request.user, pk)
    meeting = get_meeting(incident, meeting_pk)
    ics, _method = meeting_invitation(meeting)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
