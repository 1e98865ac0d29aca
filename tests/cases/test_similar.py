"""Similar past cases: on the incident page, while declaring, and from the script's endpoint."""

import pytest
from django.urls import reverse

from apps.cases.selectors import Draft, similar_cases
from apps.incidents.models import IncidentStatus
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def keys(library, cases):
    return [library.key_of(case.incident_id) for case in cases]


def test_shared_words_find_the_cases_about_the_same_thing(library):
    draft = Draft(texts=("支付接口又超时了", "The payment API times out again"))
    found = keys(library, similar_cases(draft, library.pmo))
    assert len(found) == 5
    assert set(found) <= {f"api-{a}" for a in range(1, 6)}


def test_the_kind_of_cause_and_the_client_lift_a_case(library):
    """Two cases share the words; the one of the same kind of cause and client comes first."""
    words = ("客户无法按计划使用",)  # every summary in Chinese says it
    plain = keys(library, similar_cases(Draft(texts=words), library.pmo))
    lifted = keys(
        library,
        similar_cases(
            Draft(
                texts=words,
                cause_category="supplier",
                client_id=library.clients["Beiming"].pk,
                severity="low",
            ),
            library.pmo,
        ),
    )
    assert len(plain) == 5
    # Every Chinese summary says it: the kind of cause decides, then the client and the
    # severity (vendor-3, written only in English, shares no word).
    assert set(lifted[:4]) == {"vendor-1", "vendor-2", "vendor-4", "vendor-5"}
    # vendor-1 reads like vendor-4 but is another client's, with another severity.
    assert lifted.index("vendor-4") < lifted.index("vendor-1")


def test_the_kind_of_cause_alone_finds_cases(library):
    found = keys(library, similar_cases(Draft(texts=(), cause_category="supplier"), library.pmo))
    assert len(found) == 5 and all(key.startswith("vendor-") for key in found)


def test_nothing_typed_finds_nothing(library):
    assert similar_cases(Draft(texts=("", "  ")), library.pmo) == []


def test_only_the_cases_the_user_may_see(library):
    draft = Draft(texts=("支付接口超时 payment",))
    assert set(keys(library, similar_cases(draft, library.member))) == {"api-4", "api-5"}


def test_an_incident_is_never_similar_to_itself(library):
    incident = library.incidents["api-1"]
    found = keys(library, similar_cases(incident, library.pmo))
    assert "api-1" not in found and len(found) == 5
    # The same trouble first; then, maybe, a case that shares the area and the client.
    assert all(key.startswith("api-") for key in found[:2])
    assert sum(key.startswith("api-") for key in found) >= 3


def test_the_similar_cases_are_two_queries(library, django_assert_num_queries):
    draft = Draft(texts=("支付接口超时 payment",), cause_category="technical", severity="high")
    with django_assert_num_queries(2):
        cases = similar_cases(draft, library.pmo)
        [(case.project.name, case.chosen_title, case.outcome) for case in cases]


def test_the_incident_page_shows_similar_past_cases(login, library):
    project = library.projects["p1"]
    incident = IncidentFactory(
        project=project,
        declared_by=library.pm,
        title="Payment API timeouts again",
        summary_zh_hans="支付接口超时",
    )
    html = login(library.pm).get(incident.get_absolute_url()).content.decode()
    assert "Similar past cases" in html
    assert reverse("incident_detail", args=[library.incidents["api-1"].pk]) in html
    assert "Switch to asynchronous callbacks" in html
    assert "Delivered late" in html
    # A PM of p1 sees no case of p3.
    assert reverse("incident_detail", args=[library.incidents["api-4"].pk]) not in html


def test_the_declare_page_finds_similar_cases_without_javascript(login, library):
    project = library.projects["p1"]
    url = reverse("incident_declare", args=[project.pk])
    client = login(library.pm)
    page = client.get(url).content.decode()
    assert 'name="find_similar"' in page
    assert "data-similar-live" in page and "similar-cases.js" in page
    response = client.post(
        url,
        {
            "title_zh_hans": "订单支付接口超时",
            "summary_en": "Payment API timeouts",
            "severity": "high",
            "cause_category": "technical",
            "find_similar": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="订单支付接口超时"' in html  # what was typed is kept
    assert reverse("incident_detail", args=[library.incidents["api-1"].pk]) in html
    assert "Switch to asynchronous callbacks" in html
    assert project.incidents.exclude(status=IncidentStatus.CLOSED).count() == 0  # nothing saved


def test_the_declare_form_files_the_kind_of_cause(login, library):
    project = library.projects["p1"]
    response = login(library.pm).post(
        reverse("incident_declare", args=[project.pk]),
        {
            "title_en": "Stock sync broken",
            "summary_en": "It stopped.",
            "severity": "high",
            "cause_category": "supplier",
        },
    )
    assert response.status_code == 302
    incident = project.incidents.get(title_en="Stock sync broken")
    assert incident.cause_category == "supplier"


def test_the_endpoint_answers_the_script_with_a_fragment(login, library):
    client = login(library.pm)
    response = client.get(
        reverse("case_similar"),
        {"q": "支付接口超时", "cause_category": "technical", "project": library.projects["p1"].pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    # The p1 cases: api-1 and api-2 share the words, then the other technical ones.
    assert html.count('<li class="similar-case') == 5
    first_two = {library.incidents[key].get_absolute_url() for key in ("api-1", "api-2")}
    links = [part.split('"')[0] for part in html.split('<a href="')[1:]]
    assert set(links[:2]) == first_two
    assert "Switch to asynchronous callbacks" in html


@pytest.mark.parametrize(
    "params", [{"cause_category": "nonsense"}, {"project": "abc"}, {"severity": "x"}]
)
def test_the_endpoint_refuses_bad_input_with_a_message(login, library, params):
    response = login(library.pm).get(reverse("case_similar"), {"q": "接口", **params})
    assert response.status_code == 400
    assert "could not be looked up" in response.content.decode()


def test_the_endpoint_needs_a_login(client, library):
    assert client.get(reverse("case_similar"), {"q": "接口"}).status_code == 302
