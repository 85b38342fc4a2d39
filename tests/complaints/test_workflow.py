"""The complaint's workflow (R-CMP-4): every legal and illegal move, by role, and the
times each move stamps (first response, feedback clock, close)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from dealercare.complaints.models import Complaint
from dealercare.complaints.services import StepInput, complaint_transition, complaint_update
from dealercare.core.errors import (
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
)
from dealercare.core.roles import Role
from dealercare.customers.selectors import customer_timeline
from tests.complaints.factories import PATH, received, step_input, walk

pytestmark = pytest.mark.django_db
S = Complaint.Status

# The move each state allows for a complaint, written from R-CMP-4.
LEGAL = {
    S.RECEIVED: {"classify"},
    S.CLASSIFIED: {"assign"},
    S.ASSIGNED: {"investigate"},
    S.INVESTIGATING: {"propose"},
    S.SOLUTION_PROPOSED: {"implement"},
    S.IMPLEMENTED: {"feedback"},
    S.FEEDBACK_GIVEN: {"close"},
    S.CLOSED: {"reopen"},
}
ALL_MOVES = [*PATH, "answer", "reopen", "fly"]
STATE_AFTER = dict(
    zip(
        PATH,
        [
            S.CLASSIFIED,
            S.ASSIGNED,
            S.INVESTIGATING,
            S.SOLUTION_PROPOSED,
            S.IMPLEMENTED,
            S.FEEDBACK_GIVEN,
            S.CLOSED,
        ],
        strict=True,
    )
)


def complaint_in(cast, state):
    complaint = received(cast)
    if state == S.RECEIVED:
        return complaint
    move = next(m for m, s in STATE_AFTER.items() if s == state)
    return walk(cast, complaint, move)


@pytest.mark.parametrize("state", list(LEGAL))
def test_each_state_allows_only_its_moves(cast, state):
    actor = cast.staff_a[Role.MANAGER]
    for move in ALL_MOVES:
        complaint = complaint_in(cast, state)
        if move in LEGAL[state]:
            moved = complaint_transition(
                actor=actor, complaint=complaint, move=move, data=step_input(cast)
            )
            assert moved.status != state
        else:
            with pytest.raises(InvalidTransition):
                complaint_transition(
                    actor=actor, complaint=complaint, move=move, data=step_input(cast)
                )
            complaint.refresh_from_db()
            assert complaint.status == state


@pytest.mark.parametrize(
    "role,may_handle,may_reopen",
    [
        (Role.DEALER_ADMIN, True, True),
        (Role.MANAGER, True, True),
        (Role.CSR, True, False),
        (Role.ADVISOR, False, False),
        (Role.SALES, False, False),
        (Role.TECHNICIAN, False, False),
        (Role.INSPECTOR, False, False),
        (Role.PARTS, False, False),
        (Role.INSURANCE, False, False),
    ],
)
def test_moves_by_role(cast, role, may_handle, may_reopen):
    actor = cast.staff_a[role]
    complaint = received(cast)
    if may_handle:
        complaint_transition(
            actor=actor, complaint=complaint, move="classify", data=step_input(cast)
        )
    else:
        with pytest.raises(PermissionDenied):
            complaint_transition(
                actor=actor, complaint=complaint, move="classify", data=step_input(cast)
            )
    closed = walk(cast, received(cast), "close")
    if may_reopen:
        reopened = complaint_transition(
            actor=actor, complaint=closed, move="reopen", data=step_input(cast)
        )
        assert reopened.status == S.INVESTIGATING
    else:
        with pytest.raises(PermissionDenied):
            complaint_transition(
                actor=actor, complaint=closed, move="reopen", data=step_input(cast)
            )


def test_full_path_stamps_the_clocks_and_keeps_the_feedback(cast):
    start = timezone.now()
    complaint = received(cast, received_at=start - timedelta(hours=2))
    with time_machine.travel(start, tick=False):
        complaint = walk(cast, complaint, "classify")
        assert complaint.first_responded_at == start
        complaint = walk(cast, complaint, "implement")
    assert complaint.implemented_at == start
    assert complaint.feedback_due_at == start + timedelta(hours=24)
    assert complaint.feedback_warn_at == start + timedelta(hours=18)
    assert complaint.first_responded_at == start
    complaint = complaint_transition(
        actor=cast.staff_a[Role.CSR],
        complaint=complaint,
        move="feedback",
        data=step_input(cast),
    )
    assert (complaint.result, complaint.cause, complaint.improvement) == (
        "客户接受方案",
        "技师漏检",
        "交车前增加复检",
    )
    assert complaint.satisfaction == 4
    assert complaint.owner == cast.staff_a[Role.CSR]
    assert complaint.department == "workshop"
    complaint = walk(cast, complaint, "close")
    assert complaint.closed_at is not None
    actions = [
        e.action
        for e in customer_timeline(actor=cast.staff_a[Role.CSR], customer=complaint.customer)
    ]
    assert "complaint.close" in actions and "complaint.feedback" in actions


def test_reopen_needs_a_reason_and_starts_a_new_cycle(cast):
    closed = walk(cast, received(cast), "close")
    with pytest.raises(InvalidInput) as error:
        complaint_transition(
            actor=cast.staff_a[Role.MANAGER], complaint=closed, move="reopen", data=StepInput()
        )
    assert "reason" in error.value.fields
    reopened = complaint_transition(
        actor=cast.staff_a[Role.MANAGER], complaint=closed, move="reopen", data=step_input(cast)
    )
    assert reopened.cycle == 1
    assert reopened.closed_at is None and reopened.feedback_due_at is None


def test_steps_refuse_missing_fields_and_change_nothing(cast):
    complaint = received(cast)
    agent = cast.staff_a[Role.CSR]
    with pytest.raises(InvalidInput) as error:
        complaint_transition(actor=agent, complaint=complaint, move="classify", data=StepInput())
    assert set(error.value.fields) == {"category", "urgency"}
    complaint = walk(cast, complaint, "classify")
    outsider = cast.staff_b[Role.CSR]
    bad = StepInput(owner_id=outsider.pk, department="moon", solve_by=timezone.now() - timedelta(1))
    with pytest.raises(InvalidInput) as error:
        complaint_transition(actor=agent, complaint=complaint, move="assign", data=bad)
    assert set(error.value.fields) == {"owner_id", "department", "solve_by"}
    technician = StepInput(
        owner_id=cast.staff_a[Role.TECHNICIAN].pk,
        department="workshop",
        solve_by=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(InvalidInput):
        complaint_transition(actor=agent, complaint=complaint, move="assign", data=technician)
    complaint.refresh_from_db()
    assert complaint.status == S.CLASSIFIED and complaint.owner is None
    walk_to_implemented = walk(cast, complaint, "implement")
    with pytest.raises(InvalidInput) as error:
        complaint_transition(
            actor=agent,
            complaint=walk_to_implemented,
            move="feedback",
            data=StepInput(result="ok", cause="x", improvement="y", satisfaction=9),
        )
    assert set(error.value.fields) == {"satisfaction"}


def test_stale_version_is_refused(cast):
    complaint = received(cast)
    seen = complaint.version
    complaint_update(
        actor=cast.staff_a[Role.CSR], complaint=complaint, changes={"urgency": "high"}, version=seen
    )
    with pytest.raises(StaleVersion):
        complaint_transition(
            actor=cast.staff_a[Role.CSR],
            complaint=complaint,
            move="classify",
            data=step_input(cast),
            version=seen,
        )


def test_another_dealers_complaint_cannot_be_moved(cast):
    theirs = received(cast, dealer="b")
    from dealercare.core.errors import NotFound

    with pytest.raises(NotFound):
        complaint_transition(
            actor=cast.staff_a[Role.MANAGER],
            complaint=theirs,
            move="classify",
            data=step_input(cast),
        )


@pytest.mark.parametrize("kind", ["inquiry", "suggestion"])
def test_light_kinds_are_answered_then_closed(cast, kind):
    item = received(cast, kind=kind)
    agent = cast.staff_a[Role.CSR]
    with pytest.raises(InvalidTransition):
        complaint_transition(actor=agent, complaint=item, move="classify", data=step_input(cast))
    with pytest.raises(InvalidInput):
        complaint_transition(actor=agent, complaint=item, move="answer", data=StepInput())
    item = walk(cast, item, "answer")
    assert item.status == S.ANSWERED and item.first_responded_at is not None
    assert item.answer == "周末照常营业"
    item = walk(cast, item, "close")
    assert item.status == S.CLOSED
    with pytest.raises(InvalidTransition):
        complaint_transition(
            actor=cast.staff_a[Role.MANAGER], complaint=item, move="reopen", data=step_input(cast)
        )
    with pytest.raises(InvalidTransition):
        complaint_transition(
            actor=agent, complaint=received(cast), move="answer", data=step_input(cast)
        )
