from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.incidents.pages import render_incident_page
from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access

from . import services
from .forms import SnoozeForm
from .models import Reminder


@login_required
@require_POST
def incident_snooze(request, pk: int):
    incident, access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    form = SnoozeForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            snooze = services.snooze_update_reminders(
                incident=incident, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Update reminders are quiet until %(until)s. The deadline promised to "
                    "the client does not move."
                )
                % {"until": date_format(timezone.localtime(snooze.until), "DATETIME_FORMAT")},
            )
            return redirect(incident)
    return render_incident_page(request, incident, access, status=400, snooze_form=form)


@login_required
@require_POST
def reminder_retry(request, pk: int, reminder_pk: int):
    """Deliver again a reminder whose delivery gave up."""
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    reminder = get_object_or_404(Reminder, incident=incident, pk=reminder_pk)
    try:
        services.reminder_retry(reminder=reminder, actor=request.user)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The reminder will be delivered again."))
    return redirect(f"{incident.get_absolute_url()}#failed-reminders")
