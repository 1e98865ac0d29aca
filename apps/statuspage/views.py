"""The client's read-only status page, its feeds, and the PM's link management.

The client-facing views reach data only through ``selectors.link_stamp``,
``selectors.active_link`` and the read-only selectors; they never write except
to count a view.
"""

import hashlib
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.communications.ical import calendar
from apps.core.bilingual import fallback_mark, lang_tag, marked, text_in
from apps.core.forms import add_service_errors
from apps.core.markdown import render_markdown
from apps.incidents.selectors import get_incident_for_user
from apps.projects.selectors import Access, delivery_summary
from apps.retrospectives.pdf import PdfUnavailable, render_document, render_pdf
from apps.retrospectives.report import pdf_filename, published_report

from . import counters, lease, pagecache, services
from .forms import ShareLinkForm
from .http import miss_key, private_page, record_miss, too_many_misses
from .models import hash_token
from .selectors import (
    LinkStamp,
    active_link,
    feed_meetings,
    feed_reports,
    feed_updates,
    incident_pages,
    incident_share_links,
    link_incident,
    link_incidents,
    link_stamp,
)

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
#: Cached pages are also keyed on a five-minute bucket, so time-dependent
#: parts (an update becoming late, a meeting passing) are never older than that.
TIME_BUCKET_SECONDS = 300


def _not_found(request):
    record_miss(request)
    return render(request, "statuspage/not_found.html", status=404)


def _too_many(request):
    response = render(request, "statuspage/too_many.html", status=429)
    response["Retry-After"] = "600"
    return response


def _resolve(request, token):
    """The active link for the token, or the response to send instead.

    A good token is never refused: only wrong guesses are counted and limited,
    per client, so that one guesser cannot lock out every client behind a proxy.
    """
    link = active_link(token)
    if link is not None:
        return link, None
    if too_many_misses(request):
        return None, _too_many(request)
    return None, _not_found(request)


def _reader_language(request, contact_language: str | None) -> str:
    asked = request.GET.get("lang", "")
    if asked in LANGUAGE_CODES:
        return asked
    if contact_language in LANGUAGE_CODES:
        return contact_language
    # LocaleMiddleware has already read Accept-Language (and the cookie).
    found = getattr(request, "LANGUAGE_CODE", None)
    return found or translation.get_language_from_request(request, check_path=False)


def _reader_time_zone(contact_time_zone: str | None) -> str:
    if contact_time_zone:
        try:
            zoneinfo.ZoneInfo(contact_time_zone)
            return contact_time_zone
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return settings.TIME_ZONE


def _fingerprint(token_hash: str, stamp: LinkStamp, language: str, tz: str, now) -> str:
    """Everything the rendered page depends on; its hash is the ETag and cache key.

    The link's token hash, not only its id, so that no two links ever share a
    key, even in a database whose ids started again.
    """
    bucket = str(int(now.timestamp()) // TIME_BUCKET_SECONDS)
    parts = [token_hash, str(stamp.link_id), language, tz, bucket]
    for pk, updated_at, next_update_due_at in stamp.incidents:
        late = next_update_due_at is not None and next_update_due_at <= now
        parts.append(f"{pk}:{updated_at.timestamp()}:{int(late)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _render_page(token: str, language: str, tz: str, now) -> bytes | None:
    """The page's HTML, from the database; ``None`` if the link went away meanwhile."""
    link = active_link(token, now)
    if link is None:
        return None
    incidents = link_incidents(link)
    project = link.project if link.project_id else incidents[0].project
    with translation.override(language), timezone.override(tz):
        html = render_to_string(
            "statuspage/page.html",
            {
                "link": link,
                "project": project,
                "delivery": delivery_summary(project),
                "pages": incident_pages(incidents, now=now),
                "is_project_link": link.project_id is not None,
                "now": now,
                "reader_language": language,
                "reader_time_zone": tz,
                "languages": settings.LANGUAGES,
            },
            request=None,
        )
    return html.encode()


@require_GET
@private_page
def status_page(request, token):
    """The client's page: two small queries and one cache round trip when warm.

    Steps: read the link's stamp (``link_stamp``); derive the ETag from it;
    count the view (one cache round trip; a good token is never refused,
    however many wrong ones came from the same address);
    write the counted views to the row if a few minutes have passed; answer
    304 if the reader has this version; else serve the page stored under the
    ETag (this process's memory, then the shared cache), rendering it only
    if neither has it. Anything the page shows moves an incident's
    ``updated_at``, hence the ETag, hence the key: nothing needs purging.
    """
    now = timezone.now()
    token_hash = hash_token(token)
    stamp = lease.stamp(token_hash, lambda: link_stamp(token, now)) if token else None
    if stamp is None:
        return _too_many(request) if too_many_misses(request) else _not_found(request)
    language = _reader_language(request, stamp.contact_language)
    tz = _reader_time_zone(stamp.contact_time_zone)
    etag = quote_etag(_fingerprint(token_hash, stamp, language, tz, now))
    # One more view of the link (batched with the other views of this process).
    # The address's misses come back too, but a good token is never refused for them.
    lease.misses_and_count_view(
        miss_key(request), services.views_key(stamp.link_id), counters.read_and_add
    )
    services.link_flush_views(link_id=stamp.link_id, last_viewed_at=stamp.last_viewed_at, now=now)
    conditional = get_conditional_response(request, etag=etag)
    if conditional is not None:
        conditional["ETag"] = etag
        return conditional
    html = pagecache.get(etag.strip('"'))
    if html is None:
        html = _render_page(token, language, tz, now)
        if html is None:
            return _not_found(request)
        pagecache.put(etag.strip('"'), html)
    response = HttpResponse(html)
    response["ETag"] = etag
    response["Content-Language"] = language
    return response


def _feed_body(update, language: str) -> str:
    """The update in the feed's language; in the other one, marked and with its ``lang``."""
    body = text_in(update, "body", language)
    html = render_markdown(body.value)
    if not body.is_fallback:
        return html
    return format_html(
        '<p><strong>{}</strong></p><div lang="{}">{}</div>',
        fallback_mark(body.language),
        lang_tag(body.language),
        html,
    )


def _update_entry(update, language: str, page_url: str) -> dict:
    return {
        "title": _("Update of %(when)s — %(title)s")
        % {
            "when": timezone.localtime(update.published_at).strftime("%Y-%m-%d %H:%M"),
            "title": marked(text_in(update.incident, "title", language)),
        },
        "link": f"{page_url}#update-{update.pk}",
        "unique_id": f"urn:candor:update:{update.pk}",
        "description": _feed_body(update, language),
        "pubdate": update.published_at,
        "updateddate": update.published_at,
    }


def _report_entry(incident, report, language: str, page_url: str) -> dict:
    """The published client report, once, under an id that never changes."""
    return {
        "title": _("Retrospective report — %(title)s")
        % {"title": marked(text_in(incident, "title", language))},
        "link": f"{page_url}#report-{incident.pk}",
        "unique_id": f"urn:candor:retrospective:{report.retrospective_id}",
        "description": render_to_string(
            "retrospectives/_client_report.html", {"report": report, "level": 2}
        ),
        "pubdate": report.published_at,
        "updateddate": report.published_at,
    }


@require_GET
@private_page
def atom_feed(request, token):
    link, refusal = _resolve(request, token)
    if refusal:
        return refusal
    language = _reader_language(request, link.contact.language if link.contact else None)
    page_url = request.build_absolute_uri(reverse("status_page", args=[token]))
    tz = _reader_time_zone(link.contact.time_zone if link.contact else None)
    with translation.override(language), timezone.override(tz):
        feed = Atom1Feed(
            title=_("Status updates — %(name)s") % {"name": str(link.incident or link.project)},
            link=page_url,
            description=_("Updates from the team, newest first."),
            language=language,
            feed_url=request.build_absolute_uri(),
        )
        entries = [_update_entry(update, language, page_url) for update in feed_updates(link)]
        entries += [
            _report_entry(incident, report, language, page_url)
            for incident, report in feed_reports(link)
        ]
        entries.sort(key=lambda entry: entry["pubdate"], reverse=True)
        for entry in entries:
            feed.add_item(**entry)
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_GET
@private_page
def meetings_ics(request, token):
    link, refusal = _resolve(request, token)
    if refusal:
        return refusal
    language = _reader_language(request, link.contact.language if link.contact else None)
    # Each meeting's title and agenda in the link's language (the other one, tagged, else).
    with translation.override(language):
        name = str(link.incident or link.project)
        text = calendar(feed_meetings(link), name=name, attendees=False)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


def _client_report(request, token, incident_pk: int):
    """The link's reader and the published report of one of its incidents, or the refusal.

    A report that is not published, or an incident the link does not show,
    is the same 404 as a wrong token.
    """
    link, refusal = _resolve(request, token)
    if refusal:
        return None, refusal
    incident = link_incident(link, incident_pk)
    report = published_report(incident.pk) if incident is not None else None
    if report is None:
        return None, _not_found(request)
    contact = link.contact
    language = _reader_language(request, contact.language if contact else None)
    tz = _reader_time_zone(contact.time_zone if contact else None)
    return (incident, report, language, tz), None


@require_GET
@private_page
def report_print(request, token, incident_pk: int):
    """The client report as a page to print, in the reader's language (no navigation)."""
    found, refusal = _client_report(request, token, incident_pk)
    if refusal:
        return refusal
    incident, report, language, tz = found
    pdf = reverse("status_report_pdf", args=[token, incident.pk])
    page = reverse("status_report", args=[token, incident.pk])
    html = render_document(
        report=report,
        incident=incident,
        project=incident.project,
        language=language,
        time_zone=tz,
        links={
            "pdf": f"{pdf}?lang={language}",
            "languages": _other_languages(page, language),
            "back": reverse("status_page", args=[token]) + f"?lang={language}#report-{incident.pk}",
        },
    )
    response = HttpResponse(html)
    response["Content-Language"] = language
    return response


def _other_languages(url: str, language: str) -> list[dict]:
    return [
        {"url": f"{url}?lang={code}", "lang": lang_tag(code), "name": name}
        for code, name in (("en", "English"), ("zh-hans", "中文"))
        if code != language
    ]


@require_GET
@private_page
def report_pdf(request, token, incident_pk: int):
    """The client report as a PDF download, in the reader's language."""
    found, refusal = _client_report(request, token, incident_pk)
    if refusal:
        return refusal
    incident, report, language, tz = found
    html = render_document(
        report=report,
        incident=incident,
        project=incident.project,
        language=language,
        time_zone=tz,
        for_pdf=True,
    )
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        with translation.override(language):
            return render(
                request,
                "retrospectives/report_pdf_unavailable.html",
                {
                    "base_template": "statuspage/base.html",
                    "print_url": reverse("status_report", args=[token, incident.pk])
                    + f"?lang={language}",
                },
                status=503,
            )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{pdf_filename(incident.pk, language)}"'
    )
    response["Content-Language"] = language
    return response


# --- the PM's side --------------------------------------------------------------

NEW_LINK_SESSION_KEY = "statuspage:new-link"


def _links_page(request, incident, form, status=200):
    new_link = request.session.pop(NEW_LINK_SESSION_KEY, None)
    return render(
        request,
        "statuspage/links.html",
        {
            "incident": incident,
            "project": incident.project,
            "links": incident_share_links(incident),
            "form": form,
            "new_link": new_link,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def links(request, pk: int):
    """The incident's share links: who can read the status page, and when they last did."""
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    form = ShareLinkForm(request.POST or None, project=incident.project)
    if request.method == "POST" and form.is_valid():
        whole_project = form.cleaned_data["whole_project"]
        try:
            link, token = services.link_create(
                actor=request.user,
                incident=None if whole_project else incident,
                project=incident.project if whole_project else None,
                contact=form.cleaned_data["contact"],
                label=form.cleaned_data["label"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown once, on the next page, then gone: only the hash is kept.
            request.session[NEW_LINK_SESSION_KEY] = {
                "id": link.pk,
                "url": request.build_absolute_uri(reverse("status_page", args=[token])),
            }
            messages.success(request, _("Share link created. Copy it now: it is shown only once."))
            return redirect("share_links", pk=incident.pk)
    return _links_page(request, incident, form, status=400 if form.errors else 200)


@login_required
@require_POST
def link_revoke(request, pk: int, link_pk: int):
    incident, _access = get_incident_for_user(request.user, pk, need=Access.WRITE)
    link = get_object_or_404(incident_share_links(incident), pk=link_pk)
    services.link_revoke(link=link, actor=request.user)
    messages.success(request, _("The link was revoked: it now leads nowhere."))
    return redirect("share_links", pk=incident.pk)
