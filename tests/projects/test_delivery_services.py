"""The committed delivery date changes only with a reason, and every change stays on the record."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.events.models import Event
from apps.events.services import SYSTEM
from apps.projects import services
from apps.projects.models import DeliveryDateChange, Project
from apps.projects.selectors import delivery_history
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

DEC_15 = date(2026, 12, 15)
JAN_5 = date(2027, 1, 5)


def _change(project, actor, delivery_date, reason="The client asked for a later go-live.", **kw):
    return services.project_change_delivery_date(
        project=project, actor=actor, delivery_date=delivery_date, reason=reason, **kw
    )


def test_the_first_date_is_a_change_from_no_date(project, pm, now):
    change = _change(project, pm, DEC_15, reason="  Agreed at the kick-off.  ")

    project.refresh_from_db()
    assert project.delivery_date == DEC_15
    assert (change.previous, change.new, change.reason) == (None, DEC_15, "Agreed at the kick-off.")
    assert (change.changed_by, change.changed_at) == (pm, now)


@pytest.mark.parametrize("reason", ["", "   \n ", None])
def test_a_change_without_a_reason_is_refused_and_leaves_nothing(project, pm, reason):
    with pytest.raises(ValidationError) as exc:
        _change(project, pm, DEC_15, reason=reason)

    assert "reason" in exc.value.error_dict
    assert "Say why the delivery date changes" in exc.value.messages[0]
    project.refresh_from_db()
    assert project.delivery_date is None
    assert not DeliveryDateChange.objects.exists()
    assert not Event.objects.filter(verb="project.delivery_date_changed").exists()


def test_the_date_it_already_has_is_refused(project, pm):
    _change(project, pm, DEC_15)

    with pytest.raises(ValidationError) as exc:
        _change(project, pm, DEC_15, reason="Again.")

    assert "delivery_date" in exc.value.error_dict
    assert "already 15 Dec 2026" in exc.value.messages[0]
    assert DeliveryDateChange.objects.count() == 1


def test_a_missing_date_is_refused(project, pm):
    with pytest.raises(ValidationError) as exc:
        _change(project, pm, None)

    assert "delivery_date" in exc.value.error_dict


def test_two_changes_make_a_history_the_latest_first(project, pm, pmo, now):
    _change(project, pm, DEC_15, reason="Agreed at the kick-off.", now=now)
    _change(project, pmo, JAN_5, reason="The client agreed to extend.", now=now + timedelta(days=3))

    history = list(delivery_history(project))

    assert [(c.previous, c.new, c.changed_by) for c in history] == [
        (DEC_15, JAN_5, pmo),
        (None, DEC_15, pm),
    ]
    project.refresh_from_db()
    assert project.delivery_date == JAN_5


def test_a_change_is_recorded_with_the_dates_and_the_reason(project, pm, now):
    _change(project, pm, DEC_15, now=now)
    change = _change(project, pm, JAN_5, reason="Extended with the client.", now=now)

    event = Event.objects.filter(verb="project.delivery_date_changed").latest("pk")
    assert event.actor == pm
    assert event.project_id == project.pk
    assert (event.object_type.model_class(), event.object_id) == (DeliveryDateChange, change.pk)
    assert event.occurred_at == now
    assert event.data == {
        "previous": "2026-12-15",
        "new": "2027-01-05",
        "reason": "Extended with the client.",
    }
    first = Event.objects.filter(verb="project.delivery_date_changed").earliest("pk")
    assert first.data["previous"] is None


def test_the_system_changes_it_without_a_person(project):
    change = _change(project, SYSTEM, DEC_15, reason="Imported from the contract.")

    assert change.changed_by is None
    assert Event.objects.get(verb="project.delivery_date_changed").actor is None


def test_a_project_created_with_a_date_has_it_as_its_first_change(now):
    creator, lead = UserFactory(), UserFactory()

    project = services.project_create(
        client=ClientFactory(), name="Dispatch", pmo_lead=lead, actor=creator, delivery_date=DEC_15
    )

    assert project.delivery_date == DEC_15
    [change] = delivery_history(project)
    assert (change.previous, change.new, change.changed_by) == (None, DEC_15, creator)
    assert change.reason == "Set when the project was created"
    verbs = list(
        Event.objects.filter(project=project).order_by("pk").values_list("verb", flat=True)
    )
    assert verbs.index("project.created") < verbs.index("project.delivery_date_changed")
    assert "delivery_date" not in Event.objects.get(verb="project.created").data


def test_a_project_created_without_a_date_has_no_history():
    project = services.project_create(
        client=ClientFactory(), name="Dispatch", pmo_lead=UserFactory(), actor=UserFactory()
    )

    assert project.delivery_date is None
    assert not delivery_history(project).exists()


def test_editing_the_project_cannot_move_the_date(project, pm):
    with pytest.raises(TypeError):
        services.project_update(project=project, actor=pm, delivery_date=DEC_15)

    assert Project.objects.get(pk=project.pk).delivery_date is None


def test_the_history_is_kept_in_the_order_it_happened_even_in_the_same_moment(project, pm):
    moment = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    _change(project, pm, DEC_15, now=moment)
    _change(project, pm, JAN_5, now=moment)

    assert [c.new for c in delivery_history(project)] == [JAN_5, DEC_15]
