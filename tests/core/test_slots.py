"""Slots: a page of a lower app shows what the apps above put in it, in order."""

import pytest
from django.core.exceptions import ValidationError

from apps.core.slots import Slot


def test_a_slot_merges_what_its_fillers_contribute_in_order():
    slot = Slot("page")
    slot.fill(lambda **kw: {"a": 1, "shared": "first"})
    slot.fill(lambda **kw: {"b": kw["n"] * 2, "shared": "second"})

    assert slot.context(n=21) == {"a": 1, "b": 42, "shared": "second"}


def test_a_filler_added_twice_counts_once():
    slot = Slot("page")

    def filler(**kw):
        return {"calls": kw["calls"] + 1}

    slot.fill(filler)
    slot.fill(filler)  # an app made ready twice (tests, reloads)

    assert slot.context(calls=0) == {"calls": 1}


def test_a_query_slot_passes_the_value_through_every_filler():
    slot = Slot("query")
    slot.fill(lambda value, **kw: value + [kw["tag"]])
    slot.fill(lambda value, **kw: value + ["end"])

    assert slot.apply([], tag="x") == ["x", "end"]


def test_a_rule_slot_refuses_with_the_first_filler_that_refuses():
    slot = Slot("rules")
    slot.fill(lambda **kw: None)

    def refuse(**kw):
        raise ValidationError("No.")

    slot.fill(refuse)

    with pytest.raises(ValidationError):
        slot.check(project=None)


def test_the_apps_fill_the_pages_below_them_when_they_start():
    from apps.incidents.pages import INCIDENT_PAGE
    from apps.incidents.selectors import DASHBOARD
    from apps.projects.pages import BEFORE_ARCHIVE, PROJECT_LIST, PROJECT_PAGE

    fillers = {repr(slot) for slot in (INCIDENT_PAGE, DASHBOARD, PROJECT_LIST, PROJECT_PAGE)}
    assert fillers == {
        # the log, the plan, the alternatives, the snoozes, the retrospective, similar cases,
        # the commitments, the trust trend
        "<Slot incident page: 8 filler(s)>",
        "<Slot dashboard: 1 filler(s)>",  # the overdue actions
        "<Slot projects list: 1 filler(s)>",  # the incident counts
        "<Slot project page: 2 filler(s)>",  # the incidents, the message templates' link
    }
    assert repr(BEFORE_ARCHIVE) == "<Slot before a project is archived: 1 filler(s)>"

    from apps.communications.pages import UPDATE_DRAFT

    assert repr(UPDATE_DRAFT) == "<Slot drafting a new status update: 1 filler(s)>"
