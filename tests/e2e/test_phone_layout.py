"""Every page works on a 390 px phone: no sideways scrolling, and a menu that folds the
navigation (technicians, advisors at the car and owners use phones).

The pages come from the URL conf, so a page added later is visited too; one that needs an
object in its URL fails here until the archive fixture names one to show.
"""

import re
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import expect

from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import User
from dealercare.core.roles import Role
from dealercare.core.scheduling import registered_jobs
from dealercare.demo_data import dealer_fill
from dealercare.vehicles.models import MileageReading
from dealercare.vehicles.services import vehicle_record_mileage
from tests.factories import new_customer, new_repair_order, new_vehicle
from tests.parts.factories import new_part as new_stock_part
from tests.parts.factories import new_supplier
from tests.service.orders_factories import add_labour, add_part, new_operation, new_part
from tests.service.test_equipment import new_equipment

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
NOT_PAGES = ("api/", "admin/", "i18n/")
FILE = re.compile(r"\.[a-z]+$")
# Pages worth seeing in a second state as well, e.g. with results or a second record.
STATES = {"customers:list": "?q=欧阳", "customers:merge": "?q=欧阳&duplicate={duplicate}"}


def url_patterns(resolvers=None, prefix="", namespace=""):
    """(name, route, kwarg names) of every page the URL conf serves, outside API and admin."""
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        route = prefix + str(entry.pattern)
        if route.startswith(NOT_PAGES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", route, list(entry.pattern.converters)


@pytest.fixture
def archive(cast) -> dict:
    """A filled dealer plus records with long values, so every page has something to show."""
    dealer_fill(cast.dealer_a, customers=12, vehicles=15, seed=8)
    advisor = cast.staff_a[Role.ADVISOR]
    owner = new_customer(
        advisor,
        name="欧阳娜娜",
        email="a.very.long.mailbox.name.for.testing@example-dealer-group.com.cn",
        address="上海市浦东新区张江高科技园区碧波路690号张江微电子港3号楼1201室",
        notes="客户希望周末上午到店保养，提前一天电话提醒；" * 4,
        tags=["VIP", "老客户", "新能源意向", "转介绍"],
        birthday=date(1990, 5, 17),
    )
    duplicate = new_customer(advisor, name="欧阳娜娜", birthday=date(1990, 5, 17))
    vehicle = new_vehicle(
        advisor,
        owner=owner,
        current_km=12000,
        purchase_date=timezone.localdate() - timedelta(days=700),
    )
    vehicle_record_mileage(
        actor=advisor,
        vehicle=vehicle,
        km=99000,
        read_on=timezone.localdate() - timedelta(days=30),
        source=MileageReading.Source.OWNER,
    )
    with transaction.atomic():
        message = message_queue(
            dealer=cast.dealer_a,
            recipient=Recipient.staff(cast.staff_a[Role.CSR]),
            channel="inbox",
            subject="保养提醒：欧阳娜娜的爱车即将到期保养",
            body="您的客户的爱车将于下月到期保养，请提前电话预约。" * 3,
            idempotency_key="phone-layout",
        )
    booking = _booking_samples(advisor, cast.staff_a[Role.MANAGER], vehicle)
    clerk = cast.staff_a[Role.PARTS]
    supplier = new_supplier(
        clerk, name="博世汽车配件（上海）有限公司华东区域分销中心", contact="王经理"
    )
    part = new_stock_part(
        clerk,
        "XT-1234567890-ABCDEFGHIJ",
        name="前制动片（陶瓷配方，低噪音，适用于星途瑶光 2.0T 四驱版）",
        stock=3,
        reorder_point=5,
        reorder_quantity=20,
        supplier_id=supplier.pk,
    )
    tester = new_equipment(
        cast.staff_a[Role.INSPECTOR],
        "EQ-DIAG-0001-LONG",
        name="元征 X-431 PAD VII 智能诊断仪（含编程模块）",
        calibration_due=timezone.localdate() - timedelta(days=3),
        calibration_interval_days=365,
        location="一号车间二号工位旁工具柜",
    )
    order, follow_up = workshop_samples(advisor, vehicle)
    complaints = _complaint_samples(cast, vehicle)
    operation = new_operation(cast, name="更换前刹车片及刹车盘并检查制动液液位和管路密封")
    line = add_labour(advisor, order, operation)
    add_part(advisor, order, new_part(cast.dealer_a), quantity=2, pay_type="warranty")
    surveys, token = _survey_samples(cast, owner, vehicle)
    care = _care_samples(cast, owner, vehicle)
    return {
        "samples": {  # by URL namespace: the object each kwarg names
            "parts": {"part_id": part.pk, "supplier_id": supplier.pk},
            "": {"name": next(iter(registered_jobs())), "token": token},
            "customers": {"pk": owner.pk, "field": "phone"},
            "messaging": {"pk": message.pk},
            "vehicles": {"pk": vehicle.pk},
            "service": {
                "order_id": order.pk,
                "follow_up_id": follow_up.pk,
                "equipment_id": tester.pk,
                "operation_id": operation.pk,
                "line_id": line.pk,
            }
            | booking,
            "surveys": surveys,
            "complaints": complaints | {"follow_up_id": follow_up.pk},
            "care": care,
        },
        "duplicate": duplicate.pk,
    }


def _survey_samples(cast, owner, vehicle) -> tuple[dict, str]:
    """A survey answered on the phone with a long comment, one waiting for its answer, and
    the link of that one (the customer's public page)."""
    from dealercare.surveys.services.answers import survey_answer_by_agent
    from dealercare.surveys.services.invitations import survey_invite
    from tests.surveys.factories import default_survey, happy_answers, questions_of, token_of

    agent = cast.staff_a[Role.CSR]
    template = default_survey(cast.dealer_a)
    comment = "交车时间比约定晚了两个小时，但服务顾问主动道歉并赠送了洗车券，总体还算满意。" * 3
    answered = survey_invite(actor=agent, template=template, customer=owner, channel="phone")
    response = survey_answer_by_agent(
        actor=agent,
        invitation=answered,
        answers=happy_answers(template, text=comment, satisfaction=2),
    )
    waiting = survey_invite(
        actor=agent, template=template, customer=owner, vehicle=vehicle, channel="sms"
    )
    samples = {
        "template_id": template.pk,
        "question_id": questions_of(template)["text"].pk,
        "invitation_id": waiting.pk,
        "response_id": response.pk,
    }
    return samples, token_of(waiting)


def _care_samples(cast, owner, vehicle) -> dict:
    """The planner's reminders, one of the owner's with a long text, a phone call to make,
    a campaign and a pause (the care desk's pages)."""
    from dealercare.care.models import Reminder, ReminderRule
    from dealercare.care.services.planner import care_plan
    from dealercare.care.services.reminders import reminder_pause
    from dealercare.care.services.rules import RuleInput, campaign_create

    today = timezone.localdate()
    care_plan(today)
    rule = ReminderRule.objects.get(dealer=cast.dealer_a, kind="maintenance")
    reminder = Reminder.objects.create(
        dealer=cast.dealer_a,
        rule=rule,
        kind="maintenance",
        customer=owner,
        vehicle=vehicle,
        due_date=today + timedelta(days=88),
        send_on=today + timedelta(days=3),
        text="{name}您好，您的爱车{plate}预计于{due_date}需要保养，本月到店保养可享工时八折优惠，"
        "另赠送全车检测与空调清洗，欢迎致电{dealer_phone}预约。",
    )
    Reminder.objects.create(
        dealer=cast.dealer_a,
        rule=ReminderRule.objects.get(dealer=cast.dealer_a, kind="insurance"),
        kind="insurance",
        customer=owner,
        vehicle=vehicle,
        due_date=today + timedelta(days=89),
        send_on=today,
        status="call",
        channel="phone",
    )
    manager = cast.staff_a[Role.MANAGER]
    campaign = campaign_create(
        actor=manager,
        data=RuleInput(
            name="国庆黄金周到店保养送全车检测及空调清洗活动（限老客户）",
            lead_days=3,
            template_zh="{name}您好，{dealer}国庆黄金周活动邀您到店！",
            campaign_date=today + timedelta(days=20),
            segment_grade="A",
        ),
    )
    pause = reminder_pause(
        actor=cast.staff_a[Role.CSR],
        customer_id=owner.pk,
        kind="birthday",
        until=today + timedelta(days=30),
        reason="客户出国工作三个月，回国后再联系；期间不要发送生日祝福和营销信息。",
    )
    return {
        "reminder_id": reminder.pk,
        "rule_id": campaign.pk,
        "customer_id": owner.pk,
        "pause_id": pause.pk,
    }


def _complaint_samples(cast, vehicle) -> dict:
    """A complaint with long values, late, warned and escalated; a root cause with an
    action (the complaints desk's pages)."""
    from dealercare.complaints.services import complaint_receive
    from dealercare.complaints.services.analysis import preventive_action_add, root_cause_create
    from dealercare.complaints.services.escalation import complaints_escalate

    manager = cast.staff_a[Role.MANAGER]
    complaint = complaint_receive(
        actor=cast.staff_a[Role.CSR],
        channel="hotline",
        content="第二次因为同一个问题返修，空调仍然不制冷，等待时间超过三个小时，没有人主动联系。"
        * 3,
        wanted_outcome="免费更换压缩机并赔偿误工费，同时希望服务经理亲自回电说明情况。",
        customer=vehicle.owner,
        vehicle=vehicle,
        received_at=timezone.now() - timedelta(hours=30),
    )
    complaints_escalate()
    cause = root_cause_create(
        actor=manager, title="交车前未按标准流程复检空调系统", complaint_ids=str(complaint.pk)
    )
    action = preventive_action_add(
        actor=manager,
        root_cause=cause,
        description="交车前增加空调系统复检并由质检员签字确认",
        owner_id=manager.pk,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    return {"complaint_id": complaint.pk, "root_cause_id": cause.pk, "action_id": action.pk}


def _booking_samples(advisor, manager, vehicle) -> dict:
    """An appointment, a remote diagnosis, a fault code and a roadside request with long
    values (the booking desk's pages)."""
    from tests.service.booking_factories import book, grid, operation

    grid(advisor.dealer, pickup_offered=True)
    appointment = book(
        advisor,
        vehicle,
        service_ids=[operation(advisor.dealer, name="首次保养（更换机油、机滤，全车检查）").pk],
        note="客户反映冷车启动时发动机抖动，仪表盘故障灯偶尔点亮；" * 3,
        fault_codes=["P0301", "P0420"],
    )
    from dealercare.service.services.diagnosis import (
        FaultCodeInput,
        diagnosis_receive,
        fault_code_create,
    )
    from dealercare.service.services.roadside import RoadsideInput, roadside_receive

    fault = fault_code_create(
        actor=manager,
        data=FaultCodeInput(
            code="P0301",
            description_zh="一缸失火（点火线圈、火花塞或喷油嘴故障，常见于冷车启动后）",
            description_en="Cylinder 1 misfire detected",
            severity="high",
        ),
    )
    report = diagnosis_receive(
        actor=advisor,
        vehicle_id=vehicle.pk,
        codes=["P0301", "P0420", "U0100"],
        note="车主反映仪表故障灯常亮，加速无力。" * 3,
        km=48000,
    )
    roadside = roadside_receive(
        actor=advisor,
        data=RoadsideInput(
            location="上海市浦东新区G1501绕城高速外圈近申江路出口约两公里处应急车道",
            problem="车辆在高速上突然熄火，无法再次启动，车上有老人和小孩。" * 2,
            contact_name="欧阳娜娜",
            contact_phone="13912345678",
            vehicle_id=vehicle.pk,
        ),
    )
    return {
        "appointment_id": appointment.pk,
        "diagnosis_id": report.pk,
        "fault_code_id": fault.pk,
        "roadside_id": roadside.pk,
    }


def workshop_samples(advisor, vehicle):
    """An order in the workshop with a long reception, progress and a follow-up task."""
    from dealercare.service.models import FollowUpTask, ProgressReport, Reception

    order = new_repair_order(
        advisor,
        vehicle=vehicle,
        status="in_progress",
        technician=User.objects.get(dealer=advisor.dealer, role=Role.TECHNICIAN),
        fault_description="冷启动时发动机舱有异响，怠速抖动，仪表偶尔亮起故障灯；" * 3,
        promised_at=timezone.now() - timedelta(hours=1),
    )
    long_finding = "左后门下沿约十五厘米划痕，右前轮毂轻微磨损，后保险杠有旧补漆痕迹"
    Reception.objects.create(
        dealer=advisor.dealer,
        order=order,
        km=12500,
        fault_description=order.fault_description,
        checklist={
            area: {"ok": area != "exterior", "findings": long_finding}
            for area in ("exterior", "interior", "functions", "belongings")
        },
        fuel_level=40,
        confirmation="in_person",
        confirmed_by="欧阳娜娜",
        confirmed_at=timezone.now(),
        received_by=advisor,
    )
    ProgressReport.objects.create(
        dealer=advisor.dealer, order=order, reported_by=advisor, note=long_finding, percent=40
    )
    follow_up = FollowUpTask.objects.create(
        dealer=advisor.dealer,
        order=order,
        customer=order.customer,
        due_on=timezone.localdate() - timedelta(days=1),
        channel="wechat",
    )
    return order, follow_up


def page_urls(archive) -> list[tuple[str, str]]:
    urls = []
    for name, route, kwarg_names in url_patterns():
        if FILE.search(route):
            continue  # a download (an audited one, too): no page to lay out
        samples = archive["samples"].get(name.rpartition(":")[0], {})
        missing = [k for k in kwarg_names if k not in samples]
        if missing:
            pytest.fail(
                f"{name} ({route}): no sample for {missing}; add one to the archive fixture"
            )
        url = reverse(name, kwargs={k: samples[k] for k in kwarg_names})
        urls.append((name, url))
        if name in STATES:
            urls.append((f"{name}+", url + STATES[name].format(**archive)))
    return [*urls, ("not-found", "/no-such-page/")]


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def phone_context(browser, live_server, client: Client):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    if "sessionid" in client.cookies:
        session = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context


def pages_for(client: Client, urls) -> list[tuple[str, str]]:
    """What the browser must lay out for this client: every page that answers with HTML,
    and the first page of each refusal (403, 404). A 5xx raises here already."""
    pages, refusals = [], set()
    for name, url in urls:
        response = client.get(url)
        status = response.status_code
        if status == 405 or response.has_header("Content-Disposition"):
            continue  # a POST-only action or a download: nothing to lay out
        if status in (403, 404):
            if status in refusals:
                continue
            refusals.add(status)
        pages.append((name, url))
    return pages


# Two visible form fields on one line: the form is not single-column.
FIELDS_SIDE_BY_SIDE = """() => {
  const boxes = [...document.querySelectorAll(".field")]
    .filter((field) => field.offsetParent !== null)
    .map((field) => field.getBoundingClientRect());
  const sameLine = (a, b) => a.top < b.bottom - 1 && b.top < a.bottom - 1;
  return boxes.some((a, i) => boxes.slice(i + 1).some((b) => sameLine(a, b)));
}"""


def visit_all(context, live_server, pages, artifacts, prefix, shot_names: set) -> list[str]:
    """Open each page; return what went wrong: a 5xx, a page wider than the phone, or a
    form in more than one column. Each page is kept as a screenshot the first time a role
    opens it (``shot_names``), and every page that fails."""
    problems = []
    page = context.new_page()
    for name, url in pages:
        response = page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        seen = name if response.ok else f"{name}-{response.status}"
        shot = artifacts / f"phone-{prefix}-{seen.replace(':', '-')}.png"
        if response.status >= 500:
            problems.append(f"{url}: {response.status}")
        if width > PHONE["width"]:
            problems.append(f"{url}: {width} px wide (see {shot.name})")
        if page.evaluate(FIELDS_SIDE_BY_SIDE):
            problems.append(f"{url}: form fields side by side")
        if seen not in shot_names or width > PHONE["width"]:
            shot_names.add(seen)
            page.screenshot(path=shot, full_page=width > PHONE["width"])
    return problems


def check_menu(page, live_server, artifacts, prefix):
    page.goto(live_server.url + "/")
    links = page.locator(".mainnav a")
    expect(links.first).to_be_hidden()
    page.locator(".menu-button").click()
    page.screenshot(path=artifacts / f"phone-{prefix}-menu.png")
    assert links.count() >= 1
    for link in links.all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], link.text_content()
        assert box["height"] < 3 * 16, f"{link.text_content()} wraps: {box}"
    target = links.last.get_attribute("href")
    links.last.click()
    page.wait_for_url(live_server.url + target)
    expect(links.first).to_be_hidden()


def test_every_page_fits_a_phone(browser, live_server, cast, archive, artifacts):
    """Each role in its own browser context: the menu, then every page it can open."""
    users = {**{role: cast.staff_a[role] for role in cast.staff_a}, "oem": cast.oem}
    urls = page_urls(archive)
    problems, shot_names = [], set()
    for role, user in users.items():
        client = signed_in(user)
        pages = pages_for(client, urls)
        context = phone_context(browser, live_server, client)
        try:
            check_menu(context.new_page(), live_server, artifacts, role)
            problems += visit_all(context, live_server, pages, artifacts, role, shot_names)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_login_and_errors_fit_a_phone(browser, live_server, cast, artifacts):
    context = phone_context(browser, live_server, signed_in(None))
    try:
        pages = [("login", "/login/"), ("not-found", "/no-such-page/")]
        problems = visit_all(context, live_server, pages, artifacts, "anonymous", set())
    finally:
        context.close()
    assert not problems, "\n".join(problems)
