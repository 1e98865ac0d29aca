"""The exports: a page to choose what to export, and the CSV downloads.

Anyone signed in exports what they may see: PMO staff every project, others
their own projects; a project they cannot see is refused like a wrong value.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.projects.selectors import projects_for_user

from .exports import csv_response
from .forms import ExportFilterForm
from .selectors import commitment_rows, incident_rows, log_rows, visible_incidents


def _form(request):
    return ExportFilterForm(request.GET or None, projects=projects_for_user(request.user))


@login_required
def exports(request):
    form = _form(request)
    if request.GET:
        form.is_valid()
    return render(
        request, "reports/exports.html", {"form": form}, status=400 if form.errors else 200
    )


def _download(request, name: str, header, rows_for):
    form = _form(request)
    if request.GET and not form.is_valid():
        return render(request, "reports/exports.html", {"form": form}, status=400)
    filters = form.filters() if request.GET else {}
    incidents = visible_incidents(request.user, **filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(f"candor-{name}-{stamp}.csv", header(), rows_for(incidents, get_language()))


def _incident_header() -> list[str]:
    return [
        _("Incident"),
        _("Client"),
        _("Project"),
        _("Title"),
        _("Severity"),
        _("Kind of cause"),
        _("Status"),
        _("Declared at"),
        _("First contact due at"),
        _("First contact at"),
        _("First contact within the window"),
        _("Resolved at"),
        _("Closed at"),
        _("Schedule slip (days)"),
        _("Cost impact"),
    ]


def _log_header() -> list[str]:
    return [
        _("Incident"),
        _("Project"),
        _("Incident title"),
        _("Entry"),
        _("When"),
        _("Channel"),
        _("Summary"),
        _("Client's reaction"),
        _("Visible to the client"),
        _("Corrects entry"),
        _("Recorded by"),
        _("Recorded at"),
    ]


@login_required
def export_incidents(request):
    return _download(request, "incidents", _incident_header, incident_rows)


@login_required
def export_log(request):
    return _download(request, "communication-log", _log_header, log_rows)


def _commitment_header() -> list[str]:
    return [
        _("Incident"),
        _("Project"),
        _("Incident title"),
        _("Commitment"),
        _("What was promised"),
        _("Due"),
        _("Status"),
        _("Kept at"),
        _("Missed at"),
        _("What the client was told"),
        _("Owner"),
        _("Made in"),
        _("Made at"),
    ]


@login_required
def export_commitments(request):
    return _download(request, "commitments", _commitment_header, commitment_rows)
