import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.projects.models import Client, Membership, Project, ProjectRole
from tests.factories import ClientContactFactory, ClientFactory, UserFactory, member
from tests.helpers import REQUIRED_EN, REQUIRED_ZH, SCRIPT, assert_rejected

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Chen Jing",
    "email": "chen.jing@client.example.com",
    "role": "CIO",
    "is_decision_maker": "on",
    "language": "zh-hans",
    "time_zone": "Asia/Shanghai",
    "receives_updates": "on",
}


# --- project list and page ----------------------------------------------------------


def test_project_list_shows_my_projects_with_their_open_incident_count(
    project, pm, incident, login
):
    html = login(pm).get(reverse("project_list")).content.decode()

    assert project.name in html
    assert project.client.name in html
    assert '<span class="badge text-bg-danger">1</span>' in html
    assert reverse("project_create") not in html


def test_project_list_offers_project_creation_to_pmo_staff(pmo, login):
    assert reverse("project_create") in login(pmo).get(reverse("project_list")).content.decode()


def test_project_page_shows_incidents_contacts_and_team(project, pm, incident, login):
    contact = ClientContactFactory(project=project, name="Liu Yang")

    html = login(pm).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert incident.title in html
    assert contact.name in html and contact.email in html
    assert pm.get_full_name() in html
    assert reverse("incident_declare", args=[project.pk]) in html


# --- creating a project ---------------------------------------------------------------


def _project_data(lead, **changes):
    return {
        "client_name": "Huaxin Logistics",
        "name": "Smart dispatch",
        "description": "Route optimisation.",
        "pmo_lead": str(lead.pk),
        "first_contact_window_hours": "24",
    } | changes


def test_pmo_creates_a_project_and_becomes_free_to_add_a_pm(pmo, login):
    lead = UserFactory()
    client = login(pmo)

    response = client.post(reverse("project_create"), _project_data(lead), follow=True)

    project = Project.objects.get()
    assert response.redirect_chain[-1][0] == reverse("project_detail", args=[project.pk])
    assert "The project was created." in response.content.decode()
    assert (project.client.name, project.name, project.pmo_lead) == (
        "Huaxin Logistics",
        "Smart dispatch",
        lead,
    )
    assert list(project.memberships.values_list("user", "role")) == [(pmo.pk, ProjectRole.PM)]


def test_creating_a_project_for_a_known_client_reuses_it(pmo, login):
    existing = ClientFactory(name="Huaxin Logistics")

    login(pmo).post(reverse("project_create"), _project_data(pmo, client_name=" Huaxin Logistics "))

    assert Project.objects.get().client == existing
    assert Client.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("client_name", "", REQUIRED_EN),
        ("client_name", "   ", REQUIRED_EN),
        ("name", "", REQUIRED_EN),
        ("name", "n" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
        ("first_contact_window_hours", "25", "the window cannot be longer"),
        ("first_contact_window_hours", "9" * 40, "the window cannot be longer"),
        ("first_contact_window_hours", "0", "The window must be at least one hour."),
        ("first_contact_window_hours", "-24", "The window must be at least one hour."),
        ("first_contact_window_hours", "twenty", "Enter a whole number."),
        ("pmo_lead", "999999", "Select a valid choice."),
        ("pmo_lead", "nobody", "Select a valid choice."),
    ],
)
def test_bad_project_is_explained_and_keeps_what_was_typed(pmo, login, field, value, error):
    data = _project_data(pmo, description=SCRIPT, **{field: value})

    response = login(pmo).post(reverse("project_create"), data)

    kept = [SCRIPT]
    if field != "pmo_lead" and value.strip():
        kept.append(value)
    assert_rejected(response, error=error, kept=tuple(kept))
    assert not Project.objects.exists()


def test_duplicate_project_name_for_the_client_is_explained(pmo, login):
    client = login(pmo)
    client.post(reverse("project_create"), _project_data(pmo))

    response = client.post(reverse("project_create"), _project_data(pmo, description="Second"))

    assert_rejected(response, error="already exists", kept=("Second",))
    assert Project.objects.count() == 1


def test_bad_project_is_explained_in_chinese(pmo, login):
    response = login(pmo, language="zh-hans").post(
        reverse("project_create"), _project_data(pmo, name="", client_name="华信物流")
    )

    assert_rejected(response, error=REQUIRED_ZH, kept=("华信物流",))


# --- client contacts ---------------------------------------------------------------------


def test_pm_adds_a_client_contact(project, pm, login):
    response = login(pm).post(reverse("contact_create", args=[project.pk]), CONTACT, follow=True)

    assert "The contact was added." in response.content.decode()
    contact = project.contacts.get()
    assert (contact.name, contact.is_decision_maker, contact.time_zone) == (
        "Chen Jing",
        True,
        "Asia/Shanghai",
    )


def test_typed_markup_is_shown_as_text_on_the_project_page(project, pm, login):
    client = login(pm)
    client.post(
        reverse("contact_create", args=[project.pk]), CONTACT | {"name": SCRIPT, "role": SCRIPT}
    )

    html = client.get(reverse("project_detail", args=[project.pk])).content.decode()

    assert SCRIPT not in html
    assert escape(SCRIPT) in html


def test_pm_edits_a_client_contact(project, pm, login):
    contact = ClientContactFactory(project=project)

    login(pm).post(
        reverse("contact_edit", args=[project.pk, contact.pk]),
        CONTACT | {"receives_updates": ""},
    )

    contact.refresh_from_db()
    assert contact.email == CONTACT["email"]
    assert contact.receives_updates is False


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", REQUIRED_EN),
        ("name", "c" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
        ("email", "", REQUIRED_EN),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", f"{SCRIPT}@x.com", "Enter a valid email address."),
        ("time_zone", "Mars/Olympus", "Select a valid choice. Mars/Olympus is not one of"),
        ("language", "klingon", "Select a valid choice. klingon is not one of"),
    ],
)
def test_bad_contact_is_explained_and_keeps_what_was_typed(project, pm, login, field, value, error):
    data = CONTACT | {"role": SCRIPT, field: value}

    response = login(pm).post(reverse("contact_create", args=[project.pk]), data)

    kept = [SCRIPT] + ([value] if field in ("name", "email") and value else [])
    assert_rejected(response, error=error, kept=tuple(kept))
    assert not project.contacts.exists()


def test_duplicate_contact_email_is_shown_on_the_email_field(project, pm, login):
    ClientContactFactory(project=project, email=CONTACT["email"])

    response = login(pm).post(
        reverse("contact_create", args=[project.pk]), CONTACT | {"name": "Second Person"}
    )

    html = assert_rejected(
        response,
        error="This project already has a contact with that e-mail address.",
        kept=("Second Person", CONTACT["email"]),
    )
    email_field = html[html.index('id="id_email"') : html.index('id="id_role"')]
    assert "This project already has a contact with that e-mail address." in email_field
    assert project.contacts.count() == 1


def test_changing_a_contact_to_a_colleagues_email_is_explained(project, pm, login):
    ClientContactFactory(project=project, email="taken@client.example.com")
    contact = ClientContactFactory(project=project, name="Original Name")

    response = login(pm).post(
        reverse("contact_edit", args=[project.pk, contact.pk]),
        CONTACT | {"email": "taken@client.example.com", "name": "Typed Name"},
    )

    assert_rejected(
        response,
        error="This project already has a contact with that e-mail address.",
        kept=("Typed Name", "taken@client.example.com"),
    )
    contact.refresh_from_db()
    assert contact.name == "Original Name"


@pytest.mark.parametrize("url_name", ["contact_create", "contact_edit"])
def test_bad_contact_is_explained_in_chinese(project, pm, login, url_name):
    contact = ClientContactFactory(project=project)
    args = [project.pk] if url_name == "contact_create" else [project.pk, contact.pk]

    response = login(pm, language="zh-hans").post(
        reverse(url_name, args=args), CONTACT | {"name": "", "role": "首席信息官"}
    )

    assert_rejected(response, error=REQUIRED_ZH, kept=("首席信息官",))


# --- members ---------------------------------------------------------------------------


def test_pm_adds_a_member_and_changes_their_role(project, pm, login):
    newcomer = UserFactory(username="newcomer")
    client = login(pm)
    url = reverse("member_add", args=[project.pk])

    response = client.post(url, {"username": " newcomer ", "role": ProjectRole.VIEWER}, follow=True)
    client.post(url, {"username": "newcomer", "role": ProjectRole.MEMBER})

    assert "The member was saved." in response.content.decode()
    assert Membership.objects.get(user=newcomer).role == ProjectRole.MEMBER


@pytest.mark.parametrize(
    ("data", "error", "kept"),
    [
        ({"username": "", "role": "pm"}, REQUIRED_EN, ()),
        (
            {"username": "ghost", "role": "pm"},
            "There is no active user called “ghost”.",
            ("ghost",),
        ),
        (
            {"username": SCRIPT, "role": "pm"},
            f"There is no active user called “{escape(SCRIPT)}”.",
            (SCRIPT,),
        ),
        ({"username": "newcomer", "role": "owner"}, "Select a valid choice.", ("newcomer",)),
    ],
)
def test_bad_member_is_explained_and_keeps_what_was_typed(project, pm, login, data, error, kept):
    UserFactory(username="newcomer")

    response = login(pm).post(reverse("member_add", args=[project.pk]), data)

    assert response.status_code == 400
    assert_rejected(response, error=error, kept=kept)
    assert project.memberships.count() == 1


def test_the_last_pm_demoting_themselves_is_explained(project, pm, login):
    response = login(pm).post(
        reverse("member_add", args=[project.pk]), {"username": "pm", "role": ProjectRole.VIEWER}
    )

    assert response.status_code == 400
    assert_rejected(response, error="A project keeps at least one project manager.", kept=("pm",))
    assert Membership.objects.get(user=pm).role == ProjectRole.PM


def test_an_inactive_user_cannot_be_added(project, pm, login):
    UserFactory(username="leaver", is_active=False)

    response = login(pm).post(
        reverse("member_add", args=[project.pk]), {"username": "leaver", "role": "member"}
    )

    assert_rejected(response, error="There is no active user called “leaver”.")


def test_bad_member_is_explained_in_chinese(project, pm, login):
    response = login(pm, language="zh-hans").post(
        reverse("member_add", args=[project.pk]), {"username": "", "role": "pm"}
    )

    assert_rejected(response, error=REQUIRED_ZH)


def test_pm_removes_a_member(project, pm, team_member, login):
    membership = Membership.objects.get(user=team_member)

    response = login(pm).post(
        reverse("member_remove", args=[project.pk, membership.pk]), follow=True
    )

    assert "The member was removed." in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_removing_the_last_pm_is_refused_with_a_message(project, pm, login):
    membership = Membership.objects.get(user=pm)

    response = login(pm).post(
        reverse("member_remove", args=[project.pk, membership.pk]), follow=True
    )

    assert response.status_code == 200
    assert "A project keeps at least one project manager." in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_pm_can_hand_over_to_another_pm(project, pm, login):
    member(project, ProjectRole.PM)

    login(pm).post(reverse("member_remove", args=[project.pk, Membership.objects.get(user=pm).pk]))

    assert not Membership.objects.filter(user=pm).exists()
