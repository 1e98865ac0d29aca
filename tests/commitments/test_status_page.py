"""The client's status page lists the open commitments and how many were kept."""

import pytest
import time_machine

from apps.commitments import services
from apps.statuspage.services import link_create

from .conftest import DAY, HOUR

pytestmark = pytest.mark.django_db


def test_the_status_page_lists_open_commitments_and_the_kept_count(
    client, informed, promise, pm, contact, now
):
    contact.language = "en"
    contact.time_zone = "Asia/Shanghai"
    contact.save()
    promise(informed, what_en="The load test report", what_zh_hans="负载测试报告", due_at=now + DAY)
    kept = promise(informed, what_en="A call with the architect")
    missed = promise(informed, what_en="A new build")
    _link, token = link_create(actor=pm, incident=informed, contact=contact)
    first = client.get(f"/s/{token}/")

    with time_machine.travel(now + HOUR, tick=False):
        services.commitment_keep(commitment=kept, actor=pm)
        services.commitment_miss(commitment=missed, actor=pm, told_client_en="We called you.")
        response = client.get(f"/s/{token}/", HTTP_IF_NONE_MATCH=first.get("ETag", ""))

    assert response.status_code == 200  # the page moved on
    html = response.content.decode()
    listed = html[html.index("What we have committed to") :]
    listed = listed[: listed.index("</ul>")]
    assert "The load test report" in listed
    assert "17:00" in listed and "Asia/Shanghai" in listed  # 09:00 UTC, read in Shanghai
    assert "A call with the architect" not in listed  # kept: counted, not listed
    assert "A new build" not in listed
    assert "We kept 1 of 2 commitments made to you." in html
