"""A project's own templates: saved with a trace, refused when wrong, reset to the default."""

import pytest
from django.core.exceptions import ValidationError

from apps.events.models import Event
from apps.messagetemplates import services
from apps.messagetemplates.kinds import MAX_BODY_CHARS, default_body
from apps.messagetemplates.models import ProjectTemplate
from apps.messagetemplates.selectors import template_body

pytestmark = pytest.mark.django_db

OWN = "Dear {client} team,\n\nWe are sorry. Our next update will reach you by {next_update}.\n"


def _save(project, pm, body=OWN, kind="first_notice", language="en"):
    return services.template_save(
        project=project, kind=kind, language=language, body=body, actor=pm
    )


def test_a_saved_template_is_the_one_the_project_uses(project, pm):
    _save(project, pm)
    assert template_body(project, "first_notice", "en") == OWN
    assert template_body(project, "first_notice", "zh-hans") == default_body(
        "first_notice", "zh-hans"
    )


def test_saving_records_the_change_with_the_default_as_before(project, pm, now):
    template = _save(project, pm)
    event = Event.objects.get(verb="message_template.saved")
    assert event.actor == pm
    assert event.project_id == project.pk
    assert event.object_id == template.pk
    assert event.data == {
        "kind": "first_notice",
        "language": "en",
        "changes": {"body": {"before": default_body("first_notice", "en"), "after": OWN}},
    }
    assert template.updated_by == pm and template.updated_at == now


def test_a_second_save_records_the_previous_text_as_before(project, pm):
    _save(project, pm)
    second = OWN.replace("We are sorry.", "We apologise.")
    _save(project, pm, second)
    latest = Event.objects.filter(verb="message_template.saved").order_by("-pk").first()
    assert latest.data["changes"]["body"] == {"before": OWN, "after": second}
    assert ProjectTemplate.objects.count() == 1


def test_saving_the_same_text_again_changes_nothing(project, pm):
    _save(project, pm)
    _save(project, pm)
    assert _save(project, pm, default_body("update", "en"), kind="update") is None
    assert Event.objects.filter(verb="message_template.saved").count() == 1


def test_unknown_placeholders_are_refused_by_name(project, pm):
    with pytest.raises(ValidationError) as refused:
        _save(project, pm, "Hello {client_name}, see {cause} and {when}.")
    message = " ".join(refused.value.messages)
    assert "{client_name}" in message and "{when}" in message and "{cause}" not in message
    assert not ProjectTemplate.objects.exists()


def test_other_braces_and_django_syntax_are_only_text(project, pm):
    body = "Costs {{ project.secret }} and { cause } stay as typed. Next update by {next_update}."
    _save(project, pm, body)
    assert template_body(project, "first_notice", "en") == body + "\n"


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_template_is_refused(project, pm, body):
    with pytest.raises(ValidationError, match="reset it to the default"):
        _save(project, pm, body)


def test_a_template_over_the_limit_is_refused(project, pm):
    with pytest.raises(ValidationError, match="at most"):
        _save(project, pm, "x" * (MAX_BODY_CHARS + 1))


def test_an_unknown_kind_or_language_is_refused(project, pm):
    with pytest.raises(ValidationError):
        _save(project, pm, kind="complaint")
    with pytest.raises(ValidationError):
        _save(project, pm, language="fr")


def test_reset_brings_the_default_back_and_keeps_what_it_said(project, pm):
    template = _save(project, pm)
    assert services.template_reset(project=project, kind="first_notice", language="en", actor=pm)
    assert template_body(project, "first_notice", "en") == default_body("first_notice", "en")
    event = Event.objects.get(verb="message_template.reset")
    assert event.actor == pm and event.object_id == template.pk
    assert event.data == {"kind": "first_notice", "language": "en", "body": OWN}


def test_resetting_a_default_does_nothing(project, pm):
    assert not services.template_reset(project=project, kind="update", language="en", actor=pm)
    assert not Event.objects.filter(verb="message_template.reset").exists()


def test_one_projects_template_is_not_anothers(project, pm):
    from tests.factories import ProjectFactory

    _save(project, pm)
    assert template_body(ProjectFactory(), "first_notice", "en") == default_body(
        "first_notice", "en"
    )
