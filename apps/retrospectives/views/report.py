"""The client report's pages for the team: the preview, publishing, the print page and the PDF.

The preview shows the report exactly as each language's readers will get it
(the same template as the status page, the feed and the e-mail), what is
missing, the tone check's advice, and who will be e-mailed. Everyone on the
project reads it; project managers and the PMO publish it.
"""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core.bilingual import LANGUAGE_NAMES, LANGUAGES, column, lang_tag, normalise, readings
from apps.core.pages import confirm_page
from apps.incidents.models import IncidentStatus
from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access
from apps.tone.reading import Text, language_label, tone_readings

from ..models import REPORT_TEXT_LABELS, REPORT_TEXTS, Retrospective
from ..pdf import PdfUnavailable, render_document, render_pdf
from ..report import REPORT_HEADINGS, ClientReport, client_report, pdf_filename
from ..services import retrospective_publish
from ..services.publish import report_gaps

#: The tone check reads the report as a retrospective report.
TONE_KIND = "retrospective"


def _retrospective_of(incident) -> Retrospective | None:
    retrospective = Retrospective.objects.filter(incident=incident).first()
    if retrospective is not None:
        retrospective.incident = incident
    return retrospective


def _not_started(request, incident, access):
    return render(
        request,
        "retrospectives/not_started.html",
        {"incident": incident, "project": incident.project, "access": access},
    )


def _recipients(incident):
    return list(incident.project.contacts.filter(receives_updates=True).order_by("name"))


def _languages(incident) -> list[str]:
    """The languages the contacts read, in Candor's order (both while there is no contact)."""
    read = incident.contact_languages
    return [language for language in LANGUAGES if language in read] or list(LANGUAGES)


def _time_zone(incident, language: str) -> str:
    """The time zone a reader of ``language`` sees the dates in: the first such contact's."""
    for contact in incident.project.contacts.all().order_by("name"):
        if normalise(contact.language) == language and contact.time_zone:
            try:
                zoneinfo.ZoneInfo(contact.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
            return contact.time_zone
    return settings.TIME_ZONE


def _asked_language(request, incident) -> str:
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return _languages(incident)[0]


def _rendering(report: ClientReport, language: str, time_zone: str) -> dict:
    """The report as readers of ``language`` get it: the same template as everywhere else."""
    with translation.override(language), timezone.override(time_zone):
        html = render_to_string(
            "retrospectives/_client_report.html",
            {"report": report, "level": 3, "prefix": f"report-{report.incident_id}-{language}"},
        )
    return {
        "language": language,
        "name": LANGUAGE_NAMES[language],
        "lang": lang_tag(language),
        "time_zone": time_zone,
        "html": html,
    }


def _tone_texts(report: ClientReport) -> list[Text]:
    return [
        Text(
            column=column(name, language),
            language=language,
            text=getattr(report.texts, column(name, language)) or "",
            kind=TONE_KIND,
            label=f"{REPORT_HEADINGS[name]} — {language_label(language)}",
        )
        for name in REPORT_TEXTS
        for language in LANGUAGES
    ]


def _report_context(request, incident, access, retrospective) -> dict:
    report = client_report(retrospective)
    gaps = [] if retrospective.is_published else report_gaps(retrospective)
    recipients = _recipients(incident)
    context = {
        "incident": incident,
        "project": incident.project,
        "access": access,
        "retrospective": retrospective,
        "report": report,
        "renderings": [
            _rendering(report, language, _time_zone(incident, language))
            for language in _languages(incident)
        ],
        "gaps": gaps,
        "recipients": recipients,
        "readings": readings(recipients, report.texts, REPORT_TEXTS, REPORT_TEXT_LABELS),
        "is_resolved": incident.status == IncidentStatus.RESOLVED,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    }
    context["can_publish"] = (
        access.can_edit and not retrospective.is_published and not gaps and context["is_resolved"]
    )
    return context


@login_required
@require_GET
def report_preview(request, pk: int):
    """The client report as each language's readers will see it, before and after publishing."""
    incident, access = get_incident_for_user(request.user, pk)
    retrospective = _retrospective_of(incident)
    if retrospective is None:
        return _not_started(request, incident, access)
    context = _report_context(request, incident, access, retrospective)
    context["tone"] = tone_readings(_tone_texts(context["report"]), incident=incident)
    context["tone_next"] = f"{request.path}#tone"
    context["tone_can_dismiss"] = access.can_edit and not retrospective.is_published
    return render(request, "retrospectives/report_preview.html", context)


@login_required
def report_publish(request, pk: int):
    """Publish the report (a GET asks, a POST publishes): the status page, the feed, the e-mails."""
    incident, access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    retrospective = _retrospective_of(incident)
    if retrospective is None:
        return _not_started(request, incident, access)

    was_published = retrospective.is_published

    def publish():
        retrospective_publish(retrospective=retrospective, actor=request.user)
        messages.success(
            request,
            _("The client report was already published.")
            if was_published
            else _(
                "The client report is published: it is on the status page and on its way by e-mail."
            ),
        )
        return redirect("retrospective_report", pk=incident.pk)

    context = _report_context(request, incident, access, retrospective)
    # Offered only when it can succeed; a POST anyway is refused with the reasons.
    context["can_act"] = context["can_publish"]
    return confirm_page(request, "retrospectives/report_publish.html", context, publish)


def _document(request, pk: int, *, for_pdf: bool):
    incident, access = get_incident_for_user(request.user, pk)
    retrospective = _retrospective_of(incident)
    if retrospective is None:
        return None, _not_started(request, incident, access)
    language = _asked_language(request, incident)
    kwargs = {
        "report": client_report(retrospective),
        "incident": incident,
        "project": incident.project,
        "language": language,
        "time_zone": _time_zone(incident, language),
        "for_pdf": for_pdf,
    }
    return (incident, language, kwargs), None


def _document_links(incident, language: str) -> dict:
    page = reverse("retrospective_report_print", args=[incident.pk])
    return {
        "pdf": reverse("retrospective_report_pdf", args=[incident.pk]) + f"?lang={language}",
        "languages": [
            {"url": f"{page}?lang={code}", "lang": lang_tag(code), "name": name}
            for code, name in (("en", "English"), ("zh-hans", "中文"))
            if code != language
        ],
        "back": reverse("retrospective_report", args=[incident.pk]),
    }


@login_required
@require_GET
def report_print(request, pk: int):
    """The report as a page to print, in one language (``?lang=``), without navigation."""
    found, answer = _document(request, pk, for_pdf=False)
    if answer is not None:
        return answer
    incident, language, kwargs = found
    html = render_document(**kwargs, links=_document_links(incident, language))
    response = HttpResponse(html)
    response["Content-Language"] = language
    return response


@login_required
@require_GET
def report_pdf(request, pk: int):
    """The report as a PDF download, in one language (``?lang=``)."""
    found, answer = _document(request, pk, for_pdf=True)
    if answer is not None:
        return answer
    incident, language, kwargs = found
    try:
        pdf = render_pdf(render_document(**kwargs))
    except PdfUnavailable:
        return render(
            request,
            "retrospectives/report_pdf_unavailable.html",
            {
                "base_template": "base.html",
                "print_url": reverse("retrospective_report_print", args=[incident.pk])
                + f"?lang={language}",
            },
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{pdf_filename(incident.pk, language)}"'
    )
    return response
