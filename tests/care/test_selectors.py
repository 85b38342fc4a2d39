"""The care selectors: the dealer's own records only, the calendar in one query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.care import selectors
from dealercare.care.models import Reminder, ReminderKind
from dealercare.care.services.planner import care_plan
from dealercare.core.errors import NotFound, PermissionDenied
from dealercare.core.roles import Role
from tests.care.factories import car, consenting_customer

K = ReminderKind


@pytest.fixture
def planned(cast):
    today = timezone.localdate()
    owner = consenting_customer(cast, name="欧阳娜娜")
    car(cast, owner, inspection_due=today + timedelta(days=35))
    car(cast, owner, insurance_expiry=today + timedelta(days=36))
    care_plan(today)
    return owner


def test_the_calendar_counts_each_day_by_kind_in_one_query(
    cast, planned, django_assert_num_queries
):
    csr = cast.staff_a[Role.CSR]
    month = timezone.localdate() + timedelta(days=5)
    with django_assert_num_queries(1):
        days = selectors.reminder_calendar(actor=csr, month_start=month)
    assert days[0].day == month.replace(day=1) and len(days) >= 28
    counted = {(d.day, k): n for d in days for k, n in d.counts.items()}
    for reminder in Reminder.objects.filter(send_on__month=month.month):
        assert counted[(reminder.send_on, reminder.kind)] >= 1
    outsider = selectors.reminder_calendar(actor=cast.staff_b[Role.CSR], month_start=month)
    assert all(d.total == 0 for d in outsider)


def test_lists_and_gets_are_the_dealers_own(cast, planned):
    csr, outsider = cast.staff_a[Role.CSR], cast.staff_b[Role.CSR]
    mine = selectors.reminder_list(actor=csr, customer_id=planned.pk)
    assert {r.kind for r in mine} >= {K.INSPECTION, K.INSURANCE}
    assert list(mine) == sorted(mine, key=lambda r: (r.send_on, r.pk))
    assert selectors.reminder_list(actor=csr, q="欧阳").count() == mine.count()
    assert not selectors.reminder_list(actor=outsider).exists()
    with pytest.raises(NotFound):
        selectors.reminder_get(actor=outsider, reminder_id=mine[0].pk)
    with pytest.raises(PermissionDenied):
        selectors.reminder_list(actor=cast.staff_a[Role.TECHNICIAN])
    rules = selectors.rule_list(actor=outsider)
    assert rules.count() == 6 and {r.dealer_id for r in rules} == {cast.dealer_b.pk}
    split = selectors.customer_reminders(actor=csr, customer=planned)
    assert len(split.upcoming) == mine.count() and split.past == []
