"""The languages and message kinds the tone check knows."""

from django.utils.translation import gettext_lazy as _

#: Canonical language codes, as in settings.LANGUAGES.
EN = "en"
ZH = "zh-hans"
LANGUAGES = (EN, ZH)

_ALIASES = {
    "en": EN,
    "en-us": EN,
    "en-gb": EN,
    "english": EN,
    "zh": ZH,
    "zh-hans": ZH,
    "zh-cn": ZH,
    "zh-sg": ZH,
    "chinese": ZH,
}

#: What a message is for. The kind decides which missing pieces are looked for.
KINDS = {
    "first_notice": _("First notice"),
    "update": _("Status update"),
    "decision": _("Decision"),
    "retrospective": _("Retrospective report"),
    "log_entry": _("Log entry"),
    "apology": _("Apology"),
}


def normalise_language(language: str) -> str:
    """'zh_Hans', 'zh-CN', 'ZH-HANS' → 'zh-hans'; 'en-GB' → 'en'. ValueError otherwise."""
    key = (language or "").strip().lower().replace("_", "-")
    try:
        return _ALIASES[key]
    except KeyError:
        raise ValueError(
            f"unknown language {language!r}; choose from {', '.join(LANGUAGES)}"
        ) from None


def check_kind(kind: str | None) -> str | None:
    if kind is None or kind == "":
        return None
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    return kind
