"""The complaints desk's demo data: a year of complaints, inquiries and suggestions per demo
dealer with a believable spread (categories, models, departments, months; most answered
within the day, some breached and escalated; satisfaction mostly good), and today's open
ones near their deadlines, taken in and worked through the services.

``load_demo`` calls :func:`complaints_demo_fill` after ``service_demo_fill``."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from dealercare.complaints.models import Complaint, ComplaintEscalation, PreventiveAction, RootCause
from dealercare.core.models import Dealer, User

Kind, Status, Category = Complaint.Kind, Complaint.Status, Complaint.Category

# (category, department, what the customer says, what they want, cause, improvement)
COMPLAINTS = [
    (
        Category.SERVICE,
        "workshop",
        "保养后发动机舱有异响，回店检查说正常，但仍然有声音。",
        "彻底检查并给出书面结论",
        "技师未按SOP复检皮带张紧",
        "交车前增加异响复检项目",
    ),
    (
        Category.SERVICE,
        "service",
        "预约了上午九点保养，到店后等了两个多小时才开工。",
        "解释原因并给予补偿",
        "预约时段超额",
        "按工位产能限制预约数量",
    ),
    (
        Category.SERVICE,
        "service",
        "结算金额比报价多了四百多元，事先没有人电话确认。",
        "退还差价",
        "增项未经客户确认",
        "增项必须电话确认并录音",
    ),
    (
        Category.SERVICE,
        "workshop",
        "洗车后车内有油污手印，座椅也被弄脏了。",
        "清洁并道歉",
        "未使用三件套",
        "作业前必须铺好座椅套、方向盘套和脚垫",
    ),
    (
        Category.PRODUCT_QUALITY,
        "workshop",
        "空调制冷效果差，已经第二次来修了还没修好。",
        "彻底修好，否则更换压缩机",
        "冷凝器批次缺陷",
        "同批次车辆主动检查",
    ),
    (
        Category.PRODUCT_QUALITY,
        "parts",
        "中控屏频繁黑屏重启，行车中很危险。",
        "更换中控主机",
        "软件版本缺陷",
        "推送升级并回访同型号车主",
    ),
    (
        Category.PRODUCT_QUALITY,
        "workshop",
        "车门密封条漏水，下雨后脚垫全湿。",
        "免费更换密封条",
        "密封条装配不到位",
        "新车PDI增加淋雨测试",
    ),
    (
        Category.PRODUCT_QUALITY,
        "parts",
        "更换的刹车片不到一个月就有尖叫声。",
        "免费更换原厂件",
        "配件批次问题",
        "配件入库抽检",
    ),
    (
        Category.INFORMATION,
        "sales",
        "购车时说的保养套餐，到店后说不包含机滤。",
        "按承诺提供",
        "销售口头承诺与合同不一致",
        "套餐内容写入合同附件",
    ),
    (
        Category.INFORMATION,
        "customer_service",
        "电话打了三次都没人接，留言也没有回复。",
        "尽快回电",
        "热线高峰无人值守",
        "增加午间值班与回拨机制",
    ),
    (
        Category.OTHER,
        "administration",
        "停车场没有充电桩空位，等了四十分钟。",
        "增加充电位",
        "充电桩被员工车辆占用",
        "员工车辆不得占用客户充电位",
    ),
    (
        Category.SERVICE,
        "service",
        "取车时间一再推迟，没有主动通知。",
        "按时交车并道歉",
        "配件未到未及时沟通",
        "延误必须提前两小时通知客户",
    ),
]
INQUIRIES = [
    "周末是否营业？几点到几点？",
    "新能源车的三电质保是几年？",
    "保养可以上门取送车吗？",
    "更换轮胎大概多少钱？",
    "首保需要带哪些资料？",
    "可以开具增值税专用发票吗？",
    "车辆召回信息在哪里查询？",
    "预约保养需要提前几天？",
]
SUGGESTIONS = [
    "休息区希望增加儿童游乐区。",
    "希望能在微信上实时看到维修进度照片。",
    "建议延长周六的营业时间。",
    "休息区的咖啡机经常没有咖啡豆。",
    "建议保养结束后发送详细的检查报告。",
]
ANSWERS = [
    "已电话答复客户，客户表示清楚。",
    "已通过微信答复，并发送相关资料。",
    "已转交相关部门，并告知客户处理结果。",
]
CHANNEL_WEIGHTS = {
    "hotline": 40,
    "wechat": 25,
    "in_store": 15,
    "website": 8,
    "email": 5,
    "letter": 2,
    "follow_up": 5,
}
SATISFACTION = [5] * 45 + [4] * 35 + [3] * 12 + [2] * 5 + [1] * 3


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@transaction.atomic
def complaints_demo_fill(dealer: Dealer, *, seed: int, days: int = 365) -> dict[str, int]:
    rng = random.Random(seed + 16)
    staff = {u.role: u for u in User.objects.filter(dealer=dealer).order_by("pk")}
    history = _history(dealer, staff, rng, days)
    today = _today(dealer, staff, rng)
    _root_causes(dealer, staff)
    from dealercare.complaints.services.escalation import complaints_escalate

    complaints_escalate()
    return {"history": history, "today": today}


def _cars(dealer) -> list:
    from dealercare.service.models import RepairOrder
    from dealercare.vehicles.models import Vehicle

    orders = list(
        RepairOrder.objects.filter(dealer=dealer, status="closed")
        .values_list("pk", "vehicle_id", "customer_id")
        .order_by("pk")[:3000]
    )
    cars = list(
        Vehicle.objects.filter(dealer=dealer)
        .exclude(owner=None)
        .values_list("pk", "owner_id", "purchase_date")
        .order_by("pk")[:3000]
    )
    return orders, cars


def _history(dealer, staff, rng, days: int) -> int:
    """A year of closed complaints, inquiries and suggestions, in bulk."""
    orders, cars = _cars(dealer)
    if not cars:
        return 0
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    agent, manager = staff["csr"], staff["manager"]
    rows, breached = [], []
    for offset in range(days, 1, -1):
        day = today - timedelta(days=offset)
        # Complaints gather after the busy months (holidays, the summer's air conditioning).
        busy = 1.6 if day.month in (1, 2, 7, 8, 10) else 1.0
        for _ in range(rng.choices([0, 1, 2, 3], weights=[45, 35, 15, 5 * busy])[0]):
            received = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(
                hours=rng.uniform(8.5, 19.5)
            )
            kind = rng.choices(
                [Kind.COMPLAINT, Kind.INQUIRY, Kind.SUGGESTION], weights=[35, 50, 15]
            )[0]
            rows.append(_closed(dealer, kind, received, agent, manager, orders, cars, rng))
            if rows[-1].first_responded_at > rows[-1].first_response_due_at:
                breached.append(rows[-1])
    Complaint.objects.bulk_create(rows, batch_size=500)
    ComplaintEscalation.objects.bulk_create(
        ComplaintEscalation(
            dealer=dealer,
            complaint=row,
            clock=ComplaintEscalation.Clock.FIRST_RESPONSE,
            level=level,
            target=target,
            due_at=row.first_response_due_at,
        )
        for row in breached
        for level, target in ((1, "manager"), (2, "admin"))[: 1 + (row.urgency == "critical")]
    )
    return len(rows)


def _closed(dealer, kind, received, agent, manager, orders, cars, rng) -> Complaint:
    late = rng.random() < 0.07
    responded = received + timedelta(hours=rng.uniform(25, 40) if late else rng.uniform(0.2, 12))
    row = Complaint(
        dealer=dealer,
        kind=kind,
        status=Status.CLOSED,
        channel=_pick(rng, CHANNEL_WEIGHTS),
        received_at=received,
        received_by=agent,
        first_response_due_at=received + timedelta(hours=24),
        first_response_warn_at=received + timedelta(hours=18),
        first_responded_at=responded,
        urgency=rng.choices(["low", "normal", "high", "critical"], weights=[10, 60, 25, 5])[0],
    )
    if rng.random() < 0.5 and orders:
        order, car, customer = rng.choice(orders)
        row.repair_order_id, row.vehicle_id, row.customer_id = order, car, customer
    else:
        car, customer, bought = rng.choice(cars)
        row.vehicle_id, row.customer_id, row.purchase_date = car, customer, bought
    if kind != Kind.COMPLAINT:
        row.content = rng.choice(INQUIRIES if kind == Kind.INQUIRY else SUGGESTIONS)
        row.answer = rng.choice(ANSWERS)
        row.closed_at = responded + timedelta(hours=rng.uniform(0.1, 6))
        row.repair_order_id = None
        return row
    category, department, content, wanted, cause, improvement = rng.choice(COMPLAINTS)
    implemented = responded + timedelta(hours=rng.uniform(12, 96))
    feedback = implemented + timedelta(hours=rng.uniform(1, 30))
    row.category, row.department, row.content, row.wanted_outcome = (
        category,
        department,
        content,
        wanted,
    )
    row.owner = agent if rng.random() < 0.7 else manager
    row.solve_by = responded + timedelta(days=3)
    row.investigation = "核对工单与车辆记录，与技师和客户分别沟通。"
    row.solution = "按客户诉求处理，并由服务经理电话致歉。"
    row.implemented_at = implemented
    row.feedback_due_at = implemented + timedelta(hours=24)
    row.feedback_warn_at = implemented + timedelta(hours=18)
    row.feedback_given_at = feedback
    row.result = "问题已解决，客户接受处理结果。"
    row.cause, row.improvement = cause, improvement
    row.satisfaction = rng.choice(SATISFACTION)
    row.closed_at = feedback + timedelta(hours=rng.uniform(0.5, 24))
    return row


def _today(dealer, staff, rng) -> int:
    """Open ones across the states, some near their deadline today and some past it,
    taken in and worked through the services as the desk would."""
    from dealercare.complaints.services import StepInput, complaint_receive, complaint_transition

    agent = staff["csr"]
    _, cars = _cars(dealer)
    if not cars:
        return 0
    now = timezone.now()
    plan = [  # (hours since receipt, the last move made)
        (1, None),
        (5, None),
        (19, None),
        (22, None),
        (27, None),
        (50, None),
        (30, "assign"),
        (40, "investigate"),
        (60, "propose"),
        (20, "implement"),
    ]
    step = StepInput(
        category="service",
        urgency="high",
        owner_id=agent.pk,
        department="workshop",
        solve_by=now + timedelta(days=2),
        investigation="已调取工单记录。",
        solution="免费复检并更换相关配件。",
    )
    moves = ["classify", "assign", "investigate", "propose", "implement"]
    for index, (hours, last) in enumerate(plan):
        car, customer, bought = cars[(index * 37) % len(cars)]
        category, _dept, content, wanted, *_ = COMPLAINTS[index % len(COMPLAINTS)]
        complaint = complaint_receive(
            actor=agent,
            channel=rng.choice(["hotline", "wechat", "in_store"]),
            content=content,
            customer=customer,
            vehicle=car,
            wanted_outcome=wanted,
            category=category,
            received_at=now - timedelta(hours=hours),
            purchase_date=bought,
        )
        if last:
            for move in moves[: moves.index(last) + 1]:
                complaint = complaint_transition(
                    actor=agent, complaint=complaint, move=move, data=step
                )
        if last == "implement":
            # Implemented 20 h ago: the feedback is due in about 4 h.
            done = now - timedelta(hours=20)
            Complaint.objects.filter(pk=complaint.pk).update(
                implemented_at=done,
                feedback_due_at=done + timedelta(hours=24),
                feedback_warn_at=done + timedelta(hours=18),
            )
    for hours, kind, text in (
        (3, Kind.INQUIRY, INQUIRIES[0]),
        (21, Kind.SUGGESTION, SUGGESTIONS[1]),
    ):
        car, customer, _bought = cars[hours % len(cars)]
        complaint_receive(
            actor=agent,
            kind=kind,
            channel="wechat",
            content=text,
            customer=customer,
            received_at=now - timedelta(hours=hours),
        )
    return len(plan) + 2


def _root_causes(dealer, staff) -> None:
    """Two root causes from the year's complaints, one action done and one open."""
    manager, agent = staff["manager"], staff["csr"]
    today = timezone.localdate()
    for title, category, contains, actions in (
        (
            "增项未经客户确认即施工",
            Category.SERVICE,
            "结算金额",
            [("增项必须电话确认并录音", agent, today - timedelta(days=30), True)],
        ),
        (
            "空调冷凝器批次缺陷",
            Category.PRODUCT_QUALITY,
            "空调制冷",
            [
                ("同批次车辆主动召回检查", manager, today + timedelta(days=10), False),
                ("向厂家提交质量反馈", manager, today - timedelta(days=20), True),
            ],
        ),
    ):
        cause = RootCause.objects.create(
            dealer=dealer, title=title, category=category, created_by=manager
        )
        ids = Complaint.objects.filter(dealer=dealer, content__contains=contains).values_list(
            "pk", flat=True
        )[:30]
        cause.complaints.set(list(ids))
        for description, owner, due, done in actions:
            PreventiveAction.objects.create(
                dealer=dealer,
                root_cause=cause,
                description=description,
                owner=owner,
                due_date=due,
                status="done" if done else "open",
                done_at=timezone.now() if done else None,
                outcome="已完成" if done else "",
            )
