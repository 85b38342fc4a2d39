"""The workshop's pages: reception, board, my jobs, progress, inspection, delivery, the
printed order and follow-ups — for the outsider (404), the wrong role (403), in both
languages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dealercare.core.roles import Role
from dealercare.service.models import FollowUpTask, Reception, RepairOrder
from tests.factories import new_customer, new_repair_order, new_vehicle
from tests.service.workshop_factories import order_in

S = RepairOrder.Status


@pytest.fixture(autouse=True)
def _orders_opened_directly(monkeypatch):
    from dealercare.service.services import workshop

    try:
        from dealercare.service.services.orders import repair_order_open  # noqa: F401
    except ImportError:

        def open_with_factory(*, actor, vehicle, technician=None, **fields):
            return new_repair_order(actor, vehicle=vehicle, technician=technician, **fields)

        monkeypatch.setattr(workshop, "_repair_order_open", open_with_factory)


@pytest.fixture
def as_role(cast, client_as):
    return lambda role, dealer="a": client_as(
        (cast.staff_a if dealer == "a" else cast.staff_b)[role]
    )


@pytest.fixture
def order(cast):
    return order_in(cast, S.IN_PROGRESS, technician=cast.staff_a[Role.TECHNICIAN])


def order_pages(order_id):
    return [
        f"/service/orders/{order_id}/job/",
        f"/service/orders/{order_id}/inspection/",
        f"/service/orders/{order_id}/delivery/",
        f"/service/orders/{order_id}/print.pdf",
    ]


def test_login_required(order):
    for url in [
        "/service/board/",
        "/service/my-jobs/",
        "/service/follow-ups/",
        *order_pages(order.pk),
    ]:
        assert Client().get(url)["Location"].startswith("/login/"), url


def test_outsider_gets_404_on_every_order_page(order, as_role):
    outsider = as_role(Role.MANAGER, "b")
    for url in [*order_pages(order.pk), f"/service/orders/{order.pk}/reception/"]:
        assert outsider.get(url).status_code == 404, url
    for action in ["progress/", "delay/", "assign/", "move/"]:
        url = f"/service/orders/{order.pk}/job/{action}"
        assert outsider.post(url, {"note": "x"}).status_code == 404, url
    assert (
        outsider.post(f"/service/orders/{order.pk}/inspection/", {"result": "pass"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        (Role.INSURANCE, "get", "/service/board/"),
        (Role.ADVISOR, "get", "/service/my-jobs/"),
        (Role.TECHNICIAN, "get", "/service/follow-ups/"),
        (Role.TECHNICIAN, "get", "/service/reception/new/"),
        (Role.INSURANCE, "get", "/service/orders/{pk}/job/"),
        (Role.SALES, "get", "/service/orders/{pk}/inspection/"),
        (Role.INSURANCE, "get", "/service/orders/{pk}/print.pdf"),
        (Role.PARTS, "post", "/service/orders/{pk}/job/progress/"),
        (Role.TECHNICIAN, "post", "/service/orders/{pk}/job/assign/"),
        (Role.ADVISOR, "post", "/service/orders/{pk}/inspection/"),
        (Role.TECHNICIAN, "post", "/service/orders/{pk}/delivery/close/"),
    ],
)
def test_role_without_the_right_gets_403(order, as_role, role, method, url):
    data = {"note": "x", "technician_id": "", "result": "pass"}
    response = getattr(as_role(role), method)(url.format(pk=order.pk), data)
    assert response.status_code == 403


def test_wrong_method_is_405(order, as_role):
    client = as_role(Role.TECHNICIAN)
    assert client.get(f"/service/orders/{order.pk}/job/progress/").status_code == 405
    assert client.post("/service/board/").status_code == 405


def test_reception_page_shows_what_is_known_and_opens_the_order(cast, as_role):
    advisor = cast.staff_a[Role.ADVISOR]
    vehicle = new_vehicle(advisor, owner=new_customer(advisor), current_km=12000, plate="沪A77777")
    client = as_role(Role.ADVISOR)
    found = client.get("/service/reception/new/", {"q": "沪A77777"}).content.decode()
    assert f"?vehicle={vehicle.pk}" in found
    page = client.get(f"/service/reception/new/?vehicle={vehicle.pk}").content.decode()
    assert "车辆已知信息" in page and "保养到期" in page and "首次进厂" in page
    form = {
        "km": "9000",
        "confirmation": "in_person",
        "confirmed_by": "张伟",
        "exterior_ok": "no",
        "exterior_findings": "",
        "interior_ok": "yes",
        "functions_ok": "yes",
        "belongings_ok": "yes",
    }
    url = f"/service/reception/new/?vehicle={vehicle.pk}"
    refused = client.post(url, form).content.decode()
    assert "此项为必填项" in refused and 'id="id_exterior_findings"' in refused
    form |= {"exterior_findings": "前保险杠划痕"}
    assert "里程不能倒退" in client.post(url, form).content.decode()
    assert not Reception.objects.exists()
    form |= {"km": "15000"}
    done = client.post(f"/service/reception/new/?vehicle={vehicle.pk}", form)
    reception = Reception.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(
        f"/service/orders/{reception.order_id}/reception/"
    )
    detail = client.get(done["Location"]).content.decode()
    assert "前保险杠划痕" in detail and "15,000 km" in detail


def test_board_marks_the_late_ones_and_refreshes_itself(cast, as_role):
    late = order_in(cast, S.IN_PROGRESS, promised_at=timezone.now() - timedelta(hours=2))
    order_in(cast, S.READY, dealer="b")
    client = as_role(Role.TECHNICIAN)
    page = client.get("/service/board/").content.decode()
    assert 'hx-trigger="every 30s"' in page and "/service/board/columns/" in page
    assert late.number in page and "已超时" in page and "质检中" in page
    partial = client.get("/service/board/columns/").content.decode()
    assert late.number in partial and "<html" not in partial
    assert "BJ01" not in partial


def test_board_is_one_query(cast, as_role, django_assert_max_num_queries):
    for _n in range(3):
        order_in(cast, S.IN_PROGRESS, technician=cast.staff_a[Role.TECHNICIAN])
    from dealercare.service.selectors.workshop import workshop_board

    with django_assert_max_num_queries(1):
        columns = workshop_board(actor=cast.staff_a[Role.ADVISOR])
        names = [o.technician.display_name for c in columns for o in c.orders]
    assert len(names) == 3


def test_technician_sees_only_own_jobs_and_reports(cast, order, as_role):
    other = order_in(cast, S.APPROVED)
    client = as_role(Role.TECHNICIAN)
    page = client.get("/service/my-jobs/").content.decode()
    assert order.number in page and other.number not in page
    reported = client.post(
        f"/service/orders/{order.pk}/job/progress/", {"step": "拆检", "percent": "30"}
    )
    assert reported.status_code == 302
    job = client.get(f"/service/orders/{order.pk}/job/").content.decode()
    assert "拆检" in job and "30%" in job
    bad = client.post(f"/service/orders/{order.pk}/job/delay/", {"promised_at": "", "reason": ""})
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    later = (timezone.localtime() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    moved = client.post(
        f"/service/orders/{order.pk}/job/delay/", {"promised_at": later, "reason": "等配件"}
    )
    assert moved.status_code == 302
    finished = client.post(f"/service/orders/{order.pk}/job/move/", {"move": "finish"})
    assert finished.status_code == 302
    order.refresh_from_db()
    assert order.status == S.QUALITY_CHECK


def test_inspection_and_delivery_pages(cast, as_role):
    order = order_in(cast, S.QUALITY_CHECK, part=True, total="300.00")
    inspector = as_role(Role.INSPECTOR)
    url = f"/service/orders/{order.pk}/inspection/"
    assert "路试" in inspector.get(url).content.decode()
    refused = inspector.post(url, {"result": "pass"})
    assert refused.status_code == 200 and "质检须包含路试" in refused.content.decode()
    assert inspector.post(url, {"result": "pass", "road_test_done": "on"}).status_code == 302
    order.refresh_from_db()
    assert order.status == S.READY

    advisor = as_role(Role.ADVISOR)
    url = f"/service/orders/{order.pk}/delivery/"
    form = {
        "handed_over_to": "张伟",
        "payment_method": "cash",
        "amount_paid": "299.00",
        "invoice_number": "FP-9",
    }
    notified = advisor.get(url).content.decode()
    assert "已通知客户" in notified and "短信" in notified
    wrong = advisor.post(url, form)
    assert wrong.status_code == 200 and "收款金额必须等于应付金额" in wrong.content.decode()
    assert advisor.post(url, form | {"amount_paid": "300.00"}).status_code == 302
    assert "FP-9" in advisor.get(url).content.decode()
    assert advisor.post(f"/service/orders/{order.pk}/delivery/close/").status_code == 302
    order.refresh_from_db()
    assert order.status == S.CLOSED


def test_follow_up_list_and_result(cast, as_role):
    order = order_in(cast, S.DELIVERED)
    task = FollowUpTask.objects.create(
        dealer=cast.dealer_a,
        order=order,
        customer=order.customer,
        due_on=timezone.localdate() - timedelta(days=1),
        channel="sms",
    )
    csr = as_role(Role.CSR)
    listed = csr.get("/service/follow-ups/").content.decode()
    assert order.number in listed and "已逾期" in listed
    overdue = csr.post("/service/follow-ups/", {"overdue": "on"}, headers={"HX-Request": "true"})
    assert order.number in overdue.content.decode()
    url = f"/service/follow-ups/{task.pk}/"
    assert as_role(Role.CSR, "b").get(url).status_code == 404
    page = csr.get(url).content.decode()
    assert "回访话术" in page and "您对本次维修保养的质量满意吗？" in page
    empty = csr.post(url, {"reached": "yes", "version": task.version})
    assert empty.status_code == 200 and "请询问此问题并记录客户的回答" in empty.content.decode()
    answers = {"reached": "yes", "quality_score": "5", "attitude_score": "4", "price_score": "4"}
    assert csr.post(url, answers | {"version": task.version}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.quality_score) == ("done", 5)
    assert "进行了回访电话" in csr.get(url).content.decode()


def test_a_follow_up_planned_from_the_customer_page(cast, as_role):
    order = order_in(cast, S.DELIVERED)
    csr = as_role(Role.CSR)
    customer_page = csr.get(f"/customers/{order.customer_id}/").content.decode()
    link = f"/service/follow-ups/new/?customer={order.customer_id}"
    assert link in customer_page
    form = csr.get(link).content.decode()
    assert order.vehicle.plate in form
    bad = csr.post("/service/follow-ups/new/", {"customer_id": order.customer_id, "reason": ""})
    assert bad.status_code == 200 and FollowUpTask.objects.count() == 0
    made = csr.post(
        "/service/follow-ups/new/",
        {
            "customer_id": order.customer_id,
            "vehicle_id": order.vehicle_id,
            "reason": "询问用车情况",
        },
    )
    assert made.status_code == 302
    task = FollowUpTask.objects.get()
    assert (task.kind, task.vehicle_id) == ("manual", order.vehicle_id)
    assert as_role(Role.TECHNICIAN).get("/service/follow-ups/new/").status_code == 403


def test_pages_in_english_and_chinese(cast, order, as_role):
    client = as_role(Role.ADVISOR)
    url = f"/service/orders/{order.pk}/job/"
    assert "进度记录" in client.get(url).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert "Progress reports" in client.get(url).content.decode()


def test_printed_order_download(order, as_role):
    response = as_role(Role.ADVISOR).get(f"/service/orders/{order.pk}/print.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "no-store" in response["Cache-Control"]


def test_home_shows_each_roles_work_for_today(cast, order, as_role):
    qc = order_in(cast, S.QUALITY_CHECK)
    technician = as_role(Role.TECHNICIAN).get("/").content.decode()
    assert order.number in technician
    inspector = as_role(Role.INSPECTOR).get("/").content.decode()
    assert qc.number in inspector and order.number not in inspector


def test_parts_clerk_sees_the_parts_to_issue(cast, as_role):
    order = order_in(cast, S.IN_PROGRESS, part=True, total="120.00")
    page = as_role(Role.PARTS).get("/").content.decode()
    assert "待发料" in page and "前刹车片" in page and order.number in page


def test_the_agents_home_lists_the_calls_due_and_late_and_the_complaints(cast, as_role):
    from dealercare.complaints.services import complaint_receive

    order = order_in(cast, S.DELIVERED)
    late = FollowUpTask.objects.create(
        dealer=cast.dealer_a,
        order=order,
        customer=order.customer,
        due_on=timezone.localdate() - timedelta(days=2),
        channel="phone",
    )
    later = order_in(cast, S.DELIVERED)
    FollowUpTask.objects.create(
        dealer=cast.dealer_a,
        order=later,
        customer=later.customer,
        due_on=timezone.localdate() + timedelta(days=2),
        channel="phone",
    )
    agent = cast.staff_a[Role.CSR]
    complaint = complaint_receive(
        actor=agent,
        channel="hotline",
        content="等待时间太长",
        customer=order.customer,
        received_at=timezone.now() - timedelta(hours=25),
    )
    home = as_role(Role.CSR).get("/").content.decode()
    assert 'id="follow-ups-due"' in home and f"/service/follow-ups/{late.pk}/" in home
    assert f"/service/follow-ups/{late.pk + 1}/" not in home and "1 件中 1 件超时" in home
    assert 'id="complaints-due"' in home and f"/complaints/{complaint.pk}/" in home
    manager = as_role(Role.MANAGER).get("/").content.decode()
    assert f"/complaints/{complaint.pk}/" in manager
    technician = as_role(Role.TECHNICIAN).get("/").content.decode()
    assert "follow-ups-due" not in technician and "complaints-due" not in technician
