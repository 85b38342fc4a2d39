"""Relationship care and the customer's erasure (PIPL): the erased person's open
reminders stop, and what staff wrote into their reminders (a changed text, a call's
outcome) is blanked; the rows stay for the dealer's figures."""

from dealercare.care.models import Reminder


def reminders_forget_customers(customer_ids: list[int]) -> None:
    reminders = Reminder.objects.filter(customer_id__in=customer_ids)
    reminders.filter(status__in=[Reminder.Status.PLANNED, Reminder.Status.CALL]).update(
        status=Reminder.Status.SKIPPED, skip_reason=Reminder.SkipReason.NO_CUSTOMER
    )
    reminders.exclude(text="", call_note="").update(text="", call_note="")
