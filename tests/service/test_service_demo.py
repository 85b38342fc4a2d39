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
