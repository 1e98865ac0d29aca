"""Amounts with their currency, grouped as the reader's language writes them.

One convention per language, from the Unicode CLDR data (Babel): English as
written in Britain, where a bare "$" or "¥" would be ambiguous ("CN¥40,000.00",
"US$40,000.00", "€40,000.00"); Chinese as written in mainland China
("¥40,000.00", "US$40,000.00").
"""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_name
from django.utils.translation import get_language

#: The currencies a project can keep its figures in, by ISO 4217 code.
CURRENCIES = ("CNY", "USD", "EUR", "GBP", "HKD", "JPY", "SGD", "AUD", "CAD", "CHF")
#: The CLDR locale whose conventions each of Candor's languages follows.
LOCALES = {"en": "en_GB", "zh-hans": "zh_Hans_CN"}


def _locale(language: str | None = None) -> str:
    language = (language or get_language() or "en").lower()
    return LOCALES.get(language, LOCALES["zh-hans" if language.startswith("zh") else "en"])


def format_money(amount: Decimal | int | float | str | None, currency: str, language=None) -> str:
    """``CN¥180,000.00`` for an English reader, ``¥180,000.00`` for a Chinese one."""
    if amount is None or amount == "":
        return "—"
    return format_currency(Decimal(str(amount)), currency, locale=_locale(language))


def currency_choices(language: str | None = None) -> list[tuple[str, str]]:
    """("CNY", "CNY — Chinese Yuan"), … in the reader's language."""
    locale = _locale(language)
    return [(code, f"{code} — {get_currency_name(code, locale=locale)}") for code in CURRENCIES]
