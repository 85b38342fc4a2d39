"""The complaints desk's demo year (dealercare.complaints_demo)."""

from datetime import timedelta

from django.db.models import Avg
from django.utils import timezone

from dealercare.complaints.models import Complaint, ComplaintEscalation, RootCause
from dealercare.complaints.selectors import complaints_due
from dealercare.complaints_demo import complaints_demo_fill
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.roles import Role
from dealercare.demo_data import dealer_fill


def test_a_demo_dealers_year_at_the_complaints_desk(cast):
    dealer_fill(cast.dealer_a, customers=60, vehicles=75, seed=3)
    made = complaints_demo_fill(cast.dealer_a, seed=3)
    rows = Complaint.objects.filter(dealer=cast.dealer_a)
    assert made["history"] > 150 and made["today"] == 12
    assert set(rows.values_list("kind", flat=True)) == {"complaint", "inquiry", "suggestion"}
    closed = rows.filter(status="closed", kind="complaint")
    assert 3.5 < closed.aggregate(a=Avg("satisfaction"))["a"] < 4.6
    year_ago = timezone.now() - timedelta(days=300)
    assert rows.filter(received_at__lt=year_ago).exists()
    assert len(set(closed.values_list("category", flat=True))) == 4
    assert ComplaintEscalation.objects.filter(complaint__status="closed").exists()
    due = complaints_due(cast.staff_a[Role.MANAGER])
    assert due["late"] >= 2 and due["due"] > due["late"]
    assert ComplaintEscalation.objects.filter(complaint__status="received", level=2).exists()
    assert OutboxMessage.objects.filter(topic="complaint").exists()
    assert RootCause.objects.filter(dealer=cast.dealer_a).count() == 2
