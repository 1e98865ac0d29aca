"""The rules as a reader sees them: by language and category, filtered and searched.

Pure reads of the rule files (already held in memory by ``ruleset``); no database.
"""

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from .languages import EN, LANGUAGES, ZH
from .ruleset import Rule, categories, rules

LANGUAGE_LABELS = {EN: _("English"), ZH: _("Chinese")}

#: The categories in the order a reader meets them; a new rule file shows after these.
CATEGORY_LABELS = {
    "emotional": _("Emotional language"),
    "blame": _("Blame and defensiveness"),
    "minimising": _("Minimising"),
    "vague": _("Promises with no date"),
    "overpromise": _("Over-promising"),
    "passive": _("Evasive passive"),
    "missing": _("Missing pieces"),
}


def category_label(category: str):
    return CATEGORY_LABELS.get(category, category)


@cache
def _abouts(language: str) -> dict[str, dict[str, str]]:
    return categories(language)


def all_categories() -> tuple[str, ...]:
    """Every category of any language: the known ones first, in their order."""
    found = {c for language in LANGUAGES for c in _abouts(language)}
    known = [c for c in CATEGORY_LABELS if c in found]
    return tuple(known + sorted(found - set(known)))


@cache
def _haystacks(language: str) -> dict[str, str]:
    """What a search looks in, per rule: its id, explanations, suggestion and examples."""
    return {
        rule.id: "\n".join(
            [
                rule.id,
                *(text for _ui, text in rule.messages),
                rule.suggestion,
                *rule.flag_examples,
                *rule.pass_examples,
            ]
        ).casefold()
        for rule in rules(language)
    }


@dataclass(frozen=True)
class Entry:
    """A rule as the catalogue shows it: its explanation in the reader's language."""

    rule: Rule
    message: str
    switched_off: bool = False


@dataclass(frozen=True)
class Section:
    """The rules of one category in one language, with what the category is about."""

    language: str
    category: str
    about: str
    entries: tuple[Entry, ...]

    @property
    def language_label(self):
        return LANGUAGE_LABELS.get(self.language, self.language)

    @property
    def label(self):
        return category_label(self.category)


def catalogue(
    *,
    ui_language: str,
    language: str = "",
    category: str = "",
    query: str = "",
    switched_off: frozenset[str] = frozenset(),
) -> list[Section]:
    """The rules by language then category; empty filters keep everything.

    ``query`` matches, ignoring case, anywhere in a rule's id, explanations,
    suggestion or examples. Sections left with no rule are dropped;
    ``switched_off`` marks the rules a project switched off.
    """
    needle = query.strip().casefold()
    order = {c: i for i, c in enumerate(all_categories())}
    sections = []
    for lang in LANGUAGES:
        if language and lang != language:
            continue
        abouts = _abouts(lang)
        haystacks = _haystacks(lang)
        by_category: dict[str, list[Entry]] = {}
        for rule in rules(lang):
            if category and rule.category != category:
                continue
            if needle and needle not in haystacks[rule.id]:
                continue
            by_category.setdefault(rule.category, []).append(
                Entry(rule, rule.message_for(ui_language), rule.id in switched_off)
            )
        for cat in sorted(by_category, key=lambda c: order.get(c, len(order))):
            about = abouts.get(cat, {})
            sections.append(
                Section(
                    language=lang,
                    category=cat,
                    about=about.get(ui_language) or about.get(lang) or "",
                    entries=tuple(by_category[cat]),
                )
            )
    return sections


def rule_count(sections: list[Section]) -> int:
    return sum(len(s.entries) for s in sections)


def rule_choices(ui_language: str, *, switched_off: frozenset[str] = frozenset()):
    """The rules for a ``<select>``: grouped by language and category, id and a short why."""
    groups = []
    for section in catalogue(ui_language=ui_language):
        options = []
        for entry in section.entries:
            rule = entry.rule
            label = f"{rule.id} — {_short(entry.message)}"
            if rule.id in switched_off:
                label = f"{label} ({_('switched off')})"
            options.append((rule.id, label))
        groups.append((f"{section.language_label} · {section.label}", options))
    return groups


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
