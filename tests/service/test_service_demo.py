"""The workshop's demo and benchmark catalogue (dealercare.service_demo)."""

from django.db.models import Sum

from dealercare.parts.models import Part, StockMovement, Supplier
from dealercare.service.models import ServiceOperation
from dealercare.service_demo import JOBS, OPERATIONS, PARTS, service_catalogue_load


def test_every_job_draws_on_the_catalogue():
    operations = {code for code, *_ in OPERATIONS}
    parts = {number for number, *_ in PARTS}
    for job in JOBS:
        assert set(job.operations) <= operations, job.key
        assert {number for number, _qty in job.parts} <= parts, job.key


def test_catalogue_once_with_its_stock_received(cast):
    operations, parts = service_catalogue_load(cast.dealer_a)
    again = service_catalogue_load(cast.dealer_a)

    assert len(operations) == len(OPERATIONS) == ServiceOperation.objects.count()
    assert len(parts) == len(PARTS) == Part.objects.count()
    assert again[1].keys() == parts.keys()
    assert Supplier.objects.filter(dealer=cast.dealer_a).count() == 6
    assert operations["BY02"].price == operations["BY02"].standard_hours * 300
    for part in Part.objects.all():
        received = StockMovement.objects.filter(part=part).aggregate(n=Sum("quantity"))["n"]
        assert part.on_hand == received == 2 * part.reorder_quantity > part.reorder_point


def test_without_stock_the_shelves_are_empty(cast):
    _operations, parts = service_catalogue_load(cast.dealer_b, stock=False)

    assert {p.on_hand for p in parts.values()} == {0}
    assert not StockMovement.objects.exists()


def test_a_demo_dealers_year_in_the_workshop(cast):
    from datetime import timedelta

    from django.utils import timezone

    from dealercare.demo_data import dealer_fill
    from dealercare.service.models import (
        Appointment,
        DiagnosisReport,
        FollowUpTask,
        RepairOrder,
        RepairOrderLine,
        RepairOrderSequence,
        RoadsideRequest,
    )
    from dealercare.service_demo import TODAY_STEPS, service_demo_fill

    dealer_fill(cast.dealer_a, customers=60, vehicles=75, seed=3)
    made = service_demo_fill(cast.dealer_a, seed=3)

    orders = RepairOrder.objects.filter(dealer=cast.dealer_a)
    today = timezone.localdate()
    opened_today = orders.filter(created_at__date=today)
    assert made["history"] > 60 and made["today"] == 16 and made["booked"] > 0
    assert set(opened_today.values_list("status", flat=True)) == set(TODAY_STEPS)
    assert orders.filter(created_at__date__lt=today - timedelta(days=180)).exists()
    for sequence in RepairOrderSequence.objects.filter(dealer=cast.dealer_a):
        numbers = orders.filter(number__contains=f"-{sequence.year}-")
        assert max(numbers.values_list("number", flat=True)).endswith(f"{sequence.last:06d}")
        assert numbers.count() == sequence.last
    for order in orders.exclude(status__in=["open", "cancelled"])[:50]:
        lines = RepairOrderLine.objects.filter(order=order)
        labour = sum(line.amount for line in lines if line.kind == "labour")
        assert order.labour_total == labour and order.approvals.exists()
        assert order.grand_total == order.labour_total + order.parts_total + order.tax_total
    assert FollowUpTask.objects.filter(dealer=cast.dealer_a, status="open").count() == 4
    assert Appointment.objects.filter(dealer=cast.dealer_a, day__gt=today).exists()
    reports = DiagnosisReport.objects.filter(dealer=cast.dealer_a)
    assert made["desk"] == 7 and set(reports.values_list("status", flat=True)) == {
        "new",
        "answered_remotely",
    }
    roadside = RoadsideRequest.objects.filter(dealer=cast.dealer_a)
    assert sorted(roadside.values_list("status", flat=True)) == ["dispatched", "fixed", "received"]
