"""Each alternative a decision sets aside has its own reason, in each language the client reads."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.alternatives.models import Alternative, Decision, Rejection
from apps.outbox.models import OutgoingEmail
from tests.factories import ClientContactFactory
from tests.helpers import SCRIPT, assert_rejected
from tests.statuspage.support import make_link, page_url

pytestmark = pytest.mark.django_db

SCOPE = ("Operations need the full scope.", "运营方需要全部范围。")
STAFF = ("No one to hire in time.", "来不及招人。")


@pytest.fixture
def three(informed, propose):
    """Extend (to be chosen), cut the scope, add staff."""
    return (
        propose(informed, title_en="Extend 30 days", title_zh_hans="延期 30 天"),
        propose(informed, title_en="Cut scope", title_zh_hans="缩减范围"),
        propose(informed, title_en="Add staff", title_zh_hans="增加人手"),
    )


def _reasons(cut, staff):
    return {
        cut.pk: {"reason_en": SCOPE[0], "reason_zh_hans": SCOPE[1]},
        staff.pk: {"reason_en": STAFF[0], "reason_zh_hans": STAFF[1]},
    }


def _form(chosen, contact, user, **reasons):
    return {
        "alternative": str(chosen.pk),
        "decided_at": "2025-03-10T08:00",
        "meeting": "",
        "client_agreed": [str(contact.pk)],
        "team_agreed": [str(user.pk)],
        "rationale_en": "The client prefers a later date to a smaller scope.",
        "expected_current_decision": "",
        "send_anyway": "on",
    } | reasons


# --- the service ----------------------------------------------------------------------------


def test_each_alternative_set_aside_keeps_its_own_reason(informed, three, decide):
    extend, cut, staff = three

    decision = decide(informed, extend, others_reason_en="", rejection_reasons=_reasons(cut, staff))

    cut.refresh_from_db()
    staff.refresh_from_db()
    assert (cut.status, cut.rejection_reason_en, cut.rejection_reason_zh_hans) == (
        "rejected",
        *SCOPE,
    )
    assert (staff.rejection_reason_en, staff.rejection_reason_zh_hans) == STAFF
    assert [(r.alternative, r.reason_en, r.reason_zh_hans) for r in decision.rejections.all()] == [
        (cut, *SCOPE),
        (staff, *STAFF),
    ]


def test_a_missing_reason_is_refused_next_to_its_alternative(informed, three, decide):
    extend, cut, staff = three

    with pytest.raises(ValidationError) as exc:
        decide(
            informed,
            extend,
            others_reason_en="",
            rejection_reasons={cut.pk: {"reason_en": SCOPE[0]}, staff.pk: {"reason_en": "  "}},
        )

    assert exc.value.message_dict == {
        f"reason_{staff.pk}_en": ["Say why “Add staff” was not chosen, in English or in Chinese."]
    }
    assert not Decision.objects.exists()
    assert set(Alternative.objects.values_list("status", flat=True)) == {"proposed"}


def test_a_reason_for_all_covers_those_without_their_own(informed, three, decide):
    extend, cut, staff = three

    decision = decide(
        informed,
        extend,
        others_reason_en="Not now.",
        rejection_reasons={cut.pk: {"reason_en": SCOPE[0]}},
    )

    assert {r.alternative: r.reason_en for r in decision.rejections.all()} == {
        cut: SCOPE[0],
        staff: "Not now.",
    }


def test_a_new_decision_sets_the_old_choice_aside_with_its_reason(informed, three, decide):
    extend, cut, staff = three
    first = decide(informed, extend, rejection_reasons=_reasons(cut, staff))

    second = decide(informed, cut, rationale_en="The date matters after all.")

    assert [r.alternative for r in second.rejections.all()] == [extend]
    assert second.rejections.get().reason_en.startswith("Replaced by the decision of ")
    # The first decision still says why it set each aside.
    assert {r.alternative: r.reason_en for r in first.rejections.all()} == {
        cut: SCOPE[0],
        staff: STAFF[0],
    }


# --- the decision form ----------------------------------------------------------------------


def test_the_form_asks_a_reason_for_each_other_alternative(informed, three, pm, login):
    extend, cut, staff = three
    url = reverse("decision_record", args=[informed.pk])

    html = login(pm).get(url, {"alternative": extend.pk}).content.decode()

    assert re.search(rf'name="alternative" value="{extend.pk}"[^>]*checked', html)
    for alternative in three:
        assert f'name="reason_{alternative.pk}_en"' in html
        assert f'name="reason_{alternative.pk}_zh_hans"' in html
    assert "Why not “Cut scope”" in html
    assert "Why not “Add staff”" in html


def test_the_reasons_typed_are_each_kept_by_their_alternative(informed, three, pm, contact, login):
    extend, cut, staff = three

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]),
        _form(
            extend,
            contact,
            pm,
            **{
                f"reason_{cut.pk}_en": SCOPE[0],
                f"reason_{cut.pk}_zh_hans": SCOPE[1],
                f"reason_{staff.pk}_zh_hans": STAFF[1],
                # A reason for the one chosen is no reason at all: it is not kept.
                f"reason_{extend.pk}_en": "Ignored.",
            },
        ),
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert [(r.alternative, r.reason_en, r.reason_zh_hans) for r in decision.rejections.all()] == [
        (cut, *SCOPE),
        (staff, "", STAFF[1]),
    ]
    extend.refresh_from_db()
    assert (extend.status, extend.rejection_reason_en) == ("chosen", "")


def test_a_missing_reason_is_explained_and_the_others_are_kept(informed, three, pm, contact, login):
    extend, cut, staff = three
    typed = SCRIPT + SCOPE[0]

    response = login(pm).post(
        reverse("decision_record", args=[informed.pk]),
        _form(extend, contact, pm, **{f"reason_{cut.pk}_en": typed}),
    )

    assert response.status_code == 400
    assert_rejected(
        response,
        error="Say why “Add staff” was not chosen, in English or in Chinese.",
        kept=(typed,),
    )
    assert not Decision.objects.exists()


# --- where the reasons are read -------------------------------------------------------------


@pytest.fixture
def decided(informed, three, decide):
    extend, cut, staff = three
    return decide(informed, extend, others_reason_en="", rejection_reasons=_reasons(cut, staff))


def test_the_comparison_and_the_incident_page_show_each_reason(informed, decided, pm, login):
    client = login(pm)

    compare = client.get(reverse("alternative_compare", args=[informed.pk])).content.decode()
    incident = client.get(reverse("incident_detail", args=[informed.pk])).content.decode()

    for html in (compare, incident):
        assert SCOPE[0] in html
        assert STAFF[0] in html
    decision_part = incident.split('id="decision"')[1].split("</section>")[0]
    assert "Set aside" in decision_part
    assert decision_part.index("Cut scope") < decision_part.index(SCOPE[0])
    assert decision_part.index("Add staff") < decision_part.index(STAFF[0])


def test_the_client_reads_each_reason_in_their_language(client, informed, decided):
    _link, token = make_link(informed)

    chinese = client.get(page_url(token), {"lang": "zh-hans"}).content.decode()
    english = client.get(page_url(token), {"lang": "en"}).content.decode()

    chinese_decision = chinese.split('class="mb-4 decision card"')[1].split("</section>")[0]
    english_decision = english.split('class="mb-4 decision card"')[1].split("</section>")[0]
    for text in ("缩减范围", SCOPE[1], "增加人手", STAFF[1]):
        assert text in chinese_decision, text
        assert text not in english_decision, text
    for text in ("Cut scope", SCOPE[0], "Add staff", STAFF[0]):
        assert text in english_decision, text
        assert text not in chinese_decision, text


def test_the_decision_email_lists_the_others_and_why(informed, three, decide, project):
    extend, cut, staff = three
    ClientContactFactory(project=project, email="helen@client.example.com", language="zh-hans")
    ClientContactFactory(project=project, email="wang@client.example.com", language="en")

    decide(informed, extend, others_reason_en="", rejection_reasons=_reasons(cut, staff))

    chinese = OutgoingEmail.objects.get(to="helen@client.example.com")
    english = OutgoingEmail.objects.get(to="wang@client.example.com")
    for body in (english.body_text, english.body_html):
        assert "The other options, and why we did not choose them" in body
        assert "Cut scope" in body and SCOPE[0] in body
        assert "Add staff" in body and STAFF[0] in body
    for body in (chinese.body_text, chinese.body_html):
        assert "缩减范围" in body and SCOPE[1] in body
        assert "增加人手" in body and STAFF[1] in body
        assert SCOPE[0] not in body


def test_the_status_page_costs_the_same_for_1_or_4_alternatives_set_aside(
    client, informed, propose, decide
):
    def page_queries(others: int) -> int:
        Rejection.objects.all().delete()
        Decision.objects.all().delete()
        Alternative.objects.all().delete()
        chosen = propose(informed, title_en="Chosen")
        reasons = {
            propose(informed, title_en=f"Other {n}").pk: {"reason_en": f"Reason {n}"}
            for n in range(others)
        }
        decide(informed, chosen, others_reason_en="", rejection_reasons=reasons)
        _link, token = make_link(informed)
        with CaptureQueriesContext(connection) as captured:
            html = client.get(page_url(token), {"lang": "en"}).content.decode()
        assert f"Reason {others - 1}" in html
        return len(captured.captured_queries)

    assert page_queries(1) == page_queries(4)


def test_a_reason_missing_a_mailed_readers_language_is_pointed_out(
    informed, three, pm, contact, project, login
):
    extend, cut, staff = three
    ClientContactFactory(
        project=project, name="Helen Zhang", email="helen@client.example.com", language="zh-hans"
    )
    data = _form(
        extend,
        contact,
        pm,
        rationale_zh_hans="范围比日期重要。",
        send_anyway="",
        **{
            f"reason_{cut.pk}_en": SCOPE[0],
            f"reason_{cut.pk}_zh_hans": SCOPE[1],
            f"reason_{staff.pk}_en": STAFF[0],
        },
    )
    url = reverse("decision_record", args=[informed.pk])

    response = login(pm).post(url, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "there is no Chinese text of the reason for setting “Add staff” aside" in html
    assert "“Cut scope” aside" not in html
    assert not Decision.objects.exists()
    assert login(pm).post(url, data | {f"reason_{staff.pk}_zh_hans": STAFF[1]}).status_code == 302
