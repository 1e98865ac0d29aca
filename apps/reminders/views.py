from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.incidents.selectors import get_rw_incident_for_user
from apps.incidents.views import render_incident_page

from . import services
from .forms import SnoozeForm
from .selectors import get_notification_for_user, notifications_for_user

NOTIFICATIONS_PER_PAGE = 25


@login_required
@require_POST
def incident_snooze(request, pk: int):
    incident = get_rw_incident_for_user(request.user, pk)
    form = SnoozeForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            snooze = services.snooze_update_reminders(
                incident=incident, user=request.user, **form.cleaned_data
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
            return redirect("incident_detail", pk=incident.pk)
    return render_incident_page(request, incident, snooze_form=form, status=400)


@login_required
def notification_list(request):
    paginator = Paginator(notifications_for_user(request.user), NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "reminders/inbox.html", {"page": page})


def _back_to_inbox(request):
    """Return to the page the user was on (only ever a page of this site)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notification_list")
    return redirect(target)


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_notification_for_user(request.user, pk)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    return _back_to_inbox(request)


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back_to_inbox(request)
