"""The catalogue's rules, each rendered once per interface language and kept.

A rule's explanation, suggestion and examples never change while the process
runs (the rule files are read once); three hundred of them through the
template engine on every request would make the page slow.
"""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from ..ruleset import rule_by_id

register = template.Library()


@lru_cache(maxsize=4096)
def _body(rule_id: str, ui_language: str, message: str) -> SafeString:
    with translation.override(ui_language):
        return render_to_string(
            "tone/_rule_body.html", {"rule": rule_by_id(rule_id), "message": message}
        )


@register.simple_tag
def rule_body(entry, ui_language: str) -> SafeString:
    """The rule's explanation, suggestion and example sentences, as escaped HTML."""
    return _body(entry.rule.id, ui_language, entry.message)
