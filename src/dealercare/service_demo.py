"""The workshop's demo and benchmark data: a dealer's service catalogue, its parts and
suppliers, and the jobs a 4S shop's workshop sees (what the customer says, the operations
and the parts they take).

``bench/service_generate.py`` writes millions of repair orders from these jobs with COPY;
``load_demo`` fills the demo dealers' year of appointments and orders through the
services (``service_demo_fill``).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from dealercare.core.models import Dealer
from dealercare.parts.models import Part, StockMovement, Supplier
from dealercare.service.models import ServiceOperation

LABOUR_RATE = Decimal("300.00")  # yuan per standard hour, a first-tier city's 4S shop

Category = ServiceOperation.Category
# (code, name, category, standard hours, SOP)
OPERATIONS = [
    ("BY01", "首次保养", Category.MAINTENANCE, "1.00", "更换机油机滤；全车检查；复位保养提示。"),
    (
        "BY02",
        "小保养（机油、机滤）",
        Category.MAINTENANCE,
        "0.80",
        "举升车辆，放旧机油，更换机滤，按规格加注机油，检查油位与渗漏。",
    ),
    (
        "BY03",
        "大保养（机油、三滤、火花塞）",
        Category.MAINTENANCE,
        "2.20",
        "小保养全部项目；更换空气滤清器、空调滤清器、火花塞；检查皮带与底盘。",
    ),
    (
        "BY04",
        "更换刹车油",
        Category.MAINTENANCE,
        "0.80",
        "用加注机按对角顺序排空旧液，加注DOT4，检查踏板行程。",
    ),
    ("BY05", "更换空调滤芯", Category.MAINTENANCE, "0.30", "拆下手套箱，更换滤芯，注意气流方向。"),
    ("BY06", "更换变速箱油", Category.MAINTENANCE, "1.50", "循环机换油，油温40℃时检查油位。"),
    ("BY07", "更换冷却液", Category.MAINTENANCE, "1.00", "放净旧液，加注并排气，检查冰点。"),
    (
        "BY08",
        "新能源定期保养（三电检查）",
        Category.MAINTENANCE,
        "1.20",
        "高压系统绝缘检测、动力电池外观与冷却液检查、充电口检查；作业前断开高压。",
    ),
    (
        "BY09",
        "轮胎换位及动平衡",
        Category.MAINTENANCE,
        "0.80",
        "按交叉换位，动平衡，按标准胎压充气。",
    ),
    (
        "WX01",
        "更换前刹车片",
        Category.REPAIR,
        "1.00",
        "拆卸卡钳，更换刹车片及消音片，检查刹车盘厚度，试车磨合。",
    ),
    (
        "WX02",
        "更换后刹车片",
        Category.REPAIR,
        "1.00",
        "电子手刹车型先进入维修模式，再拆卸卡钳更换。",
    ),
    ("WX03", "更换前刹车盘", Category.REPAIR, "1.50", "更换刹车盘，清洁轮毂结合面，按扭矩紧固。"),
    (
        "WX04",
        "空调系统检修、加注冷媒",
        Category.REPAIR,
        "1.50",
        "检漏、抽真空、按标定量加注冷媒，测出风口温度。",
    ),
    (
        "WX05",
        "更换蓄电池",
        Category.REPAIR,
        "0.50",
        "记录电台与座椅记忆，更换蓄电池后匹配电池管理系统。",
    ),
    ("WX06", "更换雨刮片", Category.REPAIR, "0.20", "更换前雨刮片，检查喷水。"),
    ("WX07", "发动机故障诊断", Category.REPAIR, "1.00", "读取故障码与数据流，按诊断流程排查。"),
    ("WX08", "更换前减震器（单侧）", Category.REPAIR, "2.00", "拆卸减震器总成，更换后做四轮定位。"),
    (
        "WX09",
        "更换正时皮带套件",
        Category.REPAIR,
        "3.50",
        "对正时记号，更换皮带、张紧轮、惰轮，转动曲轴两圈复核。",
    ),
    ("WX10", "更换前大灯总成", Category.REPAIR, "1.20", "拆前保险杠，更换大灯总成，调整灯光高度。"),
    ("WX11", "底盘异响检查", Category.REPAIR, "1.00", "举升检查悬架衬套、球头、稳定杆，路试复现。"),
    (
        "WX12",
        "电驱系统诊断",
        Category.REPAIR,
        "1.50",
        "读取电驱与电池管理故障码，检查高压互锁与绝缘。",
    ),
    (
        "WX13",
        "车机系统软件升级",
        Category.REPAIR,
        "0.50",
        "连接诊断仪刷写最新软件，升级后检查各功能。",
    ),
    ("WX14", "四轮定位", Category.REPAIR, "1.00", "检查并调整前束、外倾，打印定位报告。"),
    ("WX15", "更换轮胎（单条）", Category.REPAIR, "0.50", "拆装轮胎，更换气门嘴，动平衡。"),
    ("BJ01", "钣金修复（每面）", Category.REPAIR, "3.00", "拉伸整形、打磨、刮灰。"),
    ("BJ02", "喷漆（每面）", Category.REPAIR, "4.00", "调色、喷涂、烤漆、抛光。"),
    ("MR01", "精洗美容", Category.DETAILING, "1.50", "外部精洗、轮毂清洁、内饰吸尘。"),
    ("MR02", "内饰清洁消毒", Category.DETAILING, "2.00", "座椅、顶棚清洁，空调管路杀菌。"),
    ("MR03", "漆面打蜡", Category.DETAILING, "1.50", "洗车、去氧化层、打蜡抛光。"),
    ("JC01", "年检预检", Category.INSPECTION, "0.50", "灯光、制动、排放、喇叭检查。"),
    ("JC02", "路试检查", Category.INSPECTION, "0.50", "按路试路线检查异响、跑偏、制动。"),
    ("JC03", "全车免费检测", Category.INSPECTION, "0.50", "按37项检查表检查，结果告知客户。"),
]

# (name, contact, phone)
SUPPLIERS = [
    ("星途汽车配件中心", "周经理", "021-58881234"),
    ("上海汽配供应链有限公司", "吴经理", "021-64420088"),
    ("博世汽车服务", "郑经理", "400-8208100"),
    ("米其林轮胎经销", "王经理", "021-63218899"),
    ("嘉实多润滑油", "冯经理", "400-8205588"),
    ("瓦尔塔蓄电池", "陈经理", "021-57749900"),
]

Source = Part.Source
# (part number, name, source, supplier index, unit, price, warranty months, km,
#  reorder point, reorder quantity)
PARTS = [
    ("XT-1012010", "机油滤清器", Source.OEM, 0, "件", "68.00", 12, 10000, 30, 60),
    ("XT-1109010", "空气滤清器", Source.OEM, 0, "件", "95.00", 12, 20000, 20, 40),
    ("XT-8107910", "空调滤清器", Source.OEM, 0, "件", "88.00", 12, 20000, 20, 40),
    ("XT-3707010", "火花塞", Source.OEM, 0, "件", "75.00", 12, 30000, 40, 80),
    ("XT-3501080", "前刹车片（套）", Source.OEM, 0, "套", "580.00", 12, 30000, 8, 16),
    ("XT-3502080", "后刹车片（套）", Source.OEM, 0, "套", "420.00", 12, 30000, 8, 16),
    ("XT-3501075", "前刹车盘", Source.OEM, 0, "件", "760.00", 24, 50000, 4, 8),
    ("XT-2905010", "前减震器", Source.OEM, 0, "件", "1280.00", 24, 50000, 2, 4),
    ("XT-1025020", "正时皮带套件", Source.OEM, 0, "套", "1650.00", 24, 60000, 2, 4),
    ("XT-4121010", "左前大灯总成", Source.OEM, 0, "件", "3280.00", 24, 60000, 1, 2),
    ("XT-5205010", "前雨刮片（对）", Source.AUTHORISED, 2, "对", "168.00", 6, 10000, 15, 30),
    ("XT-EV-8001", "高压系统绝缘检测套件", Source.OEM, 0, "套", "120.00", 12, 20000, 10, 20),
    ("XT-EV-8002", "电池冷却液（4L）", Source.OEM, 0, "桶", "260.00", 12, 40000, 6, 12),
    (
        "CA-0W20-4L",
        "嘉实多极护 0W-20 全合成机油（4L）",
        Source.AUTHORISED,
        4,
        "桶",
        "458.00",
        12,
        10000,
        30,
        60,
    ),
    (
        "CA-5W30-1L",
        "嘉实多极护 5W-30 全合成机油（1L）",
        Source.AUTHORISED,
        4,
        "升",
        "118.00",
        12,
        10000,
        40,
        80,
    ),
    (
        "BO-DOT4-1L",
        "博世 DOT4 刹车油（1L）",
        Source.AUTHORISED,
        2,
        "瓶",
        "98.00",
        12,
        40000,
        15,
        30,
    ),
    ("BO-ATF-1L", "自动变速箱油（1L）", Source.AUTHORISED, 2, "升", "128.00", 12, 40000, 24, 48),
    ("BO-LLC-4L", "长效冷却液（4L）", Source.AUTHORISED, 2, "桶", "188.00", 12, 40000, 8, 16),
    ("VA-60AH", "瓦尔塔 12V 60Ah 蓄电池", Source.AUTHORISED, 5, "件", "860.00", 24, 0, 4, 8),
    ("MI-2355519", "米其林 235/55 R19 轮胎", Source.AUTHORISED, 3, "条", "1380.00", 24, 0, 8, 16),
    ("MI-2256018", "米其林 225/60 R18 轮胎", Source.AUTHORISED, 3, "条", "1120.00", 24, 0, 8, 16),
    ("TP-R134A", "R134a 冷媒（500g）", Source.THIRD_PARTY, 1, "罐", "85.00", 0, 0, 10, 20),
    ("TP-PAINT", "原厂色漆（每面用量）", Source.THIRD_PARTY, 1, "面", "450.00", 0, 0, 10, 20),
    ("TP-FILLER", "钣金原子灰", Source.THIRD_PARTY, 1, "罐", "65.00", 0, 0, 6, 12),
    ("TP-WAX", "漆面蜡", Source.THIRD_PARTY, 1, "瓶", "120.00", 0, 0, 6, 12),
    ("TP-CLEAN", "内饰清洁消毒剂", Source.THIRD_PARTY, 1, "瓶", "58.00", 0, 0, 6, 12),
    ("TP-VALVE", "轮胎气门嘴", Source.THIRD_PARTY, 1, "个", "15.00", 0, 0, 40, 100),
]


@dataclass(frozen=True)
class Job:
    """A kind of workshop visit: what the customer says, the operations done and the parts
    fitted (part number and quantity). ``cars`` limits it to fuel ("ice") or electric
    ("ev") cars; ``pay`` is who usually pays (warranty work only while under warranty)."""

    key: str
    weight: int
    says: tuple[str, ...]
    operations: tuple[str, ...]
    parts: tuple[tuple[str, int], ...] = ()
    cars: str = ""
    pay: str = "customer"
    hours_on_site: float = 2.0  # promised time after reception, on the day
    extras: bool = True  # small items the advisor adds (wipers, a filter, a wash)
    comeback_prone: bool = False
    notes: tuple[str, ...] = field(default=())


JOBS = [
    Job(
        "minor",
        30,
        ("常规保养", "保养到期，做小保养", "保养提醒到了，顺便检查一下"),
        ("BY02",),
        (("CA-0W20-4L", 1), ("XT-1012010", 1)),
        cars="ice",
        hours_on_site=1.5,
    ),
    Job(
        "major",
        12,
        ("大保养", "4万公里保养", "做大保养，检查刹车"),
        ("BY03",),
        (
            ("CA-0W20-4L", 1),
            ("XT-1012010", 1),
            ("XT-1109010", 1),
            ("XT-8107910", 1),
            ("XT-3707010", 4),
        ),
        cars="ice",
        hours_on_site=3.0,
    ),
    Job(
        "ev",
        10,
        ("新能源车定期保养", "保养到期，检查电池", "续航好像变短了，帮忙检查"),
        ("BY08",),
        (("XT-EV-8001", 1), ("XT-8107910", 1)),
        cars="ev",
        hours_on_site=2.0,
    ),
    Job(
        "first",
        5,
        ("首次保养",),
        ("BY01",),
        (("CA-0W20-4L", 1), ("XT-1012010", 1)),
        pay="warranty",
        hours_on_site=1.5,
    ),
    Job(
        "brakes",
        8,
        ("刹车有异响", "刹车时方向盘抖动", "仪表提示刹车片磨损"),
        ("WX01", "JC02"),
        (("XT-3501080", 1),),
        hours_on_site=2.5,
        comeback_prone=True,
    ),
    Job(
        "discs",
        2,
        ("刹车抖得厉害，刹车盘可能变形",),
        ("WX01", "WX03", "JC02"),
        (("XT-3501080", 1), ("XT-3501075", 2)),
        hours_on_site=4.0,
        comeback_prone=True,
    ),
    Job(
        "ac",
        6,
        ("空调不制冷", "空调有异味", "空调出风小"),
        ("WX04",),
        (("TP-R134A", 1), ("XT-8107910", 1)),
        hours_on_site=2.5,
        comeback_prone=True,
    ),
    Job(
        "battery",
        4,
        ("早上打不着火", "仪表提示蓄电池电压低"),
        ("WX05",),
        (("VA-60AH", 1),),
        cars="ice",
        hours_on_site=1.0,
    ),
    Job(
        "engine",
        4,
        ("发动机故障灯亮", "冷启动时发动机抖动", "加速无力"),
        ("WX07", "BY03"),
        (("XT-3707010", 4),),
        cars="ice",
        pay="warranty",
        hours_on_site=4.0,
        comeback_prone=True,
    ),
    Job(
        "edrive",
        3,
        ("仪表提示动力系统故障", "充电时跳枪", "低速行驶有嗡嗡声"),
        ("WX12",),
        (),
        cars="ev",
        pay="warranty",
        hours_on_site=4.0,
        comeback_prone=True,
    ),
    Job(
        "noise",
        4,
        ("过减速带底盘有咯噔声", "转向时有异响"),
        ("WX11", "WX08", "WX14"),
        (("XT-2905010", 1),),
        pay="warranty",
        hours_on_site=5.0,
        comeback_prone=True,
    ),
    Job(
        "tyres",
        5,
        ("轮胎鼓包", "轮胎磨损到极限了", "扎钉了，补不了"),
        ("WX15", "WX14"),
        (("MI-2355519", 2), ("TP-VALVE", 2)),
        hours_on_site=2.0,
    ),
    Job(
        "timing",
        1,
        ("正时皮带到更换周期",),
        ("WX09",),
        (("XT-1025020", 1),),
        cars="ice",
        hours_on_site=6.0,
    ),
    Job(
        "body",
        5,
        ("倒车剐蹭后保险杠", "停车场被刮，左前门凹陷", "追尾，前保险杠和大灯损坏"),
        ("BJ01", "BJ02"),
        (("TP-FILLER", 1), ("TP-PAINT", 2)),
        pay="insurance",
        hours_on_site=48.0,
        extras=False,
    ),
    Job(
        "lamp",
        2,
        ("左前大灯进水",),
        ("WX10",),
        (("XT-4121010", 1),),
        pay="warranty",
        hours_on_site=3.0,
    ),
    Job(
        "software",
        3,
        ("车机黑屏重启", "导航卡顿，想升级系统"),
        ("WX13",),
        (),
        pay="warranty",
        hours_on_site=1.0,
    ),
    Job(
        "detail",
        4,
        ("车内有异味，做个内饰清洁", "洗车打蜡"),
        ("MR01", "MR03"),
        (("TP-WAX", 1),),
        hours_on_site=3.0,
        extras=False,
    ),
    Job(
        "inspect", 3, ("年检前检查一下", "长途出行前检查"), ("JC01", "JC03"), (), hours_on_site=1.0
    ),
    Job(
        "fluids",
        3,
        ("刹车油两年没换了", "变速箱换挡顿挫"),
        ("BY04", "BY06"),
        (("BO-DOT4-1L", 1), ("BO-ATF-1L", 6)),
        cars="ice",
        hours_on_site=2.5,
    ),
]
# Small items the advisor adds to a visit: (operation or "", part or "", quantity).
EXTRAS = [
    ("WX06", "XT-5205010", 1),
    ("BY05", "XT-8107910", 1),
    ("BY09", "", 0),
    ("MR01", "", 0),
    ("BY07", "BO-LLC-4L", 1),
]


def service_catalogue_load(
    dealer: Dealer, *, stock: bool = True
) -> tuple[dict[str, ServiceOperation], dict[str, Part]]:
    """The dealer's operations, suppliers and parts (created once, in one transaction).
    With ``stock``, new parts start with two reorder quantities on the shelf, received by
    one stock movement each (bulk: the benchmark's dealers); without, they start empty."""
    with transaction.atomic():
        have_ops = {o.code: o for o in ServiceOperation.objects.filter(dealer=dealer)}
        ServiceOperation.objects.bulk_create(
            ServiceOperation(
                dealer=dealer,
                code=code,
                name=name,
                category=category,
                standard_hours=Decimal(hours),
                labour_rate=LABOUR_RATE,
                sop=sop,
            )
            for code, name, category, hours, sop in OPERATIONS
            if code not in have_ops
        )
        have_suppliers = {s.name: s for s in Supplier.objects.filter(dealer=dealer)}
        Supplier.objects.bulk_create(
            Supplier(dealer=dealer, name=name, contact=contact, phone=phone)
            for name, contact, phone in SUPPLIERS
            if name not in have_suppliers
        )
        suppliers = {s.name: s for s in Supplier.objects.filter(dealer=dealer)}
        have_parts = set(Part.objects.filter(dealer=dealer).values_list("part_number", flat=True))
        new_parts = Part.objects.bulk_create(
            Part(
                dealer=dealer,
                part_number=number,
                name=name,
                source=source,
                supplier=suppliers[SUPPLIERS[supplier][0]],
                unit=unit,
                unit_price=Decimal(price),
                warranty_months=months,
                warranty_km=km,
                on_hand=2 * reorder_qty if stock else 0,
                reorder_point=reorder_point,
                reorder_quantity=reorder_qty,
                location=f"{'ABCD'[index % 4]}-{index // 4 + 1:02d}",
            )
            for index, (
                number,
                name,
                source,
                supplier,
                unit,
                price,
                months,
                km,
                reorder_point,
                reorder_qty,
            ) in enumerate(PARTS)
            if number not in have_parts
        )
        StockMovement.objects.bulk_create(
            StockMovement(
                dealer=dealer,
                part=part,
                kind=StockMovement.Kind.RECEIPT,
                quantity=part.on_hand,
                delivered_quantity=part.on_hand,
                on_hand_after=part.on_hand,
                unit_cost=(part.unit_price * Decimal("0.7")).quantize(Decimal("0.01")),
                supplier=part.supplier,
                reference="期初库存",
            )
            for part in new_parts
            if part.on_hand
        )
    operations = {o.code: o for o in ServiceOperation.objects.filter(dealer=dealer)}
    parts = {p.part_number: p for p in Part.objects.filter(dealer=dealer)}
    return operations, parts


# --- The demo dealers' workshop (load_demo) ------------------------------------------------

TODAY_STEPS = {
    # state today: the moves that bring an order there after reception
    "open": [],
    "approved": ["approve"],
    "in_progress": ["approve", "start"],
    "quality_check": ["approve", "start", "finish"],
    "ready": ["approve", "start", "finish", "pass"],
    "delivered": ["approve", "start", "finish", "pass", "deliver"],
    "closed": ["approve", "start", "finish", "pass", "deliver", "close"],
    "cancelled": ["cancel"],
}
WALK_AROUND = {
    "exterior": {"ok": False, "findings": "右后门有轻微划痕，客户知悉"},
    "interior": {"ok": True, "findings": ""},
    "functions": {"ok": True, "findings": ""},
    "belongings": {"ok": False, "findings": "行车记录仪一台、雨伞一把"},
}
PAYMENTS = ["wechat_pay", "alipay", "unionpay"]
FOLLOW_UP_RESULTS = ["客户满意，无其他问题", "客户表示保养后车况良好", "客户建议缩短等待时间"]
UNHAPPY_REMARKS = [
    "取车时发现车内不干净",
    "保养后发动机噪音变大",
    "等待时间太长，超过承诺时间",
    "收费比预估高",
]


def _demo_call_outcome(rng) -> dict:
    """How a past follow-up call went: most customers reached and happy (scores mostly 4–5),
    a few unhappy (an answer of 1–2, with what they said), some never reached in 3 calls."""
    roll = rng.random()
    if roll < 0.06:
        return {"status": "unreachable", "attempts": 3, "result": "三次电话均未接通"}
    scores = [rng.choices([5, 4, 3], weights=[62, 31, 7])[0] for _ in range(3)]
    if roll > 0.955:
        scores[rng.randrange(3)] = rng.choice([1, 2])
    unhappy = min(scores) <= 2
    return {
        "status": "done",
        "attempts": rng.choices([1, 2, 3], weights=[80, 15, 5])[0],
        "quality_score": scores[0],
        "attitude_score": scores[1],
        "price_score": scores[2],
        "unhappy": unhappy,
        "result": rng.choice(UNHAPPY_REMARKS if unhappy else FOLLOW_UP_RESULTS),
    }


@dataclass
class DemoStaff:
    advisor: object
    technician: object
    inspector: object


def _demo_staff(dealer: Dealer) -> DemoStaff:
    from dealercare.core.models import User

    users = {u.role: u for u in User.objects.filter(dealer=dealer).order_by("pk")}
    return DemoStaff(users["advisor"], users["technician"], users["inspector"])


def service_demo_fill(dealer: Dealer, *, seed: int, days: int = 365) -> dict[str, int]:
    """A demo dealer's year in the workshop: its service catalogue and the parts its jobs
    fit (with their opening stock), a year of closed repair orders with lines, approvals,
    the bookings that brought them and the follow-up visits (in bulk), today's orders in
    every state and the next two weeks' bookings (through the services, as the staff would
    make them). The parts store's own demo stock and the testers come from ``demo_parts``."""
    import random

    rng = random.Random(seed)
    staff = _demo_staff(dealer)
    operations, parts = service_catalogue_load(dealer)
    history = _demo_history(dealer, staff, operations, parts, rng, days)
    today = _demo_today(dealer, staff, operations, parts, rng)
    booked = _demo_bookings(dealer, staff, operations, rng)
    desk = _demo_diagnosis(dealer, staff, rng) + _demo_roadside(dealer, staff, rng)
    return {"history": history, "today": today, "booked": booked, "desk": desk}


def _demo_history(dealer, staff, operations, parts, rng, days: int) -> int:
    """A year of closed (a few cancelled) orders in bulk, numbered as the sequence says,
    each with its lines, approval, booking (for about half) and follow-up visit."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from dealercare.service.models import (
        Appointment,
        RepairOrder,
        RepairOrderApproval,
        RepairOrderLine,
        RepairOrderSequence,
    )
    from dealercare.service.models.workshop import FollowUpTask
    from dealercare.vehicles.models import Vehicle

    today = timezone.localdate()
    cars = list(
        Vehicle.objects.filter(dealer=dealer)
        .select_related("owner")
        .only("pk", "owner__name", "owner__preferred_channel", "model_name", "current_km",
              "purchase_date", "warranty_end")
    )  # fmt: skip
    visits = []
    for car in cars:
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
            day = today - timedelta(days=rng.randint(1, days))
            if day > car.purchase_date:
                visits.append((day, rng.uniform(8.5, 16.5), car))
    visits.sort(key=lambda v: (v[0], v[1]))
    tz = timezone.get_current_timezone()
    numbers: dict[int, int] = {}
    orders, plans, lines = [], [], []
    for day, hour, car in visits:
        numbers[day.year] = numbers.get(day.year, 0) + 1
        received = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(hours=hour)
        job = _demo_job(rng, car.model_name)
        cancelled = rng.random() < 0.03
        km = int(
            car.current_km
            * (day - car.purchase_date).days
            / max(1, (today - car.purchase_date).days)
        )
        delivered = received + timedelta(hours=job.hours_on_site + rng.uniform(0, 2))
        orders.append(
            RepairOrder(
                dealer=dealer,
                number=f"{dealer.code.upper()}-{day.year}-{numbers[day.year]:06d}",
                status="cancelled" if cancelled else "closed",
                customer_id=car.owner_id,
                vehicle=car,
                advisor=staff.advisor,
                technician=None if cancelled else staff.technician,
                km_in=km,
                fault_description=rng.choice(job.says),
                promised_at=received + timedelta(hours=job.hours_on_site),
                delivered_at=None if cancelled else delivered,
                closed_at=None if cancelled else delivered + timedelta(days=rng.randint(1, 3)),
                invoice_number="" if cancelled else f"{day:%y%m%d}{len(orders):06d}",
            )
        )
        plans.append((received, job, car, cancelled))
        order_lines = _demo_lines(
            orders[-1], job, operations, parts, day <= car.warranty_end, staff, cancelled
        )
        _demo_totals(orders[-1], order_lines)
        lines.append(order_lines)
    RepairOrder.objects.bulk_create(orders, batch_size=500)
    approvals, bookings, tasks = [], [], []
    for order, (received, _job, car, cancelled) in zip(orders, plans, strict=True):
        if not cancelled:
            approvals.append(
                RepairOrderApproval(
                    dealer=dealer,
                    order=order,
                    method=rng.choice(["in_person", "phone", "signature"]),
                    approved_by=car.owner.name,
                    approved_at=received + timedelta(minutes=rng.randint(10, 40)),
                    amount=order.customer_total,
                    signature="",
                    recorded_by=staff.advisor,
                )
            )
            tasks.append(
                FollowUpTask(
                    dealer=dealer,
                    order=order,
                    customer_id=order.customer_id,
                    due_on=order.delivered_at.date() + timedelta(days=3),
                    vehicle=car,
                    channel=car.owner.preferred_channel or "phone",
                    done_at=order.delivered_at + timedelta(days=rng.randint(1, 3)),
                    last_call_at=order.delivered_at + timedelta(days=rng.randint(1, 3)),
                    **_demo_call_outcome(rng),
                )
            )  # fmt: skip
        if rng.random() < 0.5:
            bookings.append(
                Appointment(
                    dealer=dealer,
                    status="cancelled" if cancelled else "completed",
                    customer_id=order.customer_id,
                    vehicle=car,
                    channel=rng.choice(["phone", "web", "portal"]),
                    day=received.date(),
                    starts_at=_clock(f"{received.hour:02d}:{received.minute // 30 * 30:02d}"),
                    advisor=staff.advisor,
                    mode=rng.choice(["waiting", "drop_off"]),
                    repair_order=order,
                    arrived_at=None if cancelled else received,
                    created_by=staff.advisor,
                )
            )
    RepairOrderApproval.objects.bulk_create(approvals, batch_size=500)
    by_order = {a.order_id: a.pk for a in approvals}
    lines = [line for order_lines in lines for line in order_lines]
    for line in lines:
        line.order_id = line.order.pk
        line.approval_id = by_order.get(line.order_id)
    RepairOrderLine.objects.bulk_create(lines, batch_size=500)
    Appointment.objects.bulk_create(bookings, batch_size=500)
    FollowUpTask.objects.bulk_create(tasks, batch_size=500)
    RepairOrderSequence.objects.bulk_create(
        RepairOrderSequence(dealer=dealer, year=year, last=last) for year, last in numbers.items()
    )
    _demo_back_date(orders, plans, bookings, tasks)
    return len(orders)


def _demo_back_date(orders, plans, bookings, tasks) -> None:
    """Bulk inserts stamp every row with now: give the year's rows their own days."""
    from datetime import timedelta

    from django.db.models import F, OuterRef, Subquery

    from dealercare.service.models import (
        Appointment,
        RepairOrder,
        RepairOrderApproval,
        RepairOrderLine,
    )
    from dealercare.service.models.workshop import FollowUpTask

    for order, (received, *_rest) in zip(orders, plans, strict=True):
        order.created_at = received
        order.updated_at = order.closed_at or order.promised_at
    RepairOrder.objects.bulk_update(orders, ["created_at", "updated_at"], batch_size=500)
    ids = [order.pk for order in orders]
    opened = RepairOrder.objects.filter(pk=OuterRef("order_id")).values("created_at")[:1]
    for chunk in range(0, len(ids), 500):
        some = ids[chunk : chunk + 500]
        RepairOrderLine.objects.filter(order_id__in=some).update(
            created_at=Subquery(opened), updated_at=Subquery(opened)
        )
        RepairOrderApproval.objects.filter(order_id__in=some).update(
            created_at=F("approved_at"), updated_at=F("approved_at")
        )
    for booking in bookings:
        booking.created_at = booking.repair_order.created_at - timedelta(days=2)
        booking.updated_at = booking.repair_order.created_at
    Appointment.objects.bulk_update(bookings, ["created_at", "updated_at"], batch_size=500)
    for task in tasks:
        task.created_at = task.order.delivered_at
        task.updated_at = task.done_at
    FollowUpTask.objects.bulk_update(tasks, ["created_at", "updated_at"], batch_size=500)


def _demo_job(rng, model_name: str) -> Job:
    from dealercare.demo_data import NEW_ENERGY_MODELS

    kind = "ev" if model_name in NEW_ENERGY_MODELS else "ice"
    while True:
        job = rng.choices(JOBS, weights=[j.weight for j in JOBS])[0]
        if job.cars in ("", kind):
            return job


def _demo_lines(order, job, operations, parts, warranty, staff, cancelled) -> list:
    from dealercare.service.models import RepairOrderLine

    pay = job.pay if (job.pay != "warranty" or warranty) else "customer"
    lines = []
    for code in job.operations:
        op = operations[code]
        lines.append(
            RepairOrderLine(
                dealer_id=order.dealer_id,
                order=order,
                kind="labour",
                operation=op,
                description=op.name,
                quantity=op.standard_hours,
                unit_price=op.labour_rate,
                amount=op.price,
                pay_type=pay,
                technician=None if cancelled else staff.technician,
                done=not cancelled,
            )
        )
    for number, quantity in job.parts:
        part = parts[number]
        lines.append(
            RepairOrderLine(
                dealer_id=order.dealer_id,
                order=order,
                kind="part",
                part=part,
                description=part.name,
                quantity=Decimal(quantity),
                unit_price=part.unit_price,
                amount=part.unit_price * quantity,
                pay_type=pay,
                done=not cancelled,
                issued_quantity=0 if cancelled else quantity,
            )
        )
    return lines


def _demo_totals(order, lines) -> None:
    from dealercare.service.services.orders import totals_for

    labour = sum((line.amount for line in lines if line.kind == "labour"), Decimal("0"))
    parts = sum((line.amount for line in lines if line.kind == "part"), Decimal("0"))
    customer = sum((line.amount for line in lines if line.pay_type == "customer"), Decimal("0"))
    totals = totals_for(labour=labour, parts=parts, customer=customer, tax_rate=Decimal("0.13"))
    for name, value in totals.__dict__.items():
        setattr(order, name, value)


def _demo_today(dealer, staff, operations, parts, rng) -> int:
    """Two orders in each state today, taken there through the services by the advisor,
    the technician and the inspector; one of today's bookings arrives with each."""
    from datetime import timedelta

    from django.utils import timezone

    from dealercare.service.services.orders import (
        LineInput,
        repair_order_approve,
        repair_order_line_add,
        repair_order_transition,
    )
    from dealercare.service.services.workshop import (
        DeliveryInput,
        InspectionInput,
        ReceptionInput,
        delivery_record,
        inspection_record,
        job_move,
        reception_record,
        repair_order_close,
    )
    from dealercare.vehicles.models import Vehicle

    cars = list(Vehicle.objects.filter(dealer=dealer).select_related("owner").order_by("?")[:16])
    now = timezone.now()
    count = 0
    for index, moves in enumerate(m for m in TODAY_STEPS.values() for _twice in (1, 2)):
        car = cars[index]
        job = _demo_job(rng, car.model_name)
        reception = reception_record(
            actor=staff.advisor,
            vehicle=car,
            data=ReceptionInput(
                km=car.current_km + rng.randint(50, 900),
                fault_description=rng.choice(job.says),
                checklist=WALK_AROUND,
                fuel_level=rng.randint(20, 90),
                confirmation="in_person",
                confirmed_by=car.owner.name,
                promised_at=now + timedelta(hours=job.hours_on_site + 1),
                technician_id=staff.technician.pk,
            ),
        )
        order = reception.order
        code = job.operations[0]
        repair_order_line_add(
            actor=staff.advisor,
            order=order,
            data=LineInput(kind="labour", operation_id=operations[code].pk),
        )
        for number, quantity in job.parts[:1]:
            repair_order_line_add(
                actor=staff.advisor,
                order=order,
                data=LineInput(kind="part", part_id=parts[number].pk, quantity=Decimal(quantity)),
            )
        for move in moves:
            order.refresh_from_db()
            if move == "approve":
                repair_order_approve(
                    actor=staff.advisor,
                    order=order,
                    method=rng.choice(["in_person", "phone"]),
                    approved_by=car.owner.name,
                )
            elif move in ("start", "finish"):
                job_move(actor=staff.technician, order=order, move=move)
            elif move == "pass":
                inspection_record(
                    actor=staff.inspector,
                    order=order,
                    data=InspectionInput(
                        result="pass",
                        checklist={"工单项目完成": True, "车辆清洁": True, "无遗留工具": True},
                        road_test_done=True,
                        road_test_notes="路试5公里，制动、转向正常",
                    ),
                )
            elif move == "deliver":
                delivery_record(
                    actor=staff.advisor,
                    order=order,
                    data=DeliveryInput(
                        handed_over_to=car.owner.name,
                        payment_method=rng.choice(PAYMENTS) if order.customer_total else "none",
                        amount_paid=order.customer_total,
                        invoice_number=f"{now:%y%m%d}9{index:05d}" if order.customer_total else "",
                        cleaning_done=True,
                    ),
                )
            elif move == "close":
                repair_order_close(actor=staff.advisor, order=order)
            else:
                repair_order_transition(
                    actor=staff.advisor, order=order, move="cancel", reason="客户临时有事，改天再来"
                )
        count += 1
    return count


def _demo_bookings(dealer, staff, operations, rng) -> int:
    """The next two weeks' bookings, made through the booking service."""
    from datetime import timedelta

    from django.utils import timezone

    from dealercare.core.errors import DomainError
    from dealercare.service.services.appointments import AppointmentInput, appointment_book
    from dealercare.vehicles.models import Vehicle

    cars = list(Vehicle.objects.filter(dealer=dealer).order_by("?")[:40])
    today = timezone.localdate()
    slots = ["09:00", "09:30", "10:00", "10:30", "11:00", "13:30", "14:00", "15:00"]
    booked = 0
    for car in cars:
        try:
            appointment_book(
                actor=staff.advisor,
                data=AppointmentInput(
                    vehicle_id=car.pk,
                    day=today + timedelta(days=rng.randint(1, 14)),
                    starts_at=_clock(rng.choice(slots)),
                    channel=rng.choice(["phone", "web", "walk_in"]),
                    mode=rng.choice(["waiting", "drop_off"]),
                    service_ids=[operations[rng.choice(["BY02", "BY03", "WX01", "WX04"])].pk],
                    note=rng.choice(["", "希望上午取车", "顺便洗车"]),
                ),
            )
            booked += 1
        except DomainError:
            continue  # that slot was full: a customer would take another one
    return booked


# A dealer's own fault-code notes: what the code means, how urgent, what to tell the owner.
TIGHTEN_THE_CAP = "请将油箱盖拧紧至听到“咔哒”声，行驶几次后故障灯会自行熄灭。"
CHECK_THE_TYRES = "请检查四轮胎压并按车门贴标充气，若故障灯仍亮请预约到店。"
DEMO_FAULT_CODES = [
    ("P0457", "油箱盖未拧紧或蒸发排放系统泄漏", "low", True, TIGHTEN_THE_CAP),
    ("P0420", "三元催化转化器效率低于阈值", "medium", False, ""),
    ("P0301", "第1缸失火", "high", False, ""),
    ("U0100", "与发动机控制单元通讯丢失", "high", False, ""),
    ("C1201", "胎压传感器信号异常", "low", True, CHECK_THE_TYRES),
]  # fmt: skip
DEMO_REPORTS = [
    (["P0457"], "加油后故障灯亮"),
    (["P0301", "P0420"], "怠速抖动，加速无力"),
    (["C1201"], "仪表提示胎压异常"),
    (["U0100"], "偶发无法启动"),
]
DEMO_ROADSIDE = [
    ("G60沪昆高速松江段往杭州方向，距松江出口约2公里", "爆胎，无备胎"),
    ("浦东新区张江路与科苑路路口", "车辆无法启动，疑似蓄电池亏电"),
    ("闵行区七莘路3388号地下停车场B2", "钥匙锁在车内"),
]


def _demo_diagnosis(dealer, staff, rng) -> int:
    """The dealer's fault-code notes and a few reports: new ones waiting for an advisor,
    a simple one answered remotely."""
    from dealercare.core.models import User
    from dealercare.service.models import FaultCode
    from dealercare.service.services.diagnosis import (
        FaultCodeInput,
        diagnosis_answer,
        diagnosis_receive,
        fault_code_create,
    )
    from dealercare.vehicles.models import Vehicle

    manager = User.objects.filter(dealer=dealer, role="manager").order_by("pk").first()
    for code, text, severity, remote, guidance in DEMO_FAULT_CODES:
        if not FaultCode.objects.filter(dealer=dealer, code=code).exists():
            data = FaultCodeInput(code, text, severity, remote_answerable=remote, guidance=guidance)
            fault_code_create(actor=manager, data=data)
    cars = Vehicle.objects.filter(dealer=dealer, owner__isnull=False).order_by("?")
    for car, (codes, note) in zip(cars[: len(DEMO_REPORTS)], DEMO_REPORTS, strict=False):
        report = diagnosis_receive(
            actor=staff.advisor,
            vehicle_id=car.pk,
            codes=codes,
            note=note,
            km=(car.current_km or 0) + rng.randint(100, 900),
            source=rng.choice(["api", "portal", "staff"]),
        )
        if codes == ["P0457"]:
            diagnosis_answer(actor=staff.advisor, report=report, answer=TIGHTEN_THE_CAP)
    return len(DEMO_REPORTS)


def _demo_roadside(dealer, staff, rng) -> int:
    """Today's roadside line: one call just taken, one crew on its way, one fixed."""
    from datetime import timedelta

    from django.utils import timezone

    from dealercare.service.services.roadside import (
        RoadsideInput,
        roadside_dispatch,
        roadside_move,
        roadside_receive,
    )
    from dealercare.vehicles.models import Vehicle

    cars = list(Vehicle.objects.filter(dealer=dealer, owner__isnull=False).order_by("?")[:3])
    now = timezone.now()
    for index, (car, (location, problem)) in enumerate(zip(cars, DEMO_ROADSIDE, strict=False)):
        request = roadside_receive(
            actor=staff.advisor,
            data=RoadsideInput(
                location=location,
                problem=problem,
                contact_name=car.owner.name,
                contact_phone=car.owner.phone or "13800000000",
                vehicle_id=car.pk,
                received_at=now - timedelta(minutes=20 + 40 * index),
            ),
        )
        if index:
            request = roadside_dispatch(
                actor=staff.advisor,
                request=request,
                dispatched_to_id=staff.technician.pk,
                service_vehicle="沪B·救援01",
                eta=now + timedelta(minutes=rng.randint(15, 45)),
            )
        if index == 2:
            request = roadside_move(actor=staff.advisor, request=request, move="on_scene")
            roadside_move(actor=staff.advisor, request=request, move="fix")
    return len(cars)


def _clock(value: str):
    from datetime import time

    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
