"""Relationship care's demo month (dealercare.care_demo)."""

from django.utils import timezone

from dealercare.care.models import Reminder, ReminderKind, ReminderRule
from dealercare.core.messaging.models import MessageStatus, OutboxMessage
from dealercare.customers.models import Customer

S = Reminder.Status


def test_a_demo_dealers_month_of_care(cast):
    from dealercare.care_demo import care_demo_fill
    from dealercare.demo_data import dealer_fill

    dealer_fill(cast.dealer_a, customers=120, vehicles=150, seed=3)
    made = care_demo_fill(cast.dealer_a, seed=3)

    cast.dealer_a.refresh_from_db()
    assert cast.dealer_a.phone.startswith("400-820-")
    rules = ReminderRule.objects.filter(dealer=cast.dealer_a)
    assert set(rules.values_list("kind", flat=True)) == set(ReminderKind.values)
    assert rules.filter(kind=ReminderKind.CAMPAIGN, segment_grade="A").count() == 3
    lunar = Customer.objects.filter(dealer=cast.dealer_a, birthday_lunar=True)
    assert lunar.exists() and not lunar.filter(lunar_birthday=None).exists()

    today = timezone.localdate()
    reminders = Reminder.objects.filter(dealer=cast.dealer_a)
    sent = reminders.filter(status=S.SENT)
    assert made["sent"] == sent.count() > 10
    assert not sent.filter(sent_at__date__gte=today).exists()
    assert {ReminderKind.CAMPAIGN, ReminderKind.MAINTENANCE} <= set(
        sent.values_list("kind", flat=True)
    )
    assert reminders.filter(status=S.CALL).exists()
    assert reminders.filter(status=S.SKIPPED).exists()
    upcoming = reminders.filter(status=S.PLANNED)
    assert upcoming.filter(send_on__gt=today).exists()
    assert not upcoming.filter(send_on__lt=today).exists()
    assert upcoming.filter(kind=ReminderKind.CAMPAIGN).exists()

    messages = OutboxMessage.objects.filter(dealer=cast.dealer_a, topic__startswith="care.")
    delivered = messages.filter(status=MessageStatus.DELIVERED)
    failed = messages.filter(status=MessageStatus.FAILED)
    assert delivered.count() > 10 * failed.count() > 0
    assert not messages.filter(status=MessageStatus.QUEUED).exists()
    assert not delivered.filter(sent_at=None).exists()
    assert not failed.filter(last_error="").exists()
    assert OutboxMessage.objects.filter(dealer=cast.dealer_b).count() == 0
