"""Complaints and the customer's erasure (PIPL): an open complaint keeps the person until it
is closed; an erased person's words are blanked, the complaint stays for the figures."""

from django.utils.translation import gettext as _

from dealercare.complaints.models import Complaint

ERASED_TEXT = "—"


def open_complaint_blocks_erasure(customer) -> str | None:
    still_open = Complaint.objects.filter(customer_id=customer.pk).exclude(
        status=Complaint.Status.CLOSED
    )
    if still_open.exists():
        return _("a complaint, inquiry or suggestion is still open")
    return None


def complaints_forget_customers(customer_ids: list[int]) -> None:
    Complaint.objects.filter(customer_id__in=customer_ids).update(
        content=ERASED_TEXT, wanted_outcome=""
    )
