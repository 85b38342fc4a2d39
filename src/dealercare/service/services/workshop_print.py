"""The printable repair order (PDF, in Chinese), for the page and the API alike. Printing
is audited: the sheet carries the customer's name and (masked) mobile."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.masking import mask_phone
from dealercare.core.roles import Action, require
from dealercare.service.events import ServiceAuditObject, ServiceEvent
from dealercare.service.models import Reception, RepairOrder, WalkAround

PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class PdfFile:
    content: bytes
    file_name: str

    @property
    def headers(self) -> dict:
        return {"Content-Disposition": f'inline; filename="{self.file_name}"'}


def walk_around(reception: Reception | None) -> list[tuple[str, dict]]:
    """The walk-around check as (area's label, {ok, findings}), in the areas' order."""
    if reception is None:
        return []
    return [
        (label, reception.checklist[area])
        for area, label in WalkAround.choices
        if area in reception.checklist
    ]


def repair_order_sheet(order: RepairOrder) -> dict:
    """What the printed order shows."""
    reception = getattr(order, "reception", None)
    return {
        "order": order,
        "dealer": order.dealer,
        "customer_name": order.customer.name,
        "customer_mobile": mask_phone(order.customer.phone),
        "vehicle": order.vehicle,
        "lines": order.lines.order_by("kind", "id"),
        "reception": reception,
        "walk_around": walk_around(reception),
        "inspection": order.inspections.order_by("-created_at", "-id").first(),
        "delivery": getattr(order, "delivery", None),
        "printed_at": timezone.now(),
    }


def _render(order: RepairOrder) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs ~0.5 s at start-up

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("service/workshop/print.html", repair_order_sheet(order))
    return HTML(string=html).write_pdf()


@transaction.atomic
def repair_order_pdf(*, actor, order: RepairOrder) -> PdfFile:
    require(actor, Action.REPAIR_ORDER_VIEW)
    order = RepairOrder.objects.select_related("dealer", "customer", "vehicle").get(pk=order.pk)
    content = _render(order)
    event = AuditEvent(
        action=ServiceEvent.PRINT,
        object_type=ServiceAuditObject.REPAIR_ORDER,
        object_id=order.pk,
        label=order.number,
        customer_id=order.customer_id,
    )
    audit_record(actor=actor, dealer=order.dealer, event=event)
    return PdfFile(content, f"{order.number}.pdf")
