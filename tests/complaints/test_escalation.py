"""The SLA clock's warning and escalation ladder (R-CMP-5) with a frozen clock: once per
level, never skipping one, whatever the number of runs or a crash between levels."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from dealercare.complaints.models import ComplaintEscalation, ComplaintLadderStep
from dealercare.complaints.services import escalation
from dealercare.complaints.services.escalation import complaints_escalate
from dealercare.core.messaging.models import MessageChannel, OutboxMessage
from dealercare.core.roles import Role
from tests.complaints.factories import received, walk

pytestmark = pytest.mark.django_db(transaction=True)

NOW = timezone.now().replace(microsecond=0)


def levels(complaint, clock="first_response"):
    rows = ComplaintEscalation.objects.filter(complaint=complaint, clock=clock)
    return sorted(rows.values_list("level", flat=True))


def inbox_of(user):
    return OutboxMessage.objects.filter(channel=MessageChannel.INBOX, recipient_id=user.pk)


@time_machine.travel(NOW, tick=False)
def test_18_hours_old_warns_its_receiver_once(cast):
    complaint = received(cast, received_at=NOW - timedelta(hours=18, minutes=1))
    fresh = received(cast, received_at=NOW - timedelta(hours=10))
    agent = cast.staff_a[Role.CSR]
    assert complaints_escalate() == {"levels": 1, "messages": 1}
    assert levels(complaint) == [0] and levels(fresh) == []
    message = inbox_of(agent).get()
    assert "TS-" in message.subject and message.link == f"/complaints/{complaint.pk}/"
    assert complaints_escalate() == {"levels": 0, "messages": 0}
    assert inbox_of(agent).count() == 1


@time_machine.travel(NOW, tick=False)
def test_25_hours_without_response_goes_to_the_service_manager_once(cast):
    cast.staff_a[Role.MANAGER].email = "manager@sh01.example"
    cast.staff_a[Role.MANAGER].save()
    complaint = received(cast, received_at=NOW - timedelta(hours=25))
    answered = walk(cast, received(cast, received_at=NOW - timedelta(hours=25)), "classify")
    complaints_escalate()
    assert levels(complaint) == [1]
    assert levels(answered) == []
    manager = cast.staff_a[Role.MANAGER]
    to_manager = OutboxMessage.objects.filter(recipient_id=manager.pk)
    assert sorted(to_manager.values_list("channel", "status")) == [
        ("email", "queued"),
        ("inbox", "queued"),
    ]
    assert not OutboxMessage.objects.filter(recipient_id=cast.staff_b[Role.MANAGER].pk).exists()
    assert not OutboxMessage.objects.filter(recipient_id=cast.staff_a[Role.CSR].pk).exists()
    count = OutboxMessage.objects.count()
    complaints_escalate()
    assert OutboxMessage.objects.count() == count
    assert levels(complaint) == [1]


@time_machine.travel(NOW, tick=False)
def test_three_levels_late_gets_each_level_once_in_order(cast):
    complaint = received(cast, received_at=NOW - timedelta(hours=24 + 25))
    complaints_escalate()
    rows = ComplaintEscalation.objects.filter(complaint=complaint).order_by("id")
    assert [(r.level, r.target) for r in rows] == [(1, "manager"), (2, "admin"), (3, "oem")]
    assert inbox_of(cast.staff_a[Role.DEALER_ADMIN]).count() == 1
    assert inbox_of(cast.oem).count() == 1
    assert inbox_of(cast.staff_a[Role.MANAGER]).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_crash_between_levels_sends_nothing_twice_and_skips_nothing(cast, monkeypatch):
    complaint = received(cast, received_at=NOW - timedelta(hours=24 + 25))
    real = escalation._claim_level

    def crash_at_level_2(clock, level, now):
        if level == 2:
            raise RuntimeError("the worker died")
        return real(clock, level, now)

    monkeypatch.setattr(escalation, "_claim_level", crash_at_level_2)
    with pytest.raises(RuntimeError):
        complaints_escalate()
    assert levels(complaint) == [1]
    sent = OutboxMessage.objects.count()
    assert sent == 2
    monkeypatch.setattr(escalation, "_claim_level", real)
    complaints_escalate()
    complaints_escalate()
    assert levels(complaint) == [1, 2, 3]
    keys = list(OutboxMessage.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) == 6


def test_a_crash_inside_a_level_rolls_its_rows_back(cast, monkeypatch):
    complaint = received(cast, received_at=timezone.now() - timedelta(hours=30))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(escalation, "_messages", broken)
    with pytest.raises(RuntimeError):
        complaints_escalate()
    assert levels(complaint) == []
    monkeypatch.undo()
    complaints_escalate()
    assert levels(complaint) == [1]


def test_feedback_clock_runs_after_implementation(cast):
    complaint = walk(cast, received(cast), "implement")
    later = timezone.now() + timedelta(hours=19)
    with time_machine.travel(later, tick=False):
        complaints_escalate()
    assert levels(complaint, "feedback") == [0]
    with time_machine.travel(later + timedelta(hours=6), tick=False):
        complaints_escalate()
    assert levels(complaint, "feedback") == [0, 1]
    assert levels(complaint) == []


def test_the_dealers_ladder_decides_when_and_who(cast):
    ComplaintLadderStep.objects.create(
        dealer=cast.dealer_a, level=1, after_minutes=120, target="admin", channel="email"
    )
    complaint = received(cast, received_at=timezone.now() - timedelta(hours=25))
    complaints_escalate()
    assert levels(complaint) == []
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        complaints_escalate()
    assert list(ComplaintEscalation.objects.values_list("level", "target")) == [(1, "admin")]
    # A ladder of one level climbs no further.
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        complaints_escalate()
    assert levels(complaint) == [1]
    assert ComplaintLadderStep.objects.filter(dealer=cast.dealer_b).count() == 3


def test_the_job_is_registered(cast):
    from dealercare.core.scheduling import registered_jobs

    assert "complaints_sla_escalate" in registered_jobs()
