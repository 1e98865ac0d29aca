from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .selectors import get_notification_for_user, notifications_for_user

NOTIFICATIONS_PER_PAGE = 25


@login_required
def notification_list(request):
    paginator = Paginator(notifications_for_user(request.user), NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


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
    services.notification_mark_read(actor=request.user, notification_id=notification.pk)
    return _back_to_inbox(request)


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back_to_inbox(request)
