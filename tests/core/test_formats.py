"""Amounts carry their currency and dates read the same to every reader, in both languages."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from apps.core.money import currency_choices, format_money

MOMENT = datetime(2025, 3, 10, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "CNY", "CN¥40,000.00"),
        ("en", "USD", "US$40,000.00"),  # not "$": a Hong Kong or Singapore reader would ask which
        ("en", "EUR", "€40,000.00"),
        ("en", "JPY", "JP¥40,000"),  # yen have no cents
        ("zh-hans", "CNY", "¥40,000.00"),
        ("zh-hans", "USD", "US$40,000.00"),
        ("zh-hans", "EUR", "€40,000.00"),
    ],
)
def test_an_amount_is_written_with_its_currency_as_the_reader_writes_it(
    language, currency, expected
):
    assert format_money(Decimal("40000"), currency, language) == expected


def test_no_amount_is_a_dash_not_zero():
    assert format_money(None, "CNY", "en") == "—"


def test_the_template_filter_follows_the_active_language():
    template = Template("{% load candor %}{{ amount|money:'CNY' }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"amount": Decimal("180000")})) == "¥180,000.00"
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("180000")})) == "CN¥180,000.00"


def test_currencies_are_named_in_the_readers_language():
    with translation.override("zh-hans"):
        assert ("CNY", "CNY — 人民币") in currency_choices()
    with translation.override("en"):
        assert ("USD", "USD — US Dollar") in currency_choices()


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en", "DATETIME_FORMAT", "10 Mar 2025, 14:30"),
        ("en", "SHORT_DATETIME_FORMAT", "10 Mar 2025, 14:30"),
        ("en", "DATE_FORMAT", "10 Mar 2025"),
        ("en", "SHORT_DATE_FORMAT", "10 Mar 2025"),  # never 03/10/2025
        ("zh-hans", "DATETIME_FORMAT", "2025年3月10日 14:30"),
        ("zh-hans", "SHORT_DATE_FORMAT", "2025年3月10日"),
    ],
)
def test_dates_name_the_month_and_times_use_24_hours(language, name, expected):
    with translation.override(language), timezone.override("UTC"):
        assert formats.date_format(timezone.localtime(MOMENT), name) == expected


def test_a_time_before_a_full_stop_prints_one_full_stop():
    template = Template(
        "{% load i18n %}{% blocktranslate with when=moment|date:'DATETIME_FORMAT' %}"
        "Our next update will reach you by {{ when }}.{% endblocktranslate %}"
    )
    with translation.override("en"), timezone.override("UTC"):
        text = template.render(Context({"moment": MOMENT.replace(hour=2, minute=22)}))

    assert text == "Our next update will reach you by 10 Mar 2025, 02:22."


def test_an_emailed_time_names_its_time_zone_in_both_languages():
    template = Template("{% load candor %}{{ moment|with_zone }}")
    with translation.override("en"), timezone.override("Europe/London"):
        assert template.render(Context({"moment": MOMENT})) == "10 Mar 2025, 14:30 (Europe/London)"
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        assert (
            template.render(Context({"moment": MOMENT})) == "2025年3月10日 22:30（Asia/Shanghai）"
        )


def test_an_ambiguous_american_date_is_not_accepted_as_input():
    from django import forms

    field = forms.DateField()
    with translation.override("en"):
        with pytest.raises(forms.ValidationError):
            field.clean("03/10/2025")
        assert field.clean("2025-03-10").isoformat() == "2025-03-10"
