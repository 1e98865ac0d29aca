from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.core.bilingual import fallback_mark, lang_tag, marked, text_in

register = template.Library()


def humanize_delta(delta: timedelta) -> str:
    """ "2 d 3 h", "5 h 12 min", "8 min" — precise enough for a deadline."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return ngettext("%(minutes)s min", "%(minutes)s min", minutes) % {"minutes": minutes}


@register.simple_tag
def countdown(deadline: datetime | None, now: datetime | None = None):
    """A deadline as "in 5 h 12 min" / "4 min overdue", refreshed live by countdown.js.

    The text is complete without JavaScript; the script only keeps it ticking.
    """
    if deadline is None:
        return ""
    now = now or timezone.now()
    remaining = deadline - now
    if remaining.total_seconds() > 0:
        text = _("in %(time)s") % {"time": humanize_delta(remaining)}
        css = "text-warning-emphasis" if remaining <= timedelta(hours=2) else "text-body"
    else:
        text = _("%(time)s overdue") % {"time": humanize_delta(remaining)}
        css = "text-danger fw-semibold"
    return format_html(
        '<span class="countdown {}" data-deadline="{}" data-label-future="{}" '
        'data-label-past="{}" data-unit-day="{}" data-unit-hour="{}" data-unit-minute="{}">'
        "{}</span>",
        css,
        deadline.isoformat(),
        _("in %(time)s"),
        _("%(time)s overdue"),
        _("d"),
        _("h"),
        _("min"),
        text,
    )


@register.filter
def duration(delta: timedelta | None) -> str:
    """A span of time as "2 d 3 h" / "5 h 12 min"; empty when unknown."""
    return humanize_delta(delta) if delta is not None else ""


@register.filter
def hours(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    total = delta.total_seconds() / 3600
    if total >= 48 and total % 24 == 0:
        days = int(total // 24)
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    n = int(total)
    return ngettext("%(n)s hour", "%(n)s hours", n) % {"n": n}


@register.filter(name="markdown")
def markdown_filter(text: str):
    from apps.core.markdown import render_markdown

    return render_markdown(text)


@register.filter(name="abs")
def absolute(value):
    try:
        return abs(value)
    except TypeError:
        return value


def moment_with_zone(value: datetime) -> str:
    """A moment in the reader's time zone, naming it: "12 Mar 2025, 10:00 (Asia/Shanghai)".

    E-mails carry this: a reader far from the status page's note on time zones
    must not have to guess whose 10:00 it is.
    """
    local = timezone.localtime(value)
    return pgettext("a moment and its time zone", "%(moment)s (%(zone)s)") % {
        "moment": date_format(local, "DATETIME_FORMAT"),
        "zone": timezone.get_current_timezone_name(),
    }


@register.filter
def with_zone(value: datetime | None) -> str:
    return moment_with_zone(value) if value else ""


@register.simple_tag
def zone_name() -> str:
    """The reader's time zone, as ``with_zone`` names it."""
    return timezone.get_current_timezone_name()


@register.simple_tag
def list_separator():
    """Between the items of a list: ", " in English, "、" in Chinese."""
    return pgettext("list separator", ", ")


@register.simple_tag
def colon():
    """The separator after a label: ": " in English, "：" (no space) in Chinese."""
    return pgettext("label separator", ": ")


@register.filter
def money(amount, currency: str = "CNY") -> str:
    """An amount in the project's currency, as the reader's language writes it."""
    from apps.core.money import format_money

    try:
        return format_money(amount, currency or "CNY")
    except (ValueError, ArithmeticError):
        return str(amount)


# --- texts in the reader's language -------------------------------------------------------


@register.simple_tag
def text(obj, name: str, element: str = "span", css: str = "", markdown: bool = False):
    """``obj``'s text ``name`` in the reader's language; the other one marked, with its ``lang``.

    ``{% text incident "summary" "p" "prewrap" %}`` gives ``<p class="prewrap">…</p>``; shown
    in the other language, it says so before the text ("Only in English") and carries
    ``lang="en"`` so that a screen reader pronounces it as English. Empty, it gives nothing.
    """
    from apps.core.markdown import render_markdown

    found = text_in(obj, name)
    if not found.value:
        return ""
    body = render_markdown(found.value) if markdown else found.value
    attrs = format_html(' class="{}"', css) if css else ""
    if not found.is_fallback:
        if element == "span" and not css:
            return format_html("{}", body)  # in the page's language: nothing to say
        return format_html("<{0}{1}>{2}</{0}>", element, attrs, body)
    mark = format_html('<span class="badge fallback-mark">{}</span>', fallback_mark(found.language))
    if element in ("span", "strong", "a"):
        return format_html(
            '<{0}{1} lang="{2}">{3}</{0}> {4}',
            element,
            attrs,
            lang_tag(found.language),
            body,
            mark,
        )
    return format_html(
        '<p class="fallback-note mb-1">{4}</p><{0}{1} lang="{2}">{3}</{0}>',
        element,
        attrs,
        lang_tag(found.language),
        body,
        mark,
    )


@register.filter
def plain_text(obj, name: str) -> str:
    """For the text part of an e-mail: the text in the reader's language, a fallback marked."""
    return marked(text_in(obj, name))
