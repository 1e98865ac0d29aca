"""Markdown rendered to safe HTML: no scripts, no event handlers, no styles."""

from html.parser import HTMLParser

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render_markdown(text: str) -> SafeString:
    html = md.markdown(
        text or "", extensions=["extra", "sane_lists", "nl2br"], output_format="html"
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


class _PlainText(HTMLParser):
    """The sanitised HTML of a Markdown text, back to plain text a person reads.

    Paragraphs and headings are separated by blank lines, list items start with
    "- " (or their number), a link keeps its address in brackets, emphasis and
    code lose their markup.
    """

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter] per open list
        self.href: str | None = None
        self.link_text: list[str] = []
        self.pre = False

    def _newline(self, blank: bool = False) -> None:
        text = "".join(self.out).rstrip(" ")
        self.out = [text]
        if not text:
            return
        want = "\n\n" if blank else "\n"
        if not text.endswith(want):
            self.out.append("\n" if text.endswith("\n") else want)

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._newline(blank=not self.lists)
        if tag == "pre":
            self.pre = True
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            self._newline()
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            indent = "  " * (len(self.lists) - 1)
            self.out.append(f"{indent}{kind[1]}. " if kind[0] == "ol" else f"{indent}- ")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "hr":
            self._newline(blank=True)
            self.out.append("---")
            self._newline(blank=True)
        elif tag == "tr":
            self._newline()
        elif tag in ("td", "th") and not "".join(self.out).endswith("\n"):
            self.out = ["".join(self.out).rstrip(" "), " | "]
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag):
        if tag == "pre":
            self.pre = False
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in self.BLOCKS:
            self._newline(blank=True)
        elif tag == "a":
            text = "".join(self.link_text).strip()
            if self.href and self.href not in (text, f"mailto:{text}"):
                self.out.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data):
        if not self.pre:
            data = " ".join(data.split("\n"))
            if "".join(self.out[-1:]).endswith("\n") or not self.out:
                data = data.lstrip()
        if self.href is not None:
            self.link_text.append(data)
        self.out.append(data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.out).splitlines()]
        text = "\n".join(lines)
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.strip()


def render_text(text: str) -> str:
    """Markdown as the plain-text part of an e-mail shows it: no ``**``, no ``#``."""
    parser = _PlainText()
    parser.feed(str(render_markdown(text)))
    parser.close()
    return parser.text()
