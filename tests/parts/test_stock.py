"""Stock movements: receipts with incoming inspection, issues, returns and adjustments."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from dealercare.core.errors import DomainError
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.parts.models import Part, StockMovement
from dealercare.parts.selectors import reorder_list
from dealercare.parts.services import (
    fitted_part_warranty,
    stock_adjust,
    stock_issue,
    stock_receive,
    stock_return,
)

from .factories import clerk_of, new_part, new_supplier


@pytest.fixture
def clerk(cast):
    return clerk_of(cast)


@pytest.fixture
def part(clerk):
    return new_part(clerk)


def on_hand(part) -> int:
    return Part.objects.get(pk=part.pk).on_hand


def test_receipt_stocks_only_what_passed_the_inspection(clerk, part):
    supplier = new_supplier(clerk)
    movement = stock_receive(
        actor=clerk,
        part=part,
        delivered_quantity=10,
        rejected_quantity=3,
        unit_cost=Decimal("41.50"),
        supplier=supplier,
        reference="DN-2026-118",
        reason="3 件外壳破损",
    )
    assert on_hand(part) == 7
    assert (movement.quantity, movement.delivered_quantity, movement.rejected_quantity) == (
        7,
        10,
        3,
    )
    assert movement.on_hand_after == 7 and movement.unit_cost == Decimal("41.50")
    assert movement.supplier == supplier and movement.recorded_by == clerk
    entry = AuditEntry.objects.get(action="part.receipt")
    assert entry.changes["on_hand"] == [0, 7] and entry.changes["rejected_quantity"] == [None, 3]


def test_a_delivery_rejected_whole_stocks_nothing_but_is_recorded(clerk, part):
    movement = stock_receive(actor=clerk, part=part, delivered_quantity=5, rejected_quantity=5)
    assert on_hand(part) == 0
    assert (movement.quantity, movement.rejected_quantity, movement.on_hand_after) == (0, 5, 0)


def test_rejecting_more_than_delivered_is_refused(clerk, part):
    with pytest.raises(DomainError) as refused:
        stock_receive(actor=clerk, part=part, delivered_quantity=2, rejected_quantity=3)
    assert refused.value.code == "invalid_input"
    assert "rejected_quantity" in refused.value.fields
    assert not StockMovement.objects.exists()


def test_issue_and_return_move_the_stock(clerk, part):
    stock_receive(actor=clerk, part=part, delivered_quantity=4)
    issued = stock_issue(actor=clerk, part=part, quantity=3, repair_order_line_id=77)
    assert (issued.quantity, issued.on_hand_after, issued.repair_order_line_id) == (-3, 1, 77)
    back = stock_return(actor=clerk, part=part, quantity=1, repair_order_line_id=77, reason="未用")
    assert (back.quantity, back.on_hand_after) == (1, 2)
    assert on_hand(part) == 2
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))[-3:] == [
        "part.receipt",
        "part.issue",
        "part.return",
    ]


def test_issuing_more_than_on_hand_is_refused_and_names_the_part(clerk, part):
    stock_receive(actor=clerk, part=part, delivered_quantity=2)
    with pytest.raises(DomainError) as refused:
        stock_issue(actor=clerk, part=part, quantity=3)
    assert refused.value.code == "insufficient_stock" and refused.value.status == 409
    assert "XT-10001" in str(refused.value.message) and "2" in str(refused.value.message)
    assert refused.value.as_dict()["on_hand"] == 2
    assert on_hand(part) == 2
    assert StockMovement.objects.count() == 1


def test_adjustment_needs_a_reason_and_cannot_go_below_zero(clerk, part):
    stock_receive(actor=clerk, part=part, delivered_quantity=2)
    with pytest.raises(DomainError) as no_reason:
        stock_adjust(actor=clerk, part=part, quantity_change=-1, reason=" ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(DomainError) as too_many:
        stock_adjust(actor=clerk, part=part, quantity_change=-3, reason="盘点")
    assert too_many.value.code == "insufficient_stock"
    found = stock_adjust(actor=clerk, part=part, quantity_change=-2, reason="盘点短少")
    assert found.on_hand_after == 0 and on_hand(part) == 0
    with pytest.raises(DomainError):
        stock_adjust(actor=clerk, part=part, quantity_change=0, reason="盘点")


@pytest.mark.parametrize("quantity", [0, -1, 100_001, True])
def test_bad_quantities_are_refused(clerk, part, quantity):
    with pytest.raises(DomainError) as refused:
        stock_issue(actor=clerk, part=part, quantity=quantity)
    assert refused.value.code == "invalid_input" and "quantity" in refused.value.fields


def test_stock_moves_need_the_stock_role_and_the_own_dealer(cast, clerk, part):
    with pytest.raises(DomainError) as wrong_role:
        stock_receive(actor=cast.staff_a[Role.ADVISOR], part=part, delivered_quantity=1)
    assert wrong_role.value.code == "permission_denied"
    with pytest.raises(DomainError) as outsider:
        stock_receive(actor=clerk_of(cast, "b"), part=part, delivered_quantity=1)
    assert outsider.value.code == "not_found"
    assert on_hand(part) == 0


def test_the_database_refuses_negative_stock_even_past_the_services(part):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Part.objects.filter(pk=part.pk).update(on_hand=-1)


def test_reorder_list_suggests_enough_to_rise_above_the_point(clerk):
    low = new_part(clerk, "XT-1", stock=2, reorder_point=5, reorder_quantity=10)
    short = new_part(clerk, "XT-2", stock=1, reorder_point=20, reorder_quantity=10)
    new_part(clerk, "XT-3", stock=6, reorder_point=5, reorder_quantity=10)  # above
    new_part(clerk, "XT-4")  # no reorder point
    new_part(clerk, "XT-5", reorder_point=5, active=False)
    at_point = new_part(clerk, "XT-6", stock=5, reorder_point=5, reorder_quantity=0)
    listed = {p.pk: p.suggested_quantity for p in reorder_list(actor=clerk)}
    assert listed == {low.pk: 10, short.pk: 20, at_point.pk: 1}


def test_fitted_part_warranty_by_months_and_km(clerk):
    part = new_part(clerk, warranty_months=12, warranty_km=30000)
    assert fitted_part_warranty(part, date(2026, 2, 28), 41000) == (date(2027, 2, 28), 71000)
    assert fitted_part_warranty(part, date(2024, 2, 29), None) == (date(2025, 2, 28), None)
    no_km_limit = new_part(clerk, "XT-9", warranty_months=6, warranty_km=0)
    assert fitted_part_warranty(no_km_limit, date(2026, 8, 31), 100) == (date(2027, 2, 28), None)
    none = new_part(clerk, "XT-8", warranty_months=0, warranty_km=0)
    assert fitted_part_warranty(none, date(2026, 1, 1), 100) == (None, None)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_issues_of_the_last_unit_exactly_one_wins(cast):
    clerk = clerk_of(cast)
    part = new_part(clerk, stock=1)
    copies = [Part.objects.get(pk=part.pk) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes = []

    def issue(copy):
        try:
            start.wait()
            stock_issue(actor=clerk, part=copy, quantity=1)
            outcomes.append("issued")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(c,)) for c in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["insufficient_stock", "issued"]
    assert on_hand(part) == 0
    assert StockMovement.objects.filter(kind="issue").count() == 1
