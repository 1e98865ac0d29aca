"""What the client reads at each stage of an incident, and only that."""

from datetime import timedelta
from decimal import Decimal

from django.utils.html import escape

from apps.communications import services as communications
from apps.communications.models import LogChannel
from apps.incidents import services as incidents
from tests.factories import ClientContactFactory, IncidentFactory, ProjectFactory, informed_incident

from .support import SECRET_MARKER, make_link, page_url, parse_tags, publish

NOT_YET_CAUSE = "We are still establishing the cause and will tell you as soon as we know."
NOT_YET_STATE = "We will describe the current state in our next update."
BEING_ASSESSED = "Being assessed"


def _page(client, token, **params) -> str:
    response = client.get(page_url(token), params)
    assert response.status_code == 200
    return response.content.decode()


def test_before_first_contact_the_page_says_what_happened_and_when_we_will_call(
    client, project, pm, now
):
    incident = IncidentFactory(
        project=project,
        declared_by=pm,
        now=now,
        summary="The launch cannot happen on 1 April.",
        # Prepared for the first conversation, not yet said to the client.
        cause="Draft cause the PM is still wording.",
        apology="Draft apology.",
    )
    _link, token = make_link(incident)

    html = _page(client, token, lang="en")

    assert "What happened" in html
    assert "The launch cannot happen on 1 April." in html
    assert "You will hear from us by 11 Mar 2025, 09:00" in html
    assert "Next update by" not in html
    # The client hears the cause and the apology from us first, not from a draft.
    assert "Draft cause" not in html
    assert "Draft apology" not in html
    assert "Why it happened" not in html


def test_after_first_contact_cause_state_and_impact_are_shown_even_when_empty(
    client, project, pm, now
):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    _link, token = make_link(incident)

    html = _page(client, token, lang="en")

    assert "Why it happened" in html and NOT_YET_CAUSE in html
    assert "What it means for you" in html
    assert html.count(BEING_ASSESSED) == 3  # schedule, cost, deliverables
    assert "Where things stand" in html and NOT_YET_STATE in html
    assert "Next update by 12 Mar 2025, 10:00" in html
    assert "You will hear from us by" not in html


def test_after_first_contact_the_whole_disclosure_is_shown(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now, ready=True)
    incidents.incident_update_disclosure(
        incident=incident, impact_cost=Decimal("12000.00"), actor=incident.declared_by
    )
    _link, token = make_link(incident)

    html = _page(client, token, lang="en")

    for text in (
        "The routing algorithm does not scale.",
        "Load tests ran on a tenth of the fleet.",
        "85% of the features are done.",
        "30 days later than planned",
        "CN¥12,000.00",
        "Real-time dispatch.",
        "Two architects assess partitioned dispatch.",
        "We are sorry we found the risk so late.",
    ):
        assert escape(text) in html, text
    assert BEING_ASSESSED not in html
    assert NOT_YET_CAUSE not in html and NOT_YET_STATE not in html


def test_updates_appear_newest_first_with_the_kept_promises(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    publish(incident, body_en="First update.", now=now + timedelta(hours=2))
    publish(incident, body_en="Second update.", now=now + timedelta(hours=5))
    _link, token = make_link(incident)

    html = _page(client, token, lang="en")

    assert html.index("Second update.") < html.index("First update.")
    assert "We kept 2 of 2 promised update times." in html


def test_resolved_incident_says_so_and_promises_no_more_updates(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now, ready=True)
    incidents.incident_resolve(
        incident=incident, now=now + timedelta(days=3), actor=incident.declared_by
    )
    _link, token = make_link(incident)

    html = _page(client, token, lang="en")

    assert "The problem is resolved." in html
    assert "Resolved: 13 Mar 2025, 09:00" in html
    assert "Next update by" not in html
    assert "The routing algorithm does not scale." in html


def test_the_page_is_in_the_contacts_language_and_time_zone(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    publish(
        incident, body_en="In English.", body_zh_hans="中文的更新。", now=now + timedelta(hours=2)
    )
    contact = ClientContactFactory(project=project, language="zh-hans", time_zone="Asia/Shanghai")
    _link, token = make_link(incident, contact=contact)

    response = client.get(page_url(token))
    html = response.content.decode()

    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in html
    assert "中文的更新。" in html and "In English." not in html
    # Published at 11:00 UTC, next one 48 h later, shown in Shanghai (UTC+8)
    # with Django's own Chinese date formats.
    assert '<time datetime="2025-03-10T19:00:00+08:00">2025年3月10日 19:00</time>' in html
    assert "2025年3月12日 19:00" in html

    english = _page(client, token, lang="en")
    assert "In English." in english and "中文的更新。" not in english


def test_a_link_for_one_incident_never_shows_another(client, project, pm, now):
    mine = informed_incident(project=project, declared_by=pm, now=now, title="Our incident")
    other = informed_incident(
        project=project, declared_by=pm, now=now, title="Other incident", summary="Other summary."
    )
    publish(other, body_en="Other update text.", now=now + timedelta(hours=2))
    communications.meeting_schedule(
        incident=other,
        actor=pm,
        title_en="Other meeting",
        starts_at=now + timedelta(days=1),
        duration_minutes=30,
        location="Room B",
        now=now,
    )
    _link, token = make_link(mine)

    for name in ("status_page", "status_feed", "status_meetings"):
        body = client.get(page_url(token, name), {"lang": "en"}).content.decode()
        assert "Other" not in body, name


def test_a_project_link_shows_that_projects_incidents_only(client, project, pm, now):
    first = informed_incident(project=project, declared_by=pm, now=now, title="Database outage")
    second = informed_incident(project=project, declared_by=pm, now=now, title="Late API")
    elsewhere = ProjectFactory()
    foreign = informed_incident(
        project=elsewhere, declared_by=elsewhere.pmo_lead, now=now, title="Foreign incident"
    )
    publish(foreign, body_en="Foreign update.", now=now + timedelta(hours=2))
    _link, token = make_link(project=project)

    html = _page(client, token, lang="en")

    assert "Project status" in html
    assert f'id="incident-{first.pk}"' in html and f'id="incident-{second.pk}"' in html
    assert "Foreign" not in html
    feed = client.get(page_url(token, "status_feed")).content.decode()
    assert "Foreign" not in feed


def test_internal_notes_never_reach_the_client(client, project, pm, now):
    incident = informed_incident(
        project=project, declared_by=pm, now=now, internal_notes=f"{SECRET_MARKER} notes"
    )
    later = now + timedelta(hours=2)
    communications.log_contact(
        incident=incident,
        actor=pm,
        channel=LogChannel.CALL,
        occurred_at=later,
        summary_en=f"{SECRET_MARKER} call summary",
        client_visible=False,
        now=later,
    )
    communications.log_note(incident=incident, actor=pm, summary=f"{SECRET_MARKER} note")
    communications.log_contact(
        incident=incident,
        actor=pm,
        channel=LogChannel.EMAIL,
        occurred_at=later,
        summary_en="We sent the revised plan.",
        client_visible=True,
        now=later,
    )
    meeting = communications.meeting_schedule(
        incident=incident,
        actor=pm,
        title_en="Plan review",
        starts_at=later,
        duration_minutes=60,
        location="Room A",
        now=now,
    )
    meeting.notes = f"{SECRET_MARKER} meeting notes"
    meeting.save()
    communications.update_draft_save(
        incident=incident, actor=pm, body_en=f"{SECRET_MARKER} draft", body_zh_hans="", now=now
    )
    publish(incident, now=later)
    _link, token = make_link(incident)

    page = _page(client, token, lang="en")
    assert "We sent the revised plan." in page  # the client-visible entry is there
    for name in ("status_page", "status_feed", "status_meetings"):
        body = client.get(page_url(token, name), {"lang": "en"}).content.decode()
        assert SECRET_MARKER not in body, name


XSS_PAYLOADS = [
    "<script>alert('s1')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=\"alert('i1')\">",
    "![pic](javascript:alert('md-img'))",
    "[click](javascript:alert('md-link'))",
    "[click](JaVaScRiPt:alert('md-case'))",
    "[click](java&#x73;cript:alert('md-entity'))",
    "[click](&#106;avascript:alert('md-dec'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript:alert('a1')\">a1</a>",
    "<a href=\"  javascript:alert('a2')\">a2</a>",
    "<a href=\"jav&#x09;ascript:alert('a3')\">a3</a>",
    '<svg onload="alert(\'v1\')"><circle r="1"/></svg>',
    '<svg><script>alert("v2")</script></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed;top:0">overlay</div>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<form action="https://evil.example/"><input name="password"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<style>body{display:none}</style>",
    "&lt;script&gt;alert('entity')&lt;/script&gt;",
    '<a href="https://ok.example/" onclick="alert(1)" onmouseover="alert(2)">ok link</a>',
    '<details open ontoggle="alert(1)">x</details>',
    '"><img src=x onerror=alert(1)>',
    "`<script>alert('code')</script>`",
]
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "svg",
    "img",
    "object",
    "embed",
    "form",
    "input",
    "style",
    "base",
    "details",
}


def _is_dangerous_url(value: str) -> bool:
    squeezed = "".join(ch for ch in value if ch.isprintable() and not ch.isspace()).lower()
    return squeezed.startswith(("javascript:", "data:", "vbscript:"))


def test_markdown_with_xss_payloads_renders_inert(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    body = "Update with hostile content.\n\n" + "\n\n".join(XSS_PAYLOADS)
    publish(incident, body_en=body, body_zh_hans=body, now=now + timedelta(hours=2))
    _link, token = make_link(incident)

    html = _page(client, token, lang="en")
    tags = parse_tags(html)

    assert "Update with hostile content." in html
    assert "ok link" in html  # harmless parts survive
    assert not [tag for tag, _attrs in tags if tag in DANGEROUS_TAGS]
    assert not [tag for tag, _attrs in tags if tag == "meta" and "http-equiv" in _attrs]
    # bootstrap, our two stylesheets, the feed and the empty icon: nothing from the update.
    assert [attrs["href"] for tag, attrs in tags if tag == "link"] == [
        "data:,",
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/css/comparison.css",
        "/static/css/status.css",
        "feed.atom",
    ]
    for tag, attrs in tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("style", "srcdoc", "formaction"), (tag, name)
            if name in ("href", "src", "action", "data") and value and value != "data:,":
                assert not _is_dangerous_url(value), (tag, name, value)
    feed = client.get(page_url(token, "status_feed")).content.decode()
    assert "<script" not in feed.lower() and "javascript:" not in feed.lower()
