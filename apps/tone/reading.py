"""The tone check's findings shaped for a page: numbered, explained, the text cut for marking.

The engine finds; this module reads a project's switched-off rules and an
incident's dismissals (``selectors``) and arranges what is left for the
templates ``tone/_findings.html``. It warns and never blocks.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .engine import Finding, check, segments
from .languages import EN, ZH
from .models import Dismissal
from .selectors import disabled_rules, incident_dismissals

#: A missing piece's headline, by the end of its rule id (``en.missing.apology``).
MISSING_TITLES = {
    "apology": _("No apology is made"),
    "next-update": _("No next update time is mentioned"),
}
MISSING_TITLE = _("Something the client needs is missing")
#: What separates the parts of a finding's key in a form (never in a rule id or language).
KEY_SEPARATOR = "|"


@dataclass(frozen=True)
class Note:
    """One finding as the PM reads it: numbered, explained in their language."""

    number: int
    anchor: str
    rule: str
    category: str
    level: str
    language: str
    text: str
    message: str
    suggestion: str
    #: Who judged it fine in this incident, and why; None while it stands.
    dismissal: Dismissal | None = None

    @property
    def title(self) -> str:
        """For a missing piece: what is missing, in a few words."""
        return str(MISSING_TITLES.get(self.rule.rsplit(".", 1)[-1], MISSING_TITLE))

    @property
    def is_missing_piece(self) -> bool:
        return not self.text

    @property
    def key(self) -> str:
        """The finding in a form's field: ``language|rule|words`` (the words last)."""
        return KEY_SEPARATOR.join((self.language, self.rule, self.text))


@dataclass(frozen=True)
class Piece:
    text: str
    #: The notes whose span covers this piece; empty for unmarked text.
    notes: tuple[Note, ...] = ()
    #: The notes whose span ends with this piece: their numbers follow the mark.
    ends: tuple[Note, ...] = ()


@dataclass
class ToneReading:
    """What the check found in one text, in one language."""

    language: str
    #: The ``lang`` attribute of the text's language.
    lang: str
    #: What the text is, for the heading ("English", "Apology — Chinese").
    label: str = ""
    pieces: list[Piece] = field(default_factory=list)
    #: Findings in the text that stand, in order, each with its number.
    notes: list[Note] = field(default_factory=list)
    #: Pieces the message lacks ("no next update time"): they point at no words.
    missing: list[Note] = field(default_factory=list)
    #: Findings a PM dismissed in this incident, with who and why.
    dismissed: list[Note] = field(default_factory=list)

    @property
    def has_findings(self) -> bool:
        """Something still stands (dismissed findings alone do not count)."""
        return bool(self.notes or self.missing)

    @property
    def shows_anything(self) -> bool:
        return bool(self.notes or self.missing or self.dismissed)


def language_label(language: str) -> str:
    return str(_("English")) if language == EN else str(_("中文 (Chinese)"))


def tone_reading(
    text: str,
    *,
    language: str,
    kind: str | None,
    ui_language: str | None = None,
    disabled: frozenset[str] = frozenset(),
    dismissed: Mapping[tuple[str, str, str], Dismissal] | None = None,
    prefix: str | None = None,
    label: str = "",
) -> ToneReading:
    """The findings in ``text``, with the text cut into pieces for marking.

    ``disabled`` are rule ids the project switched off; ``dismissed`` the
    incident's dismissals by (language, rule, words); ``prefix`` makes the
    anchors unique when a page shows several texts.
    """
    ui_language = ui_language or get_language() or EN
    prefix = prefix or f"tone-{language}"
    dismissed = dismissed or {}
    findings = check(text, language=language, kind=kind, disabled_rules=disabled)
    standing: list[Finding] = []
    set_aside: list[Note] = []
    for finding in findings:
        dismissal = dismissed.get((language, finding.rule, finding.text))
        if dismissal is None:
            standing.append(finding)
        else:
            set_aside.append(
                _note(
                    finding,
                    language,
                    0,
                    f"{prefix}-dismissed-{len(set_aside) + 1}",
                    ui_language,
                    dismissal,
                )
            )
    spans = sorted((f for f in standing if not f.is_missing_piece), key=lambda f: f.start)
    notes: dict[Finding, Note] = {}
    for number, finding in enumerate(spans, start=1):
        notes[finding] = _note(finding, language, number, f"{prefix}-{number}", ui_language)
    missing = [
        _note(f, language, 0, f"{prefix}-missing-{i}", ui_language)
        for i, f in enumerate((f for f in standing if f.is_missing_piece), start=1)
    ]
    pieces = []
    if notes:
        position = 0
        for piece, covering in segments(text, spans):
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
        label=label or language_label(language),
        pieces=pieces,
        notes=list(notes.values()),
        missing=missing,
        dismissed=set_aside,
    )


def _note(
    finding: Finding,
    language: str,
    number: int,
    anchor: str,
    ui_language: str,
    dismissal: Dismissal | None = None,
) -> Note:
    return Note(
        number=number,
        anchor=anchor,
        rule=finding.rule,
        category=finding.category,
        level=finding.level,
        language=language,
        text=finding.text,
        message=finding.message_for(ui_language),
        suggestion=finding.suggestion,
        dismissal=dismissal,
    )


@dataclass(frozen=True)
class Text:
    """One text a page checks: its form field, language, kind and heading."""

    column: str
    language: str
    text: str
    kind: str | None = None
    label: str = ""


def any_written(texts: Iterable[Text]) -> bool:
    """Whether any of the texts has words in it (an empty form is not "checked")."""
    return any((t.text or "").strip() for t in texts)


def tone_readings(
    texts: Iterable[Text],
    *,
    incident=None,
    project=None,
    max_chars: int | None = None,
    keep_empty: bool = False,
) -> list[ToneReading]:
    """The readings of a page's texts that found something, in the order given.

    With an ``incident``, its project's switched-off rules and its dismissals
    apply (two queries); with only a ``project``, its switched-off rules. An
    empty text is not checked, nor one longer than ``max_chars`` (its form
    already says it is too long).
    """
    texts = [t for t in texts if (t.text or "").strip()]
    if max_chars is not None:
        texts = [t for t in texts if len(t.text) <= max_chars]
    if not texts:
        return []
    if incident is not None:
        project = incident.project_id
    disabled = disabled_rules(project) if project is not None else frozenset()
    dismissed = incident_dismissals(incident) if incident is not None else {}
    readings = []
    for text in texts:
        reading = tone_reading(
            text.text,
            language=text.language,
            kind=text.kind,
            disabled=disabled,
            dismissed=dismissed,
            prefix=f"tone-{text.column}".replace("_", "-"),
            label=text.label,
        )
        if reading.shows_anything or keep_empty:
            readings.append(reading)
    return readings


def parse_key(key: str) -> tuple[str, str, str] | None:
    """``language|rule|words`` back into its parts; None when it is not one."""
    parts = (key or "").split(KEY_SEPARATOR, 2)
    if len(parts) != 3 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1], parts[2]
