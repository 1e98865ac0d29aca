"""Internal actions never reach the client's status page.

What the page shows of the plan is the status page's business (and its
tests'); here only the absence of what must never be there is checked.
"""

import pytest

from apps.statuspage.services import link_create

pytestmark = pytest.mark.django_db


def test_a_client_invisible_action_is_not_on_the_status_page(
    client, informed, add_item, pm, contact
):
    add_item(informed, title_en="Visible: partition the engine")
    add_item(
        informed,
        kind="prevention",
        title_en="Internal: replace the architect",
        description_en="Staffing matter, not the client's business.",
        client_visible=False,
    )
    _link, token = link_create(actor=pm, incident=informed, contact=contact)

    response = client.get(f"/s/{token}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert informed.title in html  # the page is the incident's, so the absence means something
    assert "Internal: replace the architect" not in html
    assert "Staffing matter" not in html
