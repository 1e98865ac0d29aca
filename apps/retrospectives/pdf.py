"""The client report as a document: the printable page and its PDF.

The print page and the PDF are the same HTML (``retrospectives/report_document.html``)
in one language and time zone; the PDF is rendered by WeasyPrint with a CJK
font (Noto Sans CJK SC, from Debian's ``fonts-noto-cjk``), so that Chinese
reads as Chinese. WeasyPrint needs Pango and HarfBuzz from the system: when
they or WeasyPrint are missing, ``PdfUnavailable`` says so and the page
answers with a clear message instead of failing.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.core.bilingual import lang_tag, normalise

from .report import ClientReport

logger = logging.getLogger(__name__)

#: The report's print stylesheet, the same for the browser and the PDF.
STYLESHEET = "css/report.css"


class PdfUnavailable(Exception):
    """No PDF can be made on this machine (WeasyPrint or its libraries are missing)."""


def render_document(
    *,
    report: ClientReport,
    incident,
    project,
    language: str,
    time_zone: str,
    for_pdf: bool = False,
    links: dict | None = None,
) -> str:
    """The report's document in ``language``, its dates in ``time_zone``.

    ``links`` are the print page's own (the PDF, the other language, back):
    shown on screen, never printed, never in the PDF.
    """
    language = normalise(language)
    with translation.override(language), timezone.override(time_zone):
        return render_to_string(
            "retrospectives/report_document.html",
            {
                "report": report,
                "incident": incident,
                "project": project,
                "language": language,
                "lang": lang_tag(language),
                "for_pdf": for_pdf,
                "links": links or {},
            },
        )


def _stylesheet_path() -> str | None:
    found = finders.find(STYLESHEET)
    if found:
        return found
    collected = Path(settings.STATIC_ROOT) / STYLESHEET
    return str(collected) if collected.exists() else None


def _refuse(url: str, *args, **kwargs):
    # The report needs nothing from outside: no page may make the renderer fetch an address.
    raise ValueError(f"The report's PDF fetches nothing ({url})")


def render_pdf(html: str) -> bytes:
    """The PDF of a document made by ``render_document(for_pdf=True)``."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:
        # OSError: WeasyPrint is installed but Pango (or another library) is not.
        logger.warning("No PDF renderer: %s", exc)
        raise PdfUnavailable(str(exc)) from exc
    path = _stylesheet_path()
    stylesheets = [CSS(filename=path, url_fetcher=_refuse)] if path else []
    try:
        return HTML(string=html, url_fetcher=_refuse).write_pdf(stylesheets=stylesheets)
    except OSError as exc:
        logger.warning("The PDF renderer failed: %s", exc)
        raise PdfUnavailable(str(exc)) from exc
