"""What the PM-page browser tests share: one Chromium per module, signed-in pages, axe-core.

axe-core is added to every document as an init script, which the browser runs
before the page and outside its Content-Security-Policy: the policy stays in
force, so the same visit shows both accessibility problems and anything the
policy blocks (as an error in the console).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client

from .test_status_page_browser import AXE, DESKTOP

LANGUAGES = ("en", "zh-hans")

#: axe-core on the whole document; only what it finds is returned, not what passes.
RUN_AXE = "async () => await axe.run(document, {resultTypes: ['violations']})"


@dataclass
class Visit:
    """A browser context (signed in as ``user`` or not) and what went wrong in its console."""

    context: object
    page: object
    base_url: str
    #: (message, URL it is about) of every console error and uncaught exception.
    console: list[tuple[str, str]] = field(default_factory=list)
    #: The pages' own URLs: their status is asserted where they are opened.
    documents: set[str] = field(default_factory=set)

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{path}: {response.status}"
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        return response

    @property
    def errors(self) -> list[str]:
        """Console errors, less the browser's note that a page came back as, say, a 400:
        a form sent back with its mistakes is one, and its status is checked elsewhere."""
        return [
            f"{url}: {text}"
            for text, url in self.console
            if not (text.startswith("Failed to load resource") and url in self.documents)
        ]

    def close(self):
        self.context.close()


def open_visit(
    browser, live_server, *, user=None, language="en", viewport=DESKTOP, javascript=True
) -> Visit:
    """A fresh context in ``language``, signed in as ``user`` without going through the form."""
    context = browser.new_context(
        viewport=viewport, locale=language, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    context.add_init_script(path=str(AXE))
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
        )
    context.add_cookies(cookies)
    page = context.new_page()
    visit = Visit(context=context, page=page, base_url=live_server.url)
    page.on(
        "console",
        lambda message: (
            visit.console.append((message.text, message.location.get("url") or page.url))
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: visit.console.append((str(error), page.url)))
    page.on(
        "response",
        lambda response: (
            visit.documents.add(response.url)
            if response.request.resource_type == "document"
            else None
        ),
    )
    return visit


def axe_serious_violations(page) -> list[str]:
    """The serious and critical violations axe-core finds on the page, one line each."""
    result = page.evaluate(RUN_AXE)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
