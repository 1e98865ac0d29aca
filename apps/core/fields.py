"""Form fields shared by several apps."""

from datetime import UTC

from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .timezones import COMMON_TIME_ZONES, time_zone_choices

#: What a browser's ``<input type="datetime-local">`` sends and expects.
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

#: The viewer's time zone, looked up when a page is rendered (not at import).
current_time_zone_name = lazy(timezone.get_current_timezone_name, str)


def in_your_time_zone(text=None):
    """A help text that names the zone the input is read in, e.g. "Asia/Shanghai"."""
    return format_lazy(
        text or _("In your time zone ({time_zone})."), time_zone=current_time_zone_name()
    )


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input, read and shown in the viewer's time zone.

    The middleware activates the user's time zone, and Django interprets a
    naive input in the active one; a time that does not exist or is ambiguous
    there (a DST change) is reported, not guessed. The year is bounded so that
    no arithmetic on the value (an end time, a conversion to UTC) can overflow.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    input_formats = [
        DATETIME_LOCAL_FORMAT,
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    default_error_messages = {
        "invalid": _("Enter a date and a time, for example 2025-03-10 14:30."),
        "out_of_range": _("Enter a date between the years %(min)s and %(max)s."),
    }
    min_year = 2000
    max_year = 2100

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                in_range = self.min_year <= value.astimezone(UTC).year <= self.max_year
            except (OverflowError, ValueError):
                in_range = False
            if not in_range:
                raise forms.ValidationError(
                    self.error_messages["out_of_range"],
                    code="out_of_range",
                    params={"min": self.min_year, "max": self.max_year},
                )
        return value


#: The largest primary key a database column holds; a larger "id" is no choice.
MAX_PK = 2**63 - 1


class IdChoiceField(forms.ModelChoiceField):
    """A choice among rows by id that reports an implausible id as a wrong choice.

    SQLite cannot even bind an integer wider than 64 bits, so such a value
    must not reach the database.
    """

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                number = int(str(value).strip())
            except ValueError:
                number = 0
            if not 0 < number <= MAX_PK:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super().to_python(value)


class TimeZoneField(forms.ChoiceField):
    """A time zone: the common ones first, then every zone the system knows."""

    def __init__(self, **kwargs):
        common = [(name, name.replace("_", " ")) for name in COMMON_TIME_ZONES]
        kwargs.setdefault(
            "choices",
            [(_("Common"), common), (_("All time zones"), time_zone_choices())],
        )
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(**kwargs)


#: Generous limits that still keep a page (and an e-mail) readable.
MAX_TEXT_CHARS = 10_000

TOO_LONG = {
    "max_length": _(
        "Keep it to %(limit_value)s characters (it has %(show_value)s): "
        "link to a document for the rest."
    )
}


def text_field(label, *, required: bool = False, rows: int = 3, **kwargs) -> forms.CharField:
    """A multi-line text of at most ``MAX_TEXT_CHARS`` that says so when it is longer."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=TOO_LONG | kwargs.pop("error_messages", {}),
        **kwargs,
    )


#: Amounts as the database stores them: 14 digits, 2 after the point.
AMOUNT = {"max_digits": 14, "decimal_places": 2}
AMOUNT_ERRORS = {
    "invalid": _("Enter an amount, for example 1200.50."),
    "max_digits": _("Enter an amount below one trillion."),
    "max_whole_digits": _("Enter an amount below one trillion."),
    "max_decimal_places": _("Enter at most 2 digits after the decimal point."),
}

#: Renders the choices and, always, the errors (also with nobody to choose).
CHECKBOXES_TEMPLATE = "core/_checkboxes.html"


class CheckboxesField(forms.ModelMultipleChoiceField):
    """Rows to tick by id; an implausible id is a wrong choice, not a database error."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def _check_values(self, value):
        # SQLite cannot even bind an integer wider than 64 bits.
        for pk in value:
            try:
                number = int(str(pk).strip())
            except ValueError:
                number = 0
            if not 0 < number <= MAX_PK:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super()._check_values(value)


def bilingual_row(name: str, **column_kwargs):
    """The English and the Chinese of one text side by side (stacked on a phone)."""
    from crispy_forms.layout import Column, Row

    from .bilingual import column

    css = column_kwargs.pop("css_class", "col-lg-6")
    return Row(
        Column(column(name, "en"), css_class=css),
        Column(column(name, "zh-hans"), css_class=css),
    )


def mark_languages(form: forms.Form) -> None:
    """Say on each text input which language it takes, for spell checkers and screen readers."""
    for name, form_field in form.fields.items():
        if name.endswith("_zh_hans"):
            form_field.widget.attrs.setdefault("lang", "zh-Hans")
        elif name.endswith("_en"):
            form_field.widget.attrs.setdefault("lang", "en")


def _labelled_pair(make, label) -> tuple[forms.Field, forms.Field]:
    from .bilingual import LANGUAGE_NAMES, LANGUAGES

    fields = []
    for language in LANGUAGES:
        form_field = make()
        form_field.label = format_lazy(
            pgettext_lazy("a field in a language", "{field} ({language})"),
            field=label,
            language=LANGUAGE_NAMES[language],
        )
        form_field.widget.attrs["lang"] = "zh-Hans" if language == "zh-hans" else "en"
        fields.append(form_field)
    return tuple(fields)


def line_pair(label, *, max_length: int = 200, **kwargs) -> tuple[forms.Field, forms.Field]:
    """A one-line text in English and in Chinese: ``title_en, title_zh_hans = line_pair(…)``."""
    return _labelled_pair(
        lambda: forms.CharField(required=False, max_length=max_length, **kwargs), label
    )


def text_pair(label, *, rows: int = 3, **kwargs) -> tuple[forms.Field, forms.Field]:
    """A multi-line text in English and in Chinese, each of at most ``MAX_TEXT_CHARS``."""
    return _labelled_pair(lambda: text_field(label, rows=rows, **kwargs), label)


def require_one_language(form: forms.Form, name: str, message) -> str:
    """Unless the text ``name`` is there in a language at least, say so on its English field."""
    from .bilingual import column

    cleaned = form.cleaned_data
    values = [(cleaned.get(column(name, lang)) or "").strip() for lang in ("en", "zh-hans")]
    for lang, value in zip(("en", "zh-hans"), values, strict=True):
        if column(name, lang) in cleaned:
            cleaned[column(name, lang)] = value
    if not any(values):
        form.add_error(column(name, "en"), message)
    return " ".join(values)


#: Above the texts of a form: why there are two of each.
BILINGUAL_HELP = _(
    "Write each text in English and in Chinese: each client contact reads their own "
    "language. A text in one language only is shown to everyone, marked as such."
)


def bilingual_help():
    from crispy_forms.layout import HTML
    from django.utils.html import format_html

    return HTML(format_html('<p class="small text-body-secondary">{}</p>', BILINGUAL_HELP))


#: Shown (with the list of readers) when a text is missing in a language someone reads.
NOT_IN_EVERY_LANGUAGE = _(
    "Some readers will get a text in the other language: add the missing texts, or tick "
    "“Send anyway”."
)


def send_anyway_field() -> forms.BooleanField:
    """The box that sends texts some readers get in the other language (``check_readers``)."""
    return forms.BooleanField(
        label=_("Send anyway"),
        required=False,
        help_text=_("Send it as it is: they will get the text in the other language."),
    )


def check_readers(form: forms.Form, readers, texts, names, labels=None) -> None:
    """Unless ``send_anyway`` is ticked, refuse texts a reader would get in the other language.

    Sets ``form.readings`` (``apps.core.bilingual.readings``), which
    ``readers_warning()`` shows above the submit button, with the box.
    """
    from .bilingual import readings

    form.readings = readings(readers, texts, names, labels)
    # The box answers the form's question, not the service's: it leaves the data here.
    send_anyway = form.cleaned_data.pop("send_anyway", False)
    if form.readings.fallbacks and not send_anyway:
        form.add_error("send_anyway", NOT_IN_EVERY_LANGUAGE)


def readers_warning():
    """The readers who would get another language, and the "Send anyway" box, when there are any."""
    from crispy_forms.layout import HTML

    return HTML(
        "{% load crispy_forms_filters %}{% if form.readings.fallbacks %}"
        '<div class="mt-3">{% include "core/_readings.html" with readings=form.readings %}'
        '<div class="mt-2">{{ form.send_anyway|as_crispy_field }}</div></div>{% endif %}'
    )


class SecondarySubmit(Submit):
    """A submit button in outline: crispy's ``Submit`` is always ``btn-primary``, whose
    blue background would stay behind an outline button's grey text."""

    field_classes = "btn btn-outline-secondary"


def check_wording_button() -> SecondarySubmit:
    """The button that shows the tone check's findings in what was typed, nothing saved.

    With JavaScript the findings follow the typing; this is the same without it.
    """
    return SecondarySubmit(
        "tone_check", _("Check the wording"), css_class="ms-2", formnovalidate="formnovalidate"
    )
