"""Alternatives and decisions: the rules, the history, and one chosen alternative at a time."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from apps.alternatives import services
from apps.alternatives.models import Alternative, AlternativeStatus, Decision
from apps.communications.models import LogChannel, LogEntry, MeetingStatus
from apps.core.concurrency import EditConflict
from apps.incidents.models import Incident, IncidentStatus
from apps.incidents.services import incident_change_status
from apps.projects.models import ProjectRole
from tests.factories import (
    ClientContactFactory,
    IncidentFactory,
    MeetingFactory,
    ProjectFactory,
    close_incident,
    informed_incident,
    member,
)

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _statuses(incident):
    return dict(Alternative.objects.filter(incident=incident).values_list("title_en", "status"))


# --- alternatives -------------------------------------------------------------------------


def test_an_alternative_is_proposed_with_its_trade_offs(informed, pm, now):
    alternative = services.alternative_propose(
        incident=informed,
        actor=pm,
        title_en="  Extend 30 days ",
        description_en=" Partition the engine. ",
        schedule_impact_days=30,
        cost_impact=180_000,
        pros_en="Full scope.",
        now=now,
    )

    assert (alternative.title, alternative.description) == (
        "Extend 30 days",
        "Partition the engine.",
    )
    assert alternative.status == AlternativeStatus.PROPOSED
    assert alternative.version == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("title_en", {"title_en": "  "}),
        ("description_en", {"description_en": ""}),
        ("description_en", {"description_en": " \n "}),
    ],
)
def test_an_alternative_needs_a_title_and_a_description(informed, propose, field, kwargs):
    with pytest.raises(ValidationError) as exc:
        propose(informed, **kwargs)

    assert field in exc.value.message_dict
    assert not Alternative.objects.exists()


def test_an_alternative_is_read_in_the_readers_language(informed, propose):
    alternative = propose(
        informed,
        title_en="Extend 30 days",
        title_zh_hans="延期 30 天",
        description_en="Partition the engine.",
        description_zh_hans="重构调度引擎。",
        cons_en="A month later.",
    )

    with translation.override("zh-hans"):
        assert (alternative.title, alternative.description) == ("延期 30 天", "重构调度引擎。")
        assert alternative.cons == "A month later."  # only in English: the English
    with translation.override("en"):
        assert (alternative.title, alternative.description) == (
            "Extend 30 days",
            "Partition the engine.",
        )


def test_an_alternative_written_only_in_chinese_is_proposed(informed, propose):
    alternative = propose(
        informed, title_en="", description_en="", title_zh_hans="延期", description_zh_hans="重构。"
    )

    with translation.override("en"):
        assert alternative.title == "延期"
    assert (alternative.title_en, alternative.description_en) == ("", "")


def test_an_unknown_text_is_a_programming_error(informed, propose):
    with pytest.raises(TypeError):
        propose(informed, title="Extend 30 days")


def test_the_database_refuses_an_alternative_without_a_title(informed, propose):
    alternative = propose(informed)

    with pytest.raises(IntegrityError), transaction.atomic():
        Alternative.objects.filter(pk=alternative.pk).update(title_en="", title_zh_hans="")


def test_an_edit_from_an_old_version_is_a_conflict(informed, propose):
    alternative = propose(informed)
    services.alternative_update(
        alternative=Alternative.objects.get(pk=alternative.pk),
        expected_version=1,
        risks_en="Some.",
        actor=Alternative.objects.get(pk=alternative.pk).created_by,
    )

    with pytest.raises(EditConflict) as exc:
        services.alternative_update(
            alternative=alternative,
            expected_version=1,
            risks_en="Mine.",
            actor=alternative.created_by,
        )

    assert exc.value.current.risks == "Some."
    alternative.refresh_from_db()
    assert (alternative.risks, alternative.version) == ("Some.", 2)


def test_editing_status_through_the_edit_service_is_a_programming_error(informed, propose):
    alternative = propose(informed)

    with pytest.raises(TypeError):
        services.alternative_update(
            alternative=alternative,
            expected_version=1,
            status="chosen",
            actor=alternative.created_by,
        )


def test_a_proposed_alternative_is_set_aside_with_a_reason(informed, propose):
    alternative = propose(informed)

    alternative = services.alternative_reject(
        alternative=alternative, reason_en=" Too risky. ", actor=alternative.created_by
    )

    assert (alternative.status, alternative.rejection_reason) == ("rejected", "Too risky.")
    assert alternative.version == 2


def test_a_reason_in_chinese_only_sets_an_alternative_aside(informed, propose):
    alternative = propose(informed)

    alternative = services.alternative_reject(
        alternative=alternative, reason_zh_hans="风险太高。", actor=alternative.created_by
    )

    assert (alternative.rejection_reason_en, alternative.rejection_reason_zh_hans) == (
        "",
        "风险太高。",
    )


def test_setting_aside_needs_a_reason(informed, propose):
    alternative = propose(informed)

    with pytest.raises(ValidationError) as exc:
        services.alternative_reject(
            alternative=alternative, reason_en="   ", actor=alternative.created_by
        )

    assert "reason_en" in exc.value.message_dict
    alternative.refresh_from_db()
    assert alternative.status == AlternativeStatus.PROPOSED


def test_only_a_proposed_alternative_can_be_set_aside(informed, propose, decide):
    chosen, other = propose(informed), propose(informed)
    decide(informed, chosen)
    other.refresh_from_db()

    for alternative in (chosen, other):  # chosen, and already rejected
        with pytest.raises(ValidationError) as exc:
            services.alternative_reject(
                alternative=alternative,
                reason_en="Changed our minds.",
                actor=alternative.created_by,
            )
        assert exc.value.code == "not_proposed"
    chosen.refresh_from_db()
    assert chosen.status == AlternativeStatus.CHOSEN


def test_the_database_refuses_a_rejected_alternative_without_reason(informed, propose):
    alternative = propose(informed)

    with pytest.raises(IntegrityError), transaction.atomic():
        Alternative.objects.filter(pk=alternative.pk).update(status="rejected")


# --- deciding -----------------------------------------------------------------------------


def test_a_decision_chooses_one_and_sets_the_other_proposals_aside(
    informed, propose, decide, pm, contact, held_meeting, now
):
    extend, launch, staff = propose(informed), propose(informed), propose(informed)

    decision = decide(
        informed,
        extend,
        meeting=held_meeting,
        decided_at=held_meeting.starts_at,
        others_reason_en="Reduced scope or a staffing bet were not acceptable.",
    )

    assert decision.alternative == extend
    assert decision.meeting == held_meeting
    assert decision.decided_at == held_meeting.starts_at
    assert list(decision.client_agreed.all()) == [contact]
    assert list(decision.team_agreed.all()) == [pm]
    assert decision.supersedes is None and decision.is_current
    assert _statuses(informed) == {
        extend.title: "chosen",
        launch.title: "rejected",
        staff.title: "rejected",
    }
    assert set(
        Alternative.objects.filter(status="rejected").values_list("rejection_reason_en", flat=True)
    ) == {"Reduced scope or a staffing bet were not acceptable."}


def test_the_decision_and_the_reason_for_the_others_are_kept_in_both_languages(
    informed, propose, decide
):
    chosen, other = propose(informed), propose(informed)

    decision = decide(
        informed,
        chosen,
        rationale_en="Full scope kept.",
        rationale_zh_hans="保留全部范围。",
        others_reason_en="Operations cannot wait.",
        others_reason_zh_hans="运营方等不了。",
    )

    other.refresh_from_db()
    with translation.override("zh-hans"):
        assert (decision.rationale, other.rejection_reason) == ("保留全部范围。", "运营方等不了。")
    with translation.override("en"):
        assert (decision.rationale, other.rejection_reason) == (
            "Full scope kept.",
            "Operations cannot wait.",
        )


def test_the_database_refuses_a_decision_without_a_rationale(informed, propose, decide):
    decision = decide(informed, propose(informed))

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(rationale_en="", rationale_zh_hans="")


def test_the_incident_moves_to_plan_agreed(informed, propose, decide):
    decide(informed, propose(informed))

    informed.refresh_from_db()
    assert informed.status == IncidentStatus.PLAN_AGREED


def test_a_decision_while_recovering_brings_the_incident_back_to_plan_agreed(
    informed, propose, decide
):
    first = propose(informed)
    decide(informed, first)
    incident_change_status(
        incident=informed, status=IncidentStatus.RECOVERING, actor=informed.declared_by
    )

    decide(informed, propose(informed))

    informed.refresh_from_db()
    assert informed.status == IncidentStatus.PLAN_AGREED


@pytest.mark.parametrize("status", [IncidentStatus.RESOLVED, IncidentStatus.DECLARED])
def test_the_incident_stays_put_when_plan_agreed_is_no_valid_step(
    project, pm, now, propose, decide, status
):
    if status == IncidentStatus.DECLARED:
        incident = IncidentFactory(project=project, declared_by=pm, now=now - HOUR)
    else:
        incident = incident_change_status(
            incident=informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR),
            status=IncidentStatus.RESOLVED,
            actor=informed_incident(
                project=project, declared_by=pm, now=now - 2 * HOUR
            ).declared_by,
        )

    decide(incident, propose(incident))

    incident.refresh_from_db()
    assert incident.status == status


def test_the_decision_is_noted_on_the_timeline(informed, propose, decide):
    decide(informed, propose(informed, title_en="Extend 30 days"), rationale_en="Full scope kept.")

    [note] = LogEntry.objects.filter(incident=informed, channel=LogChannel.NOTE)
    assert note.summary == "Decision: “Extend 30 days” chosen with the client. Full scope kept."
    assert note.client_visible is False


def test_a_decision_needs_the_clients_agreement(informed, propose, decide):
    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), client_agreed=[])

    assert "client_agreed" in exc.value.message_dict
    assert not Decision.objects.exists()


def test_a_decision_needs_the_teams_agreement(informed, propose, decide):
    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), team_agreed=[])

    assert "team_agreed" in exc.value.message_dict


def test_only_contacts_of_the_project_agree_for_the_client(informed, propose, decide, contact):
    elsewhere = ClientContactFactory(project=ProjectFactory())

    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), client_agreed=[contact, elsewhere])

    assert "client_agreed" in exc.value.message_dict
    assert not Decision.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "member_elsewhere"])
def test_only_members_of_the_project_agree_for_the_team(informed, propose, decide, stranger, who):
    outsider = stranger if who == "stranger" else member(ProjectFactory(), ProjectRole.PM)

    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), team_agreed=[outsider])

    assert "team_agreed" in exc.value.message_dict
    assert not Decision.objects.exists()


def test_the_pmo_lead_can_agree_for_the_team(informed, propose, decide):
    decision = decide(informed, propose(informed), team_agreed=[informed.project.pmo_lead])

    assert list(decision.team_agreed.all()) == [informed.project.pmo_lead]


def test_a_decision_needs_a_rationale(informed, propose, decide):
    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), rationale_en="  ")

    assert "rationale_en" in exc.value.message_dict


def test_a_decision_cannot_be_dated_in_the_future(informed, propose, decide, now):
    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), decided_at=now + HOUR)

    assert "decided_at" in exc.value.message_dict


def test_the_meeting_must_be_one_of_this_incident(informed, propose, decide, pm, now):
    other = IncidentFactory(project=informed.project, declared_by=pm, now=now)
    stray = MeetingFactory(incident=other, starts_at=now - HOUR)

    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), meeting=stray)

    assert "meeting" in exc.value.message_dict


def test_a_cancelled_meeting_took_no_decision(informed, propose, decide, held_meeting):
    held_meeting.status = MeetingStatus.CANCELLED
    held_meeting.save()

    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(informed), meeting=held_meeting)

    assert "meeting" in exc.value.message_dict


def test_an_alternative_of_another_incident_cannot_be_chosen(informed, propose, decide, pm, now):
    other = informed_incident(project=informed.project, declared_by=pm, now=now - 2 * HOUR)

    with pytest.raises(ValidationError) as exc:
        decide(informed, propose(other))

    assert "alternative" in exc.value.message_dict


def test_the_chosen_alternative_cannot_be_chosen_again(informed, propose, decide):
    chosen = propose(informed)
    decide(informed, chosen)

    with pytest.raises(ValidationError) as exc:
        decide(informed, chosen)

    assert "alternative" in exc.value.message_dict
    assert Decision.objects.count() == 1


def test_the_others_need_a_reason_when_other_proposals_remain(informed, propose, decide):
    chosen, _other = propose(informed), propose(informed)

    with pytest.raises(ValidationError) as exc:
        decide(informed, chosen, others_reason_en="  ")

    assert f"reason_{_other.pk}_en" in exc.value.message_dict
    assert _statuses(informed) == {chosen.title: "proposed", _other.title: "proposed"}


def test_no_reason_for_the_others_when_none_remains(informed, propose, decide):
    decision = decide(informed, propose(informed), others_reason_en="")

    assert decision.alternative.status == AlternativeStatus.CHOSEN


def test_a_closed_incidents_decisions_are_final(informed, propose, decide):
    alternative = propose(informed)
    informed = close_incident(informed, actor=informed.declared_by)
    alternative.refresh_from_db()

    for attempt in (
        lambda: propose(informed),
        lambda: services.alternative_update(
            alternative=alternative, expected_version=1, risks_en="x", actor=alternative.created_by
        ),
        lambda: services.alternative_reject(
            alternative=alternative, reason_en="x", actor=alternative.created_by
        ),
        lambda: decide(informed, alternative),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "closed"
    assert not Decision.objects.exists()


# --- a new decision supersedes the old one ---------------------------------------------------


def test_a_new_decision_supersedes_the_old_one_and_keeps_the_history(
    informed, propose, decide, now
):
    extend, launch = propose(informed), propose(informed)
    first = decide(informed, extend, decided_at=now - HOUR)

    second = decide(
        informed,
        launch,
        expected_current_decision_id=first.pk,
        rationale_en="The client needs the date after all.",
    )

    first.refresh_from_db()
    extend.refresh_from_db()
    assert first.superseded_at == now
    assert not first.is_current
    assert second.supersedes == first
    assert second.is_current
    assert services.current_decision(informed) == second
    assert extend.status == AlternativeStatus.REJECTED
    assert "The client needs the date after all." in extend.rejection_reason
    assert Alternative.objects.get(status="chosen") == launch
    assert Decision.objects.count() == 2


def test_a_replaced_choice_is_set_aside_in_the_languages_the_new_rationale_is_written_in(
    informed, propose, decide, now
):
    extend, launch = propose(informed), propose(informed)
    first = decide(informed, extend, decided_at=now - HOUR)

    decide(
        informed,
        launch,
        expected_current_decision_id=first.pk,
        rationale_en="",
        rationale_zh_hans="客户还是需要按期上线。",
    )

    extend.refresh_from_db()
    assert extend.rejection_reason_en == ""
    assert extend.rejection_reason_zh_hans.endswith("客户还是需要按期上线。")
    assert "Replaced" not in extend.rejection_reason_zh_hans
    assert "2025-03-10" in extend.rejection_reason_zh_hans


def test_a_set_aside_alternative_can_be_chosen_later(informed, propose, decide):
    extend, launch = propose(informed), propose(informed)
    first = decide(informed, extend)
    launch.refresh_from_db()
    assert launch.status == AlternativeStatus.REJECTED

    decide(informed, launch, expected_current_decision_id=first.pk)

    launch.refresh_from_db()
    assert (launch.status, launch.rejection_reason) == (AlternativeStatus.CHOSEN, "")


# --- one chosen alternative, enforced by the database ------------------------------------------


def test_the_database_allows_one_chosen_alternative_per_incident(informed, propose, decide):
    chosen, other = propose(informed), propose(informed)
    decide(informed, chosen, others_reason_en="Not this time.")

    with pytest.raises(IntegrityError), transaction.atomic():
        Alternative.objects.filter(pk=other.pk).update(
            status="chosen", rejection_reason_en="", rejection_reason_zh_hans=""
        )

    assert list(Alternative.objects.filter(status="chosen")) == [chosen]


def test_the_database_allows_one_current_decision_per_incident(informed, propose, decide, pm, now):
    first = decide(informed, propose(informed))

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            incident=informed,
            alternative=first.alternative,
            decided_at=now,
            rationale_en="A second current decision.",
            recorded_by=pm,
            recorded_at=now,
        )


def test_another_incident_may_have_its_own_chosen_alternative(informed, propose, decide, pm, now):
    other = informed_incident(project=informed.project, declared_by=pm, now=now - 2 * HOUR)
    decide(informed, propose(informed))

    decide(other, propose(other))

    assert Alternative.objects.filter(status="chosen").count() == 2


# --- two people deciding at once -------------------------------------------------------------


def test_a_decision_from_a_stale_page_is_refused(informed, propose, decide):
    """Two people opened the form before any decision; the second to submit is refused."""
    extend, launch = propose(informed), propose(informed)
    decide(informed, extend, expected_current_decision_id=None)

    with pytest.raises(ValidationError) as exc:
        decide(informed, launch, expected_current_decision_id=None)

    assert exc.value.code == "decision_conflict"
    assert extend.title in exc.value.messages[0]
    assert list(Alternative.objects.filter(status="chosen")) == [extend]
    assert Decision.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs row locks and concurrent connections: SQLite serialises every writer.",
)
def test_two_concurrent_decisions_one_wins_the_other_is_told(
    transactional_db, project, pm, contact, now
):
    incident = informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)
    alternatives = [
        services.alternative_propose(
            incident=incident, actor=pm, title_en=title, description_en="A way.", now=now - HOUR
        )
        for title in ("Extend 30 days", "Launch on time")
    ]
    barrier = threading.Barrier(len(alternatives))
    outcomes: dict[str, object] = {}

    def attempt(alternative):
        try:
            barrier.wait(timeout=10)
            services.decision_record(
                incident=Incident.objects.get(pk=incident.pk),
                alternative=alternative,
                actor=pm,
                rationale_en=f"We choose {alternative.title}.",
                client_agreed=[contact],
                team_agreed=[pm],
                expected_current_decision_id=None,
                others_reason_en="The other one was not acceptable.",
            )
            outcomes[alternative.title] = "decided"
        except ValidationError as exc:
            outcomes[alternative.title] = exc
        except Exception as exc:  # anything else is a failure of the test, reported below
            outcomes[alternative.title] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(a,)) for a in alternatives]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, outcomes.values())).count("decided") == 1, outcomes
    [refused] = [o for o in outcomes.values() if o != "decided"]
    assert isinstance(refused, ValidationError), refused
    assert refused.code == "decision_conflict"
    [winner] = [title for title, o in outcomes.items() if o == "decided"]
    assert list(Alternative.objects.filter(status="chosen").values_list("title_en", flat=True)) == [
        winner
    ]
    assert Decision.objects.filter(incident=incident).count() == 1
