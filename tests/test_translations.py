"""The interface and the e-mails are complete in Simplified Chinese.

What this guards, in the order a forgotten translation would be caught:

* every string marked for translation in the code and templates is in the
  catalogue (the test extracts them itself with Django's ``makemessages`` into a
  temporary copy, so it does not depend on anyone having run ``make messages``);
* every entry of ``locale/zh_Hans/LC_MESSAGES/django.po`` is translated and none
  is fuzzy;
* every placeholder, HTML tag and Markdown mark of a msgid survives in its
  translation;
* the committed ``django.mo`` files are exactly what their ``.po`` compile to;
* with Chinese active, the key pages really render Chinese.

When one of these fails, its message names the msgids and says what to run.
Extracting and compiling need GNU gettext (``apt-get install gettext``).
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.incidents import services as incidents
from apps.outbox.models import OutgoingEmail

from .factories import ClientContactFactory
from .statuspage.support import make_link, page_url, publish

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = {
    "zh_Hans": LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po",
    "en": LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po",
}
ZH_PO = CATALOGUES["zh_Hans"]

#: Directories ``makemessages`` must not look into: the Makefile's ``messages``
#: target uses the same list.
IGNORED = [
    ".venv",
    "static",
    "staticfiles",
    "var",
    "tests",
    "bench",
    "node_modules",
    "test-artifacts",
    "*.egg-info",
]
MAKEMESSAGES = "python manage.py makemessages -l zh_Hans -l en --no-obsolete " + " ".join(
    f"--ignore={pattern}" for pattern in IGNORED
)
COMPILEMESSAGES = "python manage.py compilemessages --ignore=.venv"
HOW_TO_FIX = (
    f"To fix: run `make messages` (or `{MAKEMESSAGES}`), translate the new entries in "
    "locale/zh_Hans/LC_MESSAGES/django.po (its glossary is at the top; English needs no "
    "msgstr), delete the `#, fuzzy` line of each entry you checked, then run "
    f"`{COMPILEMESSAGES}` (or `make messages` again) and commit the .po and .mo files."
)


# --- a tiny .po reader --------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]

    def describe(self) -> str:
        where = self.references[0] if self.references else f"line {self.line}"
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"  {self.msgid!r}{context}  [{where}]"


def _unquote(text: str) -> str:
    # A PO string is a C string in double quotes: the same escapes as a Python literal.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ``#~`` entries are left out), header first."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish():
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: a string continues nothing"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and started and target[0] == "msgstr":
                finish()  # no blank line between two entries
            if not started:
                entry.line = number
                started = True
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
                entry.msgstr[target[1]] = _unquote(value)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = _unquote(value)
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                target = (keyword, None)
                setattr(entry, keyword, _unquote(value))
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def header_of(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    fields = {}
    for line in header.msgstr[0].splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def messages(entries: list[Entry]) -> list[Entry]:
    """The entries without the header."""
    return [e for e in entries if not (e.msgid == "" and e.msgctxt is None)]


def _listing(entries: list[Entry], limit: int = 40) -> str:
    lines = [e.describe() for e in entries[:limit]]
    if len(entries) > limit:
        lines.append(f"  … and {len(entries) - limit} more")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def zh_entries() -> list[Entry]:
    assert ZH_PO.exists(), f"{ZH_PO} is missing. {HOW_TO_FIX}"
    return parse_po(ZH_PO)


# --- (a) complete: nothing untranslated, nothing fuzzy ---------------------------------------


def test_the_chinese_catalogue_declares_one_plural_form_and_is_not_fuzzy(zh_entries):
    header = next(e for e in zh_entries if e.msgid == "")
    assert "fuzzy" not in header.flags, (
        f"The header of {ZH_PO.name} is marked fuzzy: msgfmt would then ignore it, plural forms "
        'included. Remove the `#, fuzzy` line above `msgid ""`.'
    )
    assert header_of(zh_entries).get("Plural-Forms") == "nplurals=1; plural=0;"


def test_every_chinese_entry_is_translated(zh_entries):
    untranslated = [e for e in messages(zh_entries) if not all(e.translations)]
    wrong_forms = [e for e in messages(zh_entries) if e.msgid_plural and set(e.msgstr) != {0}]
    if untranslated:
        pytest.fail(
            f"{len(untranslated)} string(s) have no Chinese translation in {ZH_PO.name}:\n"
            f"{_listing(untranslated)}\n{HOW_TO_FIX}"
        )
    if wrong_forms:
        pytest.fail("Chinese has one plural form; fill msgstr[0] only:\n" + _listing(wrong_forms))


def test_no_chinese_entry_is_fuzzy(zh_entries):
    fuzzy = [e for e in messages(zh_entries) if "fuzzy" in e.flags]
    if fuzzy:
        pytest.fail(
            f"{len(fuzzy)} translation(s) in {ZH_PO.name} are marked fuzzy: msgmerge guessed "
            "them after the English changed, and Django does not use them. Check each one "
            f"against its new msgid, then delete its `#, fuzzy` line:\n{_listing(fuzzy)}"
        )


# --- (b) placeholders, tags and Markdown survive -------------------------------------------

#: %(name)s, %s, %d, … (printf style) and {name} (str.format style); "%%" is a literal.
PRINTF = re.compile(r"%(?:\((?P<name>\w+)\))?[#0\- +]*\d*(?:\.\d+)?(?P<conv>[diouxXeEfFgGcrsa%])")
BRACES = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str) -> tuple[set[str], Counter]:
    """Named placeholders (which may move or repeat) and positional ones (which are counted)."""
    named, positional = set(), Counter()
    for match in PRINTF.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"]:
            named.add(f"%({match['name']}){match['conv']}")
        else:
            positional[f"%{match['conv']}"] += 1
    named.update(f"{{{name}}}" for name in BRACES.findall(text))
    return named, positional


def marks(text: str) -> dict[str, list[str]]:
    return {"tags": sorted(TAG.findall(text)), "markdown": ["**"] * text.count("**")}


def test_every_translation_keeps_the_placeholders_tags_and_markdown(zh_entries):
    problems = []
    for entry in messages(zh_entries):
        # Chinese has one form for every number: it must carry what the plural msgid carries.
        named, positional = placeholders(entry.msgid)
        if entry.msgid_plural:
            plural_named, positional = placeholders(entry.msgid_plural)
            named |= plural_named
        for translation in entry.translations:
            if not translation:
                continue  # reported by test_every_chinese_entry_is_translated
            got_named, got_positional = placeholders(translation)
            if (got_named, got_positional) != (named, positional):
                expected = sorted(named) + sorted(positional.elements())
                got = sorted(got_named) + sorted(got_positional.elements())
                problems.append(f"{entry.describe()}\n      placeholders {expected} → {got}")
            if marks(translation) != marks(entry.msgid):
                problems.append(
                    f"{entry.describe()}\n      HTML/Markdown {marks(entry.msgid)} → "
                    f"{marks(translation)}"
                )
    if problems:
        pytest.fail(
            "These translations lost, renamed or added a placeholder, an HTML tag or a Markdown "
            "mark (a lost placeholder drops its value from the sentence, an extra one crashes "
            "when the string is formatted). Copy them exactly from the msgid:\n"
            + "\n".join(problems)
        )


# --- gettext tools ----------------------------------------------------------------------------


def _require_gettext():
    missing = [
        tool for tool in ("xgettext", "msgfmt", "msgmerge", "msguniq") if not shutil.which(tool)
    ]
    if missing:
        pytest.fail(
            f"GNU gettext is missing ({', '.join(missing)}): install it (apt-get install gettext). "
            "The translation checks extract and compile the catalogues with it."
        )


# --- (c) the committed .mo is what the .po compiles to ---------------------------------------


def _catalogue(mo: Path) -> dict:
    with mo.open("rb") as stream:
        return dict(gettext.GNUTranslations(stream)._catalog)


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_the_committed_mo_is_compiled_from_the_current_po(language, tmp_path):
    _require_gettext()
    po = CATALOGUES[language]
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run `{COMPILEMESSAGES}` and commit it."
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, f"msgfmt rejects {po}:\n{result.stderr}"
    expected, actual = _catalogue(fresh), _catalogue(committed)
    if expected != actual:
        stale = sorted(
            repr(key)
            for key in expected.keys() | actual.keys()
            if expected.get(key) != actual.get(key)
        )
        pytest.fail(
            f"{committed.relative_to(settings.BASE_DIR)} is out of date with its .po "
            f"({len(stale)} message(s) differ, e.g. {', '.join(stale[:5])}). "
            f"Run `{COMPILEMESSAGES}` and commit the .mo."
        )


# --- (5) no string of the code is missing from the catalogue ---------------------------------


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads (*.py, *.html, *.txt), minus the ignored directories."""
    root = Path(settings.BASE_DIR)
    ignore_dirs = shutil.ignore_patterns(*IGNORED, ".*", "__pycache__", "locale")
    for path, dirnames, filenames in os.walk(root):
        here = Path(path)
        dirnames[:] = sorted(set(dirnames) - ignore_dirs(path, dirnames))
        for name in filenames:
            if Path(name).suffix in (".py", ".html", ".txt"):
                target = destination / (here / name).relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, target)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[Entry]:
    """Every translatable string of the code, extracted as ``make messages`` would."""
    _require_gettext()
    copy = tmp_path_factory.mktemp("sources")
    _copy_sources(copy)
    (copy / "locale").mkdir()
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--keep-pot"]
    command += [f"--ignore={pattern}" for pattern in IGNORED]
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(command, cwd=copy, capture_output=True, text=True, env=env)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    return messages(parse_po(copy / "locale" / "django.pot"))


def test_every_string_in_the_code_is_in_the_chinese_catalogue(extracted, zh_entries):
    known = {e.key for e in messages(zh_entries)}
    missing = [e for e in extracted if e.key not in known]
    if missing:
        pytest.fail(
            f"{len(missing)} string(s) in the code or templates are not in {ZH_PO.name} yet, so "
            f"Chinese readers would see them in English:\n{_listing(missing)}\n{HOW_TO_FIX}"
        )


def test_the_chinese_catalogue_has_no_strings_the_code_no_longer_uses(extracted, zh_entries):
    used = {e.key for e in extracted}
    stale = [e for e in messages(zh_entries) if e.key not in used]
    if stale:
        pytest.fail(
            f"{len(stale)} entr(ies) of {ZH_PO.name} are no longer in the code (changed or removed "
            f"strings):\n{_listing(stale)}\n{HOW_TO_FIX}"
        )


# --- (d) the pages really render Chinese ------------------------------------------------------


def _page(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Language"] == language
    return response.content.decode()


def _assert_translated(english_html: str, chinese_html: str, *, english, chinese):
    """``english`` shows in English and is gone in Chinese, where ``chinese`` shows instead."""
    not_in_english = [text for text in english if text not in english_html]
    assert not not_in_english, f"the English page no longer says {not_in_english}: update the test"
    left_in_english = [text for text in english if text in chinese_html]
    assert not left_in_english, f"English left on the Chinese page: {left_in_english}"
    not_in_chinese = [text for text in chinese if text not in chinese_html]
    assert not not_in_chinese, f"Chinese text missing from the Chinese page: {not_in_chinese}"


def _assert_page_translated(client, url: str, *, english, chinese):
    english_html = _page(client, url, "en")
    _assert_translated(
        english_html, _page(client, url, "zh-hans"), english=english, chinese=chinese
    )


def test_the_login_page_is_in_chinese(client, db):
    _assert_page_translated(
        client,
        reverse("login"),
        english=("Log in to Candor", "Tell the client the truth"),
        chinese=('lang="zh-hans"', "登录 Candor", "向客户如实相告", "用户名"),
    )


def test_the_dashboard_is_in_chinese(client, login, incident, pm):
    login(pm)
    _assert_page_translated(
        client,
        reverse("dashboard"),
        english=("My open incidents", "First contact due", "Declared", "Next step", "Log out"),
        chinese=("我的未关闭事件", "首次沟通截止", "已登记", "下一步", "工作台", "退出登录"),
    )


def test_the_incident_page_is_in_chinese(client, login, incident, pm):
    login(pm)
    _assert_page_translated(
        client,
        reverse("incident_detail", args=[incident.pk]),
        english=(
            "First contact with the client",
            "Log the first contact",
            "Ready to tell the client?",
            "Communication log",
            "Internal notes",
            "Update cadence",
        ),
        chinese=(
            "与客户的首次沟通",
            "记录首次沟通",
            "准备好与客户沟通了吗？",
            "沟通记录",
            "内部备注",
        ),
    )


def test_the_declare_page_is_in_chinese(client, login, project, pm):
    login(pm)
    _assert_page_translated(
        client,
        reverse("incident_declare", args=[project.pk]),
        english=("Declare an incident", "Declaring starts the clock", "Severity"),
        chinese=("登记事件", "登记后即开始计时", "严重程度"),
    )


@pytest.fixture
def chinese_contact(incident):
    return ClientContactFactory(
        project=incident.project,
        name="陈静",
        email="chen@client.example.com",
        language="zh-hans",
        time_zone="Asia/Shanghai",
        receives_updates=True,
    )


@pytest.fixture
def published(incident, chinese_contact, now):
    """The client was told an hour after the declaration; then an update went out."""
    at = now + timedelta(hours=1)
    informed = incidents.incident_record_first_contact(
        incident=incident, at=at, now=at, actor=incident.declared_by
    )
    publish(informed, now=at)
    informed.refresh_from_db()
    return informed


def test_the_status_page_speaks_to_a_chinese_client_in_chinese(client, published, chinese_contact):
    _link, token = make_link(published, contact=chinese_contact, now=timezone.now())
    chinese = client.get(page_url(token))
    english = client.get(page_url(token) + "?lang=en")
    assert chinese["Content-Language"] == "zh-hans"
    _assert_translated(
        english.content.decode(),
        chinese.content.decode(),
        english=("What happened", "Next update by", "What it means for you", "Key dates"),
        chinese=("发生了什么", "下次进展更新", "对您的影响", "我们已将调度迁移到分区方案。"),
    )


def test_the_update_e_mail_to_a_chinese_client_is_in_chinese(published, chinese_contact):
    email = OutgoingEmail.objects.get(to=chinese_contact.email)
    # The incident has an English title only, and the subject says so.
    assert (
        email.subject == f"[{published.project.name}] 进展更新：{published.title}（仅有英文版本）"
    )
    for body in (email.body_text, email.body_html):
        assert "尊敬的 陈静：" in body and "前向您发送下一次进展更新。" in body
        assert "项目团队" in body
        assert "Dear " not in body and "Our next update" not in body
