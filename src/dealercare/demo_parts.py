"""Demo parts store and workshop equipment for a demo dealer: suppliers, a catalogue with
stock (a few parts below their reorder point, one receipt with rejects) and the testers and
tools of the workshop, one tester overdue for calibration. Built through the services, so
the stock, its movements and the audit trail agree."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from dealercare.core.models import Dealer, User
from dealercare.core.roles import Role
from dealercare.parts.models import Part
from dealercare.parts.services import (
    PartInput,
    SupplierInput,
    part_create,
    stock_issue,
    stock_receive,
    supplier_create,
)
from dealercare.service.services.equipment import EquipmentInput, equipment_register

SUPPLIERS = [
    ("星途汽车零部件销售有限公司", "刘经理", "021-58880001"),
    ("博世汽车配件（上海）有限公司", "陈经理", "021-58880002"),
    ("马勒滤清器华东经销部", "王经理", "021-58880003"),
]
# part number, name, source, supplier (index), price, stock, reorder point, reorder quantity
PARTS = [
    ("XT-15208-0001", "机油滤清器", "oem", 0, "58.00", 40, 20, 50),
    ("XT-16546-0002", "空气滤清器", "oem", 0, "96.00", 6, 10, 30),
    ("XT-27277-0003", "空调滤清器", "oem", 0, "88.00", 25, 10, 30),
    ("XT-41060-0004", "前刹车片（套）", "oem", 0, "420.00", 3, 4, 10),
    ("XT-43206-0005", "后刹车片（套）", "oem", 0, "360.00", 8, 4, 10),
    ("BS-0242-0006", "火花塞", "authorised", 1, "65.00", 48, 24, 48),
    ("BS-3397-0007", "雨刮片（对）", "authorised", 1, "128.00", 2, 6, 20),
    ("BS-0092-0008", "蓄电池 60Ah", "authorised", 1, "780.00", 5, 2, 4),
    ("ML-OC-0009", "机油滤清器（副厂）", "third_party", 2, "35.00", 12, 0, 0),
    ("XT-08880-0010", "全合成机油 5W-30（4L）", "oem", 0, "398.00", 30, 12, 36),
]
EQUIPMENT = [
    # asset number, name, kind, location, days since calibrated, interval
    ("EQ-T-001", "元征 X-431 智能诊断仪", "tester", "一号工位", 372, 365),
    ("EQ-T-002", "四轮定位仪", "tester", "定位工位", 340, 365),
    ("EQ-T-003", "尾气分析仪", "tester", "检测线", 30, 365),
    ("EQ-G-001", "扭力扳手 40–200 N·m", "gauge", "工具柜 A", 100, 180),
    ("EQ-L-001", "双柱举升机", "lift", "二号工位", 60, 365),
]


def _staff(dealer: Dealer, role: str) -> User | None:
    return User.objects.filter(dealer=dealer, role=role, is_active=True).first()


def parts_demo_fill(dealer: Dealer) -> None:
    clerk, inspector = _staff(dealer, Role.PARTS), _staff(dealer, Role.INSPECTOR)
    if clerk is None or inspector is None:
        return
    suppliers = [
        supplier_create(actor=clerk, data=SupplierInput(name=n, contact=c, phone=p))
        for n, c, p in SUPPLIERS
    ]
    for number, name, source, supplier, price, stock, point, quantity in PARTS:
        part = part_create(
            actor=clerk,
            data=PartInput(
                part_number=number,
                name=name,
                source=source,
                unit_price=Decimal(price),
                supplier_id=suppliers[supplier].pk,
                reorder_point=point,
                reorder_quantity=quantity,
            ),
        )
        cost = (Decimal(price) * Decimal("0.7")).quantize(Decimal("0.01"))
        stock_receive(
            actor=clerk, part=part, delivered_quantity=stock + 2, unit_cost=cost, reference="DEMO"
        )
        stock_issue(actor=clerk, part=part, quantity=2, reference="DEMO")
    first = Part.objects.get(dealer=dealer, part_number=PARTS[0][0])
    stock_receive(
        actor=clerk,
        part=first,
        delivered_quantity=10,
        rejected_quantity=2,
        reference="DN-DEMO-01",
        reason="2 件包装破损，退回供应商",
    )
    today = timezone.localdate()
    for asset, name, kind, location, since, interval in EQUIPMENT:
        equipment_register(
            actor=inspector,
            data=EquipmentInput(
                asset_number=asset,
                name=name,
                kind=kind,
                location=location,
                last_calibrated=today - timedelta(days=since),
                calibration_interval_days=interval,
            ),
        )
