"""Texts the client reads, kept in English and in Chinese in the same row.

A client-visible text ``title`` is two columns, ``title_en`` and
``title_zh_hans`` (the suffixes of Django's language codes, as the status
updates' ``body_en`` / ``body_zh_hans`` always were). ``title = Bilingual()``
on the model reads it in the active language, falling back to the other one;
``text_in`` also says whether it fell back, so that a page can mark it
("Only in English") with the right ``lang``. Why explicit columns rather than
a translation library: ``docs/decisions/0010-bilingual-texts-in-explicit-columns.md``.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext, pgettext_lazy

#: Candor's two languages, by Django code, and the column suffix of each.
LANGUAGES = ("en", "zh-hans")
SUFFIXES = {"en": "en", "zh-hans": "zh_hans"}
#: Han characters, the sign that a text is Chinese.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

LANGUAGE_NAMES = {
    "en": pgettext_lazy("the language of a text", "English"),
    "zh-hans": pgettext_lazy("the language of a text", "Chinese"),
}


def normalise(language: str | None) -> str:
    """``"zh-hans"`` for any Chinese, ``"en"`` otherwise."""
    return "zh-hans" if (language or "").lower().startswith("zh") else "en"


def other(language: str) -> str:
    return "en" if normalise(language) == "zh-hans" else "zh-hans"


def lang_tag(language: str) -> str:
    """The ``lang`` attribute (BCP 47) of a Candor language: ``zh-Hans`` or ``en``."""
    return "zh-Hans" if normalise(language) == "zh-hans" else "en"


def fallback_mark(language: str) -> str:
    """What a reader is told, in their language, when a text is shown in ``language`` instead."""
    if normalise(language) == "zh-hans":
        return pgettext("a text shown in the other language", "Only in Chinese")
    return pgettext("a text shown in the other language", "Only in English")


def marked(text: "Text") -> str:
    """A line of text for a subject or a feed title, saying so when it is in the other language."""
    if not text.is_fallback:
        return text.value
    return pgettext("a text and the language it is only in", "%(text)s (%(mark)s)") % {
        "text": text.value,
        "mark": fallback_mark(text.language),
    }


def column(name: str, language: str) -> str:
    """``column("title", "zh-hans") == "title_zh_hans"``."""
    return f"{name}_{SUFFIXES[normalise(language)]}"


def columns(*names: str) -> tuple[str, ...]:
    """Every column of these texts, English first: ``title_en, title_zh_hans, …``."""
    return tuple(column(name, language) for name in names for language in LANGUAGES)


def pair(field_class, verbose_name, **kwargs) -> tuple[models.Field, models.Field]:
    """The two columns of one text: ``title_en, title_zh_hans = pair(models.CharField, …)``."""
    return tuple(
        field_class(
            format_lazy(
                pgettext_lazy("a field in a language", "{field} ({language})"),
                field=verbose_name,
                language=LANGUAGE_NAMES[language],
            ),
            **kwargs,
        )
        for language in LANGUAGES
    )


def guess_language(text: str) -> str:
    """The language a single-language text is most likely in (for migrating old rows)."""
    return "zh-hans" if HAN.search(text or "") else "en"


@dataclass(frozen=True)
class Text:
    """A text as a reader gets it: its words, their language, and whether it fell back."""

    value: str
    language: str
    wanted: str

    @property
    def is_fallback(self) -> bool:
        return bool(self.value) and self.language != self.wanted

    @property
    def missing(self) -> bool:
        return not self.value

    def __str__(self) -> str:
        return self.value


def text_in(obj, name: str, language: str | None = None) -> Text:
    """``obj``'s text ``name`` in ``language`` (the active one), else in the other one."""
    wanted = normalise(language or get_language())
    value = (getattr(obj, column(name, wanted)) or "").strip()
    if value:
        return Text(value, wanted, wanted)
    fallback = (getattr(obj, column(name, other(wanted))) or "").strip()
    return Text(fallback, other(wanted) if fallback else wanted, wanted)


def missing_languages(obj, name: str, languages) -> list[str]:
    """Of ``languages``, those in which ``obj`` has no ``name`` (while it has one in another)."""
    present = [lang for lang in LANGUAGES if (getattr(obj, column(name, lang)) or "").strip()]
    if not present:
        return []
    return [
        lang
        for lang in LANGUAGES
        if lang in {normalise(x) for x in languages} and lang not in present
    ]


def _words(texts, name: str, language: str) -> str:
    """One text in one language, from a model instance or from a form's data (by column)."""
    key = column(name, language)
    value = texts.get(key) if isinstance(texts, dict) else getattr(texts, key)
    return (value or "").strip()


def language_gaps(texts, names, languages) -> dict[str, list[str]]:
    """Which of the texts ``names`` lack which of ``languages``: ``{"zh-hans": ["title"]}``.

    A text lacks a language when it is written in the other one only; a text
    written in neither lacks none (it is not there at all, which is another
    question). ``texts`` is a model instance or a form's cleaned data. The
    languages come in Candor's order, the names in the order given.
    """
    wanted = {normalise(language) for language in languages}
    gaps = {}
    for language in LANGUAGES:
        if language not in wanted:
            continue
        lacking = [
            name
            for name in names
            if not _words(texts, name, language) and _words(texts, name, other(language))
        ]
        if lacking:
            gaps[language] = lacking
    return gaps


@dataclass(frozen=True)
class Reading:
    """What one reader (a client contact) gets of some texts, and in which language."""

    reader: object
    #: The language the reader reads.
    wanted: str
    #: The texts not written in ``wanted``: the reader gets them in the other language.
    missing: tuple[str, ...] = ()
    #: The labels of ``missing``, when the caller named them.
    missing_labels: tuple = ()

    @property
    def is_fallback(self) -> bool:
        return bool(self.missing)

    @property
    def language(self) -> str:
        """The language the reader gets (of the missing texts, when some are)."""
        return other(self.wanted) if self.missing else self.wanted

    @property
    def wanted_name(self):
        return LANGUAGE_NAMES[self.wanted]

    @property
    def language_name(self):
        return LANGUAGE_NAMES[self.language]


class Readings(list):
    """Readings in their readers' order; a page warns about the fallbacks."""

    @property
    def direct(self) -> list[Reading]:
        return [reading for reading in self if not reading.is_fallback]

    @property
    def fallbacks(self) -> list[Reading]:
        return [reading for reading in self if reading.is_fallback]


def readings(readers, texts, names, labels: dict | None = None) -> Readings:
    """For each reader (anything with a ``language``), what they get of the texts ``names``.

    ``texts`` is a model instance or a form's cleaned data (by column);
    ``labels`` names the texts for the reader's list (``{"title": _("title")}``).
    """
    result = Readings()
    for reader in readers:
        wanted = normalise(reader.language)
        missing = tuple(language_gaps(texts, names, [wanted]).get(wanted, ()))
        result.append(
            Reading(
                reader,
                wanted,
                missing,
                tuple(labels[name] for name in missing) if labels else (),
            )
        )
    return result


class Bilingual:
    """Read-only: the text in the active language, else the other one (``str`` of ``text_in``).

    Writes go to the columns (``title_en`` / ``title_zh_hans``) through the services.
    """

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return text_in(obj, self.name).value

    def __set__(self, obj, value):
        raise AttributeError(
            f"{self.name} is read in the reader's language: write {self.name}_en or "
            f"{self.name}_zh_hans"
        )


def split_languages(text: str) -> dict[str, str]:
    """A single-language text as its two columns, for migrating rows written before.

    "调度引擎性能瓶颈 / Dispatch engine bottleneck" — Chinese, a slash, English —
    is split; any other text goes whole to the language it is written in.
    """
    text = (text or "").strip()
    if not text:
        return {"en": "", "zh-hans": ""}
    left, sep, right = text.partition(" / ")
    if sep and HAN.search(left) and not HAN.search(right):
        return {"en": right.strip(), "zh-hans": left.strip()}
    if sep and HAN.search(right) and not HAN.search(left):
        return {"en": left.strip(), "zh-hans": right.strip()}
    language = guess_language(text)
    return {"en": text if language == "en" else "", "zh-hans": text if language != "en" else ""}


def migrate_into_languages(app_label: str, model_name: str, names: tuple[str, ...]):
    """A data migration's forward step: each old column ``name`` into ``name_en`` / ``_zh_hans``."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        db = schema_editor.connection.alias
        for row in model.objects.using(db).only("pk", *names).iterator():
            values = {}
            for name in names:
                split = split_languages(getattr(row, name))
                values[column(name, "en")] = split["en"]
                values[column(name, "zh-hans")] = split["zh-hans"]
            model.objects.using(db).filter(pk=row.pk).update(**values)

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        db = schema_editor.connection.alias
        for row in model.objects.using(db).iterator():
            values = {}
            for name in names:
                en, zh = getattr(row, column(name, "en")), getattr(row, column(name, "zh-hans"))
                values[name] = f"{zh} / {en}" if en and zh else (en or zh)
            model.objects.using(db).filter(pk=row.pk).update(**values)

    return forward, backward


def take_texts(given: dict, *names: str) -> dict[str, str]:
    """The columns of these texts from a service's keyword arguments, trimmed.

    Anything else left in ``given`` is a programming error (``TypeError``).
    """
    allowed = set(columns(*names))
    unknown = set(given) - allowed
    if unknown:
        raise TypeError(f"Unknown texts: {sorted(unknown)}")
    return {name: (value or "").strip() for name, value in given.items()}
