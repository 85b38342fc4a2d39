"""The equipment register (R-SVC-11): calibration due dates, the warning job, and no use of
an overdue tester."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.errors import DomainError
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.roles import Role
from dealercare.service.jobs.equipment import equipment_calibration_warn
from dealercare.service.models import Equipment, EquipmentUse, ServiceSettings
from dealercare.service.services.equipment import (
    EquipmentInput,
    equipment_calibration_record,
    equipment_register,
    equipment_use_record,
)
from tests.factories import new_repair_order


def days(n):
    return timezone.localdate() + timedelta(days=n)


def new_equipment(actor, asset_number="EQ-001", **fields):
    values = {"asset_number": asset_number, "name": "诊断仪 X-431", "kind": "tester"} | fields
    return equipment_register(actor=actor, data=EquipmentInput(**values))


@pytest.fixture
def inspector(cast):
    return cast.staff_a[Role.INSPECTOR]


@pytest.fixture
def order(cast):
    return new_repair_order(cast.staff_a[Role.ADVISOR])


def test_due_date_follows_last_calibration_and_interval(inspector):
    tester = new_equipment(
        inspector, last_calibrated=days(-10), calibration_interval_days=365, location="二号工位"
    )
    assert tester.calibration_due == days(355) and tester.asset_number == "EQ-001"
    with pytest.raises(DomainError) as duplicate:
        new_equipment(inspector, asset_number="eq-001")
    assert duplicate.value.code == "duplicate_equipment"


def test_calibration_moves_the_due_date_and_is_kept(inspector):
    tester = new_equipment(inspector, calibration_interval_days=180, calibration_due=days(-1))
    calibration = equipment_calibration_record(
        actor=inspector, equipment=tester, calibrated_on=days(0), performed_by="上海市计量院"
    )
    tester.refresh_from_db()
    assert calibration.next_due == days(180) == tester.calibration_due
    assert tester.last_calibrated == days(0)
    explicit = equipment_calibration_record(
        actor=inspector, equipment=tester, calibrated_on=days(0), next_due=days(90)
    )
    assert explicit.next_due == days(90)
    assert tester.calibrations.count() == 2


def test_bad_calibration_is_refused_naming_the_field(inspector):
    no_interval = new_equipment(inspector)
    with pytest.raises(DomainError) as refused:
        equipment_calibration_record(actor=inspector, equipment=no_interval, calibrated_on=days(0))
    assert "next_due" in refused.value.fields
    with pytest.raises(DomainError) as future:
        equipment_calibration_record(
            actor=inspector, equipment=no_interval, calibrated_on=days(3), next_due=days(90)
        )
    assert "calibrated_on" in future.value.fields


def test_an_overdue_tester_cannot_be_recorded_as_used(cast, inspector, order):
    tester = new_equipment(inspector, calibration_due=days(-1))
    technician = cast.staff_a[Role.TECHNICIAN]
    with pytest.raises(DomainError) as refused:
        equipment_use_record(actor=technician, equipment=tester, repair_order=order)
    assert refused.value.code == "equipment_calibration_overdue"
    assert "EQ-001" in str(refused.value.message)
    assert not EquipmentUse.objects.exists()
    equipment_calibration_record(
        actor=inspector, equipment=tester, calibrated_on=days(0), next_due=days(365)
    )
    tester.refresh_from_db()
    use = equipment_use_record(actor=technician, equipment=tester, repair_order=order)
    assert use.used_by == technician and use.repair_order == order
    due_today = new_equipment(inspector, "EQ-002", calibration_due=days(0))
    assert equipment_use_record(actor=inspector, equipment=due_today, repair_order=order)


def test_out_of_service_equipment_cannot_be_used(cast, inspector, order):
    lift = new_equipment(inspector, kind="lift", status="out_of_service")
    with pytest.raises(DomainError) as refused:
        equipment_use_record(actor=inspector, equipment=lift, repair_order=order)
    assert refused.value.code == "equipment_out_of_service"


def test_recording_a_use_needs_workshop_hands_and_the_own_dealer(cast, inspector, order):
    tester = new_equipment(inspector)
    for role in (Role.ADVISOR, Role.PARTS):
        with pytest.raises(DomainError) as refused:
            equipment_use_record(actor=cast.staff_a[role], equipment=tester, repair_order=order)
        assert refused.value.code == "permission_denied"
    other_order = new_repair_order(cast.staff_b[Role.ADVISOR])
    with pytest.raises(DomainError) as outsider:
        equipment_use_record(
            actor=cast.staff_a[Role.TECHNICIAN], equipment=tester, repair_order=other_order
        )
    assert outsider.value.code == "not_found"


def inbox(dealer):
    return OutboxMessage.objects.filter(
        dealer=dealer, channel="inbox", topic="equipment.calibration"
    )


def test_the_job_warns_inspectors_and_managers_once_per_due_date(cast, inspector):
    soon = new_equipment(inspector, "EQ-SOON", calibration_due=days(30))
    new_equipment(inspector, "EQ-LATER", calibration_due=days(31))
    new_equipment(inspector, "EQ-RETIRED", calibration_due=days(3), status="retired")
    overdue = new_equipment(inspector, "EQ-LATE", calibration_due=days(-2))
    assert equipment_calibration_warn() == 2
    messages = inbox(cast.dealer_a)
    recipients = {(m.recipient_id, m.subject.split("：")[-1][:7]) for m in messages}
    staff = {cast.staff_a[Role.INSPECTOR].pk, cast.staff_a[Role.MANAGER].pk}
    assert {r for r, _ in recipients} == staff and messages.count() == 4
    assert any("逾期" in m.subject for m in messages) and any("EQ-SOON" in m.body for m in messages)
    assert all(m.link == f"/service/equipment/{m.link.split('/')[-2]}/" for m in messages)
    assert equipment_calibration_warn() == 0  # not twice
    assert messages.count() == 4
    assert not inbox(cast.dealer_b).exists()
    # A new due date after a calibration is warned about again, when it comes near.
    equipment_calibration_record(
        actor=inspector, equipment=soon, calibrated_on=days(0), next_due=days(20)
    )
    assert equipment_calibration_warn() == 1
    assert overdue.pk and inbox(cast.dealer_a).count() == 6


def test_the_warning_window_is_the_dealers_own(cast, inspector):
    ServiceSettings.objects.create(dealer=cast.dealer_a, calibration_warning_days=60)
    new_equipment(inspector, calibration_due=days(45))
    assert equipment_calibration_warn() == 1
    assert Equipment.objects.get().calibration_warned_for == days(45)
