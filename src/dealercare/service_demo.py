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
