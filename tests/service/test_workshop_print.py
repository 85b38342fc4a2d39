"""The printable repair order: a PDF in Chinese, with the mobile masked, and audited."""

import shutil
import subprocess
from decimal import Decimal

import pytest

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.service.models import RepairOrder, RepairOrderLine
from dealercare.service.services.workshop_print import repair_order_pdf

from .workshop_factories import order_in

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "order.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_printed_order_is_in_chinese_with_the_mobile_masked(cast, tmp_path):
    order = order_in(cast, RepairOrder.Status.IN_PROGRESS, total="880.00", km_in=15000)
    RepairOrderLine.objects.create(
        dealer=order.dealer,
        order=order,
        kind=RepairOrderLine.Kind.LABOUR,
        description="更换前刹车片",
        quantity=Decimal("1.50"),
        unit_price=Decimal("300.00"),
        amount=Decimal("450.00"),
        pay_type=RepairOrderLine.PayType.WARRANTY,
    )
    pdf = repair_order_pdf(actor=cast.staff_a[Role.TECHNICIAN], order=order)
    assert pdf.content.startswith(b"%PDF") and pdf.file_name == f"{order.number}.pdf"
    text = pdf_text(pdf.content, tmp_path)
    for expected in (
        "维修工单",
        order.number,
        "更换前刹车片",
        "¥450.00",
        "上海浦东星途4S店",
        "质保",
    ):
        assert expected in text, expected
    phone = order.customer.phone
    assert phone not in text and f"{phone[:3]}****{phone[-4:]}" in text
    entry = AuditEntry.objects.get(action="repair_order.print")
    assert entry.object_id == order.pk and entry.customer_id == order.customer_id
