"""The tone check on an update's texts, shaped for the pages that show it.

The check warns and never blocks: the update form's preview and the publish
confirmation show what it found, and the PM decides. It reads no database, so
showing findings costs a page no query.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.tone.engine import Finding, check, segments
from apps.tone.languages import EN, ZH

#: The language of each of an update's text columns.
UPDATE_TEXTS = (("body_en", EN), ("body_zh_hans", ZH))

#: A missing piece's headline, by the end of its rule id (``en.missing.apology``).
MISSING_TITLES = {
    "apology": _("No apology is made"),
    "next-update": _("No next update time is mentioned"),
}
MISSING_TITLE = _("Something the client needs is missing")


@dataclass(frozen=True)
class Note:
    """One finding as the PM reads it: numbered, explained in their language."""

    number: int
    anchor: str
    rule: str
    level: str
    text: str
    message: str
    suggestion: str

    @property
    def title(self) -> str:
        """For a missing piece: what is missing, in a few words."""
        return str(MISSING_TITLES.get(self.rule.rsplit(".", 1)[-1], MISSING_TITLE))


@dataclass(frozen=True)
class Piece:
    text: str
    #: The notes whose span covers this piece; empty for unmarked text.
    notes: tuple[Note, ...] = ()
    #: The notes whose span ends with this piece: their numbers follow the mark.
    ends: tuple[Note, ...] = ()


@dataclass
class ToneReading:
    """What the check found in one language's text."""

    language: str
    #: The ``lang`` attribute of the text's language.
    lang: str
    pieces: list[Piece] = field(default_factory=list)
    #: Findings in the text, in order, each with its number.
    notes: list[Note] = field(default_factory=list)
    #: Pieces the message lacks ("no next update time"): they point at no words.
    missing: list[Note] = field(default_factory=list)

    @property
    def has_findings(self) -> bool:
        return bool(self.notes or self.missing)


def message_kind(incident) -> str:
    """An update is the client's first notice until the first contact is recorded."""
    return "first_notice" if incident.first_contact_at is None else "update"


def tone_reading(
    text: str, *, language: str, kind: str, ui_language: str | None = None
) -> ToneReading:
    """The findings in ``text``, with the text cut into pieces for highlighting."""
    ui_language = ui_language or get_language() or EN
    prefix = f"tone-{language}"
    findings = check(text, language=language, kind=kind)
    spans = sorted((f for f in findings if not f.is_missing_piece), key=lambda f: f.start)
    notes: dict[Finding, Note] = {}
    for number, finding in enumerate(spans, start=1):
        notes[finding] = _note(finding, number, f"{prefix}-{number}", ui_language)
    missing = [
        _note(f, 0, f"{prefix}-missing-{i}", ui_language)
        for i, f in enumerate((f for f in findings if f.is_missing_piece), start=1)
    ]
    pieces = []
    position = 0
    for piece, covering in segments(text, findings):
        position += len(piece)
        pieces.append(
            Piece(
                text=piece,
                notes=tuple(notes[f] for f in covering),
                ends=tuple(notes[f] for f in covering if f.end == position),
            )
        )
    return ToneReading(
        language=language,
        lang="zh-Hans" if language == ZH else "en",
        pieces=pieces if notes else [],
        notes=list(notes.values()),
        missing=missing,
    )


def _note(finding: Finding, number: int, anchor: str, ui_language: str) -> Note:
    return Note(
        number=number,
        anchor=anchor,
        rule=finding.rule,
        level=finding.level,
        text=finding.text,
        message=finding.message_for(ui_language),
        suggestion=finding.suggestion,
    )


def update_tone(incident, texts, *, max_chars: int) -> list[ToneReading]:
    """The readings of an update's written texts that found something, English first.

    ``texts`` maps the update's columns (``body_en``, ``body_zh_hans``) to the
    texts; an empty one is not checked, nor one longer than ``max_chars`` (the
    form already says it is too long).
    """
    kind = message_kind(incident)
    readings = []
    for column, language in UPDATE_TEXTS:
        text = texts.get(column) or ""
        if not text.strip() or len(text) > max_chars:
            continue
        reading = tone_reading(text, language=language, kind=kind)
        if reading.has_findings:
            readings.append(reading)
    return readings
