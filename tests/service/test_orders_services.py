"""Repair orders (R-SVC-3, R-SVC-8, R-PRT-3) through their services."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from dealercare.core.errors import (
    BusinessRuleViolation,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.customers.services.privacy import customer_erase
from dealercare.service.models import RepairOrder, RepairOrderLine, ServiceSettings
from dealercare.service.services.orders import (
    LineInput,
    faults_match,
    repair_order_approve,
    repair_order_line_add,
    repair_order_line_issue,
    repair_order_line_remove,
    repair_order_line_return,
    repair_order_line_update,
    repair_order_number_next,
    repair_order_open,
    repair_order_transition,
    repair_order_update,
    repair_order_warranty_claim,
    totals_for,
)
from dealercare.service.services.workshop import (
    DeliveryInput,
    InspectionInput,
    delivery_record,
    inspection_record,
)
from dealercare.vehicles.models import Vehicle
from tests.factories import new_customer, new_vehicle

from .orders_factories import add_labour, add_part, new_open_order, new_operation, new_part

S = RepairOrder.Status


def approve(actor, order, **fields):
    values = {"method": "phone", "approved_by": "张先生"} | fields
    return repair_order_approve(actor=actor, order=order, **values)


# --- Opening and numbers -------------------------------------------------------------------


def test_an_order_is_for_the_vehicles_owner_with_the_next_number(cast, advisor):
    owner = new_customer(advisor)
    vehicle = new_vehicle(advisor, owner=owner, current_km=10000)
    year = timezone.localdate().year
    first = repair_order_open(
        actor=advisor, vehicle=vehicle, fault_description="刹车异响", km_in=12000
    )
    second = repair_order_open(actor=advisor, vehicle=vehicle)
    assert first.number == f"SH01-{year}-000001" and second.number == f"SH01-{year}-000002"
    assert first.customer == owner and first.advisor == advisor and first.status == S.OPEN
    other = repair_order_open(
        actor=cast.staff_b[Role.ADVISOR],
        vehicle=new_vehicle(
            cast.staff_b[Role.ADVISOR], owner=new_customer(cast.staff_b[Role.ADVISOR])
        ),
    )
    assert other.number == f"BJ01-{year}-000001"  # per dealer
    assert (
        repair_order_number_next(dealer=cast.dealer_a, year=year + 1) == f"SH01-{year + 1}-000001"
    )


def test_the_opening_is_on_the_customers_timeline(cast, advisor):
    order = new_open_order(advisor)
    entry = AuditEntry.objects.get(action="repair_order.open")
    assert entry.customer_id == order.customer_id and entry.object_id == order.pk


def test_a_vehicle_without_owner_or_with_an_erased_owner_is_refused(cast, advisor):
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_open(actor=advisor, vehicle=new_vehicle(advisor))
    assert refused.value.code == "vehicle_without_owner" and "vehicle" in refused.value.fields
    owner = new_customer(advisor, name="王芳")
    vehicle = new_vehicle(advisor, owner=owner)
    customer_erase(actor=cast.staff_a[Role.MANAGER], customer=owner, confirm_name="王芳")
    with pytest.raises(BusinessRuleViolation):  # erasure lets the car go
        repair_order_open(actor=advisor, vehicle=vehicle)
    Vehicle.objects.filter(pk=vehicle.pk).update(owner=owner)
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_open(actor=advisor, vehicle=vehicle)
    assert refused.value.code == "customer_erased"
    assert not RepairOrder.objects.exists()


def test_bad_fields_are_named_and_nothing_is_written(cast, advisor):
    vehicle = new_vehicle(advisor, owner=new_customer(advisor), current_km=50000)
    with pytest.raises(InvalidInput) as refused:
        repair_order_open(
            actor=advisor,
            vehicle=vehicle,
            km_in=40000,
            technician=cast.staff_a[Role.SALES],
            fault_description="x" * 2001,
        )
    assert set(refused.value.fields) == {"km_in", "technician", "fault_description"}
    assert not RepairOrder.objects.exists()


def test_roles_and_dealers(cast, advisor):
    vehicle = new_vehicle(advisor, owner=new_customer(advisor))
    with pytest.raises(PermissionDenied):
        repair_order_open(actor=cast.staff_a[Role.TECHNICIAN], vehicle=vehicle)
    with pytest.raises(NotFound):
        repair_order_open(actor=cast.staff_b[Role.ADVISOR], vehicle=vehicle)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_twenty_orders_opened_at_once_get_twenty_consecutive_numbers(cast, advisor):
    vehicles = [new_vehicle(advisor, owner=new_customer(advisor)) for _ in range(20)]
    numbers, errors = [], []
    start = threading.Barrier(20)

    def open_one(vehicle):
        try:
            start.wait()
            numbers.append(repair_order_open(actor=advisor, vehicle=vehicle).number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(v,)) for v in vehicles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    year = timezone.localdate().year
    assert sorted(numbers) == [f"SH01-{year}-{n:06d}" for n in range(1, 21)]


# --- Lines and totals ----------------------------------------------------------------------


def test_totals_hand_computed():
    # labour 1.5 h × 300 = 450.00, parts 2 × 288.50 = 577.00; net 1,027.00
    # VAT 13 %: 133.51 (133.51 exactly); customer pays labour only: 450.00 + 58.50
    totals = totals_for(
        labour=Decimal("450.00"),
        parts=Decimal("577.00"),
        customer=Decimal("450.00"),
        tax_rate=Decimal("0.130"),
    )
    assert totals.tax_total == Decimal("133.51") and totals.grand_total == Decimal("1160.51")
    assert totals.customer_total == Decimal("508.50")
    # half up to the fen: 0.05 × 0.13 = 0.0065 → 0.01
    assert totals_for(
        labour=Decimal("0.05"), parts=0, customer=Decimal("0.05"), tax_rate=Decimal("0.13")
    ).tax_total == Decimal("0.01")


def test_lines_copy_the_catalogue_and_keep_the_totals(cast, advisor):
    operation = new_operation(cast)  # 1.5 h at the default 300.00
    part = new_part(cast.dealer_a)  # 288.50
    order = new_open_order(advisor)
    labour = add_labour(advisor, order, operation)
    assert (labour.quantity, labour.unit_price, labour.amount) == (
        Decimal("1.50"),
        Decimal("300.00"),
        Decimal("450.00"),
    )
    assert labour.description == "更换前刹车片"
    parts = add_part(advisor, order, part, quantity=2, pay_type="warranty")
    assert parts.amount == Decimal("577.00")
    order.refresh_from_db()
    assert (order.labour_total, order.parts_total) == (Decimal("450.00"), Decimal("577.00"))
    assert order.tax_total == Decimal("133.51") and order.grand_total == Decimal("1160.51")
    assert order.customer_total == Decimal("508.50")
    repair_order_line_update(
        actor=advisor, order=order, line_id=parts.pk, changes={"pay_type": "customer"}
    )
    order.refresh_from_db()
    # all 1,027.00 to the customer: + 133.51 VAT
    assert order.customer_total == Decimal("1160.51")
    repair_order_line_remove(actor=advisor, order=order, line_id=labour.pk)
    order.refresh_from_db()
    assert order.labour_total == 0 and order.grand_total == Decimal("652.01")  # 577 + 75.01


def test_a_changed_tax_rate_counts_from_the_next_change(cast, advisor):
    ServiceSettings.objects.create(dealer=cast.dealer_a, tax_rate=Decimal("0.060"))
    order = new_open_order(advisor)
    add_labour(
        advisor,
        order,
        new_operation(cast, labour_rate=Decimal("199.99"), standard_hours=Decimal("0.7")),
    )
    order.refresh_from_db()
    # 0.7 × 199.99 = 139.993 → 139.99; VAT 6 % 8.3994 → 8.40
    assert (order.labour_total, order.tax_total, order.grand_total) == (
        Decimal("139.99"),
        Decimal("8.40"),
        Decimal("148.39"),
    )


def test_bad_line_input_names_the_fields(cast, advisor):
    order = new_open_order(advisor)
    with pytest.raises(InvalidInput) as refused:
        repair_order_line_add(
            actor=advisor, order=order, data=LineInput(kind="labour", pay_type="boss")
        )
    assert set(refused.value.fields) == {"operation_id", "pay_type"}
    part = new_part(cast.dealer_a)
    with pytest.raises(InvalidInput) as refused:
        add_part(advisor, order, part, quantity=Decimal("1.5"))
    assert set(refused.value.fields) == {"quantity"}
    outsider_part = new_part(cast.dealer_b)
    with pytest.raises(InvalidInput) as refused:
        add_part(advisor, order, outsider_part)
    assert set(refused.value.fields) == {"part_id"}
    assert not RepairOrderLine.objects.exists()


def test_a_stale_version_is_refused(cast, advisor):
    order = new_open_order(advisor)
    add_labour(advisor, order, new_operation(cast))
    with pytest.raises(StaleVersion):
        repair_order_update(actor=advisor, order=order, changes={"km_in": 100}, version=1)


# --- Approval and added work ---------------------------------------------------------------


def test_approval_records_who_how_and_the_amount_and_moves_the_order(cast, advisor):
    order = new_open_order(advisor)
    add_labour(advisor, order, new_operation(cast))
    with pytest.raises(InvalidInput) as refused:
        approve(advisor, order, method="signature", approved_by="")
    assert set(refused.value.fields) == {"approved_by", "signature"}
    approval = approve(advisor, order, method="signature", signature="data:image/png;base64,AAAA")
    order.refresh_from_db()
    assert order.status == S.APPROVED
    assert approval.amount == Decimal("508.50") and approval.recorded_by == advisor
    assert order.lines.get().approval == approval
    entries = AuditEntry.objects.filter(object_type="repair_order", object_id=order.pk)
    actions = list(entries.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["repair_order.approval", "repair_order.approve"]


def test_nothing_to_approve_is_refused(cast, advisor):
    order = new_open_order(advisor)
    with pytest.raises(BusinessRuleViolation) as refused:
        approve(advisor, order)
    assert refused.value.code == "nothing_to_approve"
    with pytest.raises(PermissionDenied):
        approve(cast.staff_a[Role.TECHNICIAN], order)


def test_added_work_waits_for_its_own_approval(cast, advisor):
    technician = cast.staff_a[Role.TECHNICIAN]
    order = new_open_order(advisor)
    first = add_labour(advisor, order, new_operation(cast))
    approve(advisor, order)
    added = add_part(advisor, order, new_part(cast.dealer_a))
    assert added.added_after_approval and added.approval is None
    # the approved line is the customer's word now
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_line_update(
            actor=advisor, order=order, line_id=first.pk, changes={"quantity": 3}
        )
    assert refused.value.code == "line_approved"
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_transition(actor=technician, order=order, move="start")
    assert refused.value.code == "added_work_unapproved"
    approval = approve(advisor, order, approved_by="张先生 (电话)")
    order.refresh_from_db()
    assert order.status == S.APPROVED and approval.amount == Decimal("326.01")  # 288.50 + 37.505
    added.refresh_from_db()
    assert added.approval == approval
    repair_order_transition(actor=technician, order=order, move="start")
    # added again while in progress: finishing waits for its approval too
    add_labour(advisor, order, new_operation(cast, code="BRK02"))
    with pytest.raises(BusinessRuleViolation):
        repair_order_transition(actor=technician, order=order, move="finish")
    approve(advisor, order)
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS
    repair_order_transition(actor=technician, order=order, move="finish")


def test_lines_are_closed_once_the_work_is_finished(cast, advisor):
    order = new_open_order(advisor)
    add_labour(advisor, order, new_operation(cast))
    RepairOrder.objects.filter(pk=order.pk).update(status=S.QUALITY_CHECK)
    with pytest.raises(BusinessRuleViolation) as refused:
        add_part(advisor, order, new_part(cast.dealer_a))
    assert refused.value.code == "lines_closed"


# --- Moves ---------------------------------------------------------------------------------


def test_a_move_is_on_the_customers_timeline_and_stamps_the_closing(cast, advisor):
    order = new_open_order(advisor)
    add_labour(advisor, order, new_operation(cast))
    approve(advisor, order)
    technician = cast.staff_a[Role.TECHNICIAN]
    for move in ("start", "finish"):
        repair_order_transition(actor=technician, order=order, move=move)
    inspector = cast.staff_a[Role.INSPECTOR]
    inspection_record(actor=inspector, order=order, data=InspectionInput(result="pass"))
    order.refresh_from_db()
    handover = DeliveryInput(
        handed_over_to="张先生",
        payment_method="cash",
        amount_paid=order.customer_total,
        invoice_number="26120300002",
    )
    delivery_record(actor=advisor, order=order, data=handover)
    repair_order_transition(actor=advisor, order=order, move="close")
    order.refresh_from_db()
    assert order.status == S.CLOSED and order.delivered_at and order.closed_at
    moves = AuditEntry.objects.filter(
        customer_id=order.customer_id, action__startswith="repair_order."
    )
    assert {"repair_order.start", "repair_order.pass", "repair_order.deliver"} <= set(
        moves.values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("status", "move", "code"),
    [
        (S.QUALITY_CHECK, "pass", "inspection_required"),
        (S.QUALITY_CHECK, "rework", "inspection_required"),
        (S.READY, "deliver", "delivery_required"),
    ],
)
def test_inspection_and_delivery_are_not_bare_moves(cast, advisor, status, move, code):
    order = new_open_order(advisor)
    RepairOrder.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_transition(
            actor=cast.staff_a[Role.DEALER_ADMIN], order=order, move=move, reason="异响"
        )
    assert refused.value.code == code
    order.refresh_from_db()
    assert order.status == status


def test_an_approval_through_the_generic_move_is_refused(cast, advisor):
    order = new_open_order(advisor)
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_transition(actor=advisor, order=order, move="approve")
    assert refused.value.code == "approval_required"
    with pytest.raises(InvalidTransition):
        repair_order_transition(actor=advisor, order=order, move="deliver")
    with pytest.raises(InvalidTransition):
        repair_order_transition(actor=advisor, order=order, move="fly")


def test_cancel_needs_a_reason(cast, advisor):
    order = new_open_order(advisor)
    with pytest.raises(InvalidInput) as refused:
        repair_order_transition(actor=advisor, order=order, move="cancel")
    assert "reason" in refused.value.fields
    repair_order_transition(actor=advisor, order=order, move="cancel", reason="客户改期")
    order.refresh_from_db()
    assert order.status == S.CANCELLED


# --- Comebacks (R-SVC-8) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("刹车异响", "刹车有异响", True),
        ("空调不制冷", "空调制冷效果差", True),
        ("发动机故障灯亮 P0301", "仪表报 p0301，抖动", True),
        ("空调不制冷", "左前门异响", False),
        ("客户要求检查", "客户要求检查轮胎", False),
        ("", "刹车异响", False),
    ],
)
def test_matching_faults(first, second, expected):
    assert faults_match(first, second) is expected


def _delivered(advisor, vehicle, fault, days_ago, operation=None):
    order = repair_order_open(actor=advisor, vehicle=vehicle, fault_description=fault)
    if operation:
        add_labour(advisor, order, operation)
    delivered = timezone.now() - timedelta(days=days_ago)
    RepairOrder.objects.filter(pk=order.pk).update(status=S.DELIVERED, delivered_at=delivered)
    return order


def test_a_comeback_within_the_window_is_flagged_and_linked_to_the_first(cast, advisor):
    vehicle = new_vehicle(advisor, owner=new_customer(advisor))
    first = _delivered(advisor, vehicle, "刹车异响", days_ago=20)
    second = repair_order_open(actor=advisor, vehicle=vehicle, fault_description="刹车有异响")
    assert second.comeback_of == first
    RepairOrder.objects.filter(pk=second.pk).update(status=S.CLOSED, closed_at=timezone.now())
    third = repair_order_open(actor=advisor, vehicle=vehicle, fault_description="刹车还是异响")
    assert third.comeback_of == first  # the first of the chain
    entry = AuditEntry.objects.filter(action="repair_order.comeback").first()
    assert entry.customer_id == vehicle.owner_id and entry.changes["comeback_of"][1] == first.number


def test_no_comeback_outside_the_window_or_for_another_fault_or_vehicle(cast, advisor):
    ServiceSettings.objects.create(dealer=cast.dealer_a, comeback_days=10)
    vehicle = new_vehicle(advisor, owner=new_customer(advisor))
    _delivered(advisor, vehicle, "刹车异响", days_ago=11)
    assert (
        repair_order_open(actor=advisor, vehicle=vehicle, fault_description="刹车异响").comeback_of
        is None
    )
    _delivered(advisor, vehicle, "空调不制冷", days_ago=2)
    assert (
        repair_order_open(
            actor=advisor, vehicle=vehicle, fault_description="左前门异响"
        ).comeback_of
        is None
    )
    other = new_vehicle(advisor, owner=vehicle.owner)
    assert (
        repair_order_open(actor=advisor, vehicle=other, fault_description="空调不制冷").comeback_of
        is None
    )


def test_a_comeback_is_found_again_when_the_same_repair_is_added(cast, advisor):
    operation = new_operation(cast)
    vehicle = new_vehicle(advisor, owner=new_customer(advisor))
    first = _delivered(advisor, vehicle, "保养", days_ago=5, operation=operation)
    second = repair_order_open(actor=advisor, vehicle=vehicle, fault_description="踩下踏板时有声音")
    assert second.comeback_of is None
    add_labour(advisor, second, operation)
    second.refresh_from_db()
    assert second.comeback_of == first


# --- Warranty (R-PRT-3) --------------------------------------------------------------------


def test_a_failed_part_within_warranty_is_replaced_free(cast, advisor):
    vehicle = new_vehicle(advisor, owner=new_customer(advisor))
    part = new_part(cast.dealer_a)
    first = repair_order_open(actor=advisor, vehicle=vehicle, km_in=20000)
    fitted = add_part(advisor, first, part)
    RepairOrderLine.objects.filter(pk=fitted.pk).update(
        warranty_until=timezone.localdate() + timedelta(days=100), warranty_until_km=50000
    )
    fitted.refresh_from_db()
    second = repair_order_open(actor=advisor, vehicle=vehicle, km_in=30000)
    free = repair_order_warranty_claim(actor=advisor, order=second, failed_line=fitted)
    assert free.warranty_claim_of == fitted and free.pay_type == "warranty"
    second.refresh_from_db()
    assert second.customer_total == 0 and second.parts_total == Decimal("288.50")


def test_a_part_out_of_warranty_is_refused(cast, advisor):
    vehicle = new_vehicle(advisor, owner=new_customer(advisor))
    first = repair_order_open(actor=advisor, vehicle=vehicle, km_in=20000)
    fitted = add_part(advisor, first, new_part(cast.dealer_a))
    RepairOrderLine.objects.filter(pk=fitted.pk).update(
        warranty_until=timezone.localdate() + timedelta(days=100), warranty_until_km=50000
    )
    fitted.refresh_from_db()
    over_km = repair_order_open(actor=advisor, vehicle=vehicle, km_in=50001)
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_warranty_claim(actor=advisor, order=over_km, failed_line=fitted)
    assert refused.value.code == "not_under_warranty"
    RepairOrderLine.objects.filter(pk=fitted.pk).update(
        warranty_until=timezone.localdate() - timedelta(days=1)
    )
    fitted.refresh_from_db()
    later = repair_order_open(actor=advisor, vehicle=vehicle, km_in=50001)
    with pytest.raises(BusinessRuleViolation):
        repair_order_warranty_claim(actor=advisor, order=later, failed_line=fitted)
    # a line of another vehicle is not this car's part
    stranger = new_open_order(advisor)
    with pytest.raises(InvalidInput):
        repair_order_warranty_claim(actor=advisor, order=stranger, failed_line=fitted)


# --- Parts to the line ---------------------------------------------------------------------


def test_parts_are_issued_to_an_approved_line_and_returned(cast, advisor):
    clerk = cast.staff_a[Role.PARTS]
    part = new_part(cast.dealer_a, on_hand=3, warranty_months=12, warranty_km=30000)
    order = new_open_order(advisor, km_in=None)
    line = add_part(advisor, order, part, quantity=2)
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_line_issue(actor=clerk, order=order, line_id=line.pk, quantity=2)
    assert refused.value.code == "not_approved_yet"
    approve(advisor, order)
    with pytest.raises(PermissionDenied):
        repair_order_line_issue(actor=advisor, order=order, line_id=line.pk, quantity=2)
    with pytest.raises(InvalidInput) as refused:
        repair_order_line_issue(actor=clerk, order=order, line_id=line.pk, quantity=3)
    assert set(refused.value.fields) == {"quantity"}
    line = repair_order_line_issue(actor=clerk, order=order, line_id=line.pk, quantity=2)
    part.refresh_from_db()
    assert line.issued_quantity == 2 and part.on_hand == 1
    assert line.warranty_until == timezone.localdate().replace(year=timezone.localdate().year + 1)
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_transition(actor=advisor, order=order, move="cancel", reason="客户不修了")
    assert refused.value.code == "parts_issued"
    line = repair_order_line_return(
        actor=clerk, order=order, line_id=line.pk, quantity=2, reason="未安装"
    )
    part.refresh_from_db()
    assert line.issued_quantity == 0 and part.on_hand == 3 and line.warranty_until is None
    repair_order_transition(actor=advisor, order=order, move="cancel", reason="客户不修了")


def test_the_last_part_in_stock_is_issued_once(cast, advisor):
    clerk = cast.staff_a[Role.PARTS]
    part = new_part(cast.dealer_a, on_hand=1)
    order = new_open_order(advisor)
    line = add_part(advisor, order, part, quantity=2)
    approve(advisor, order)
    repair_order_line_issue(actor=clerk, order=order, line_id=line.pk, quantity=1)
    with pytest.raises(BusinessRuleViolation) as refused:
        repair_order_line_issue(actor=clerk, order=order, line_id=line.pk, quantity=1)
    assert refused.value.code == "insufficient_stock"
    line.refresh_from_db()
    assert line.issued_quantity == 1
