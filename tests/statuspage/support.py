"""Building blocks for the status-page tests: links, published updates, page parsing."""

from datetime import datetime
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from apps.communications import services as communications
from apps.communications.models import StatusUpdate
from apps.incidents.models import Incident
from apps.statuspage import services as statuspage
from apps.statuspage.models import ShareLink

#: Appears in every internal-only text of a test; must never reach the client.
SECRET_MARKER = "INTERNAL-ONLY-7f3a9c-staff-matter"


def make_link(
    incident: Incident | None = None,
    *,
    project=None,
    contact=None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ShareLink, str]:
    """A share link created through the service, as the PM's page would; returns (link, token)."""
    target_project = project if project is not None else incident.project
    return statuspage.link_create(
        actor=target_project.pmo_lead,
        incident=None if project is not None else incident,
        project=project,
        contact=contact,
        expires_at=expires_at,
        now=now,
    )


def publish(
    incident: Incident,
    *,
    body_en: str = "We have moved dispatch to the partitioned design.",
    body_zh_hans: str = "我们已将调度迁移到分区方案。",
    now: datetime | None = None,
) -> StatusUpdate:
    """Write and publish an update through the real services (log entry, clock, e-mails)."""
    now = now or timezone.now()
    update = communications.update_draft_save(
        incident=incident,
        actor=incident.declared_by,
        body_en=body_en,
        body_zh_hans=body_zh_hans,
        now=now,
    )
    return communications.update_publish(update=update, actor=incident.declared_by, now=now)


def page_url(token: str, name: str = "status_page") -> str:
    return reverse(name, args=[token])


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_bodies.append(data)


def parse_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of the page with its attributes (entities decoded)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags
