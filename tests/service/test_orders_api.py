"""/api/v1/repair-orders and /api/v1/service-operations: the workflow by role, tenancy,
roles and bad input."""

from decimal import Decimal

import pytest

from dealercare.core.roles import Role
from dealercare.service.models import RepairOrder, ServiceOperation
from tests.factories import new_customer, new_repair_order, new_vehicle

from .orders_factories import add_labour, new_operation, new_part

S = RepairOrder.Status
# The workflow written down from the handbook (seed 003), not read from the code: each
# move, the states it leaves from, and the roles whose duty it is.
LEGAL_FROM = {
    "start": {S.APPROVED},
    "finish": {S.IN_PROGRESS},
    "pass": {S.QUALITY_CHECK},
    "rework": {S.QUALITY_CHECK},
    "deliver": {S.READY},
    "close": {S.DELIVERED},
    "cancel": {S.OPEN, S.APPROVED},
}
TARGET = {
    "start": S.IN_PROGRESS,
    "finish": S.QUALITY_CHECK,
    "pass": S.READY,
    "rework": S.IN_PROGRESS,
    "deliver": S.DELIVERED,
    "close": S.CLOSED,
    "cancel": S.CANCELLED,
}
ROLES_FOR = {
    "start": {Role.DEALER_ADMIN, Role.TECHNICIAN},
    "finish": {Role.DEALER_ADMIN, Role.TECHNICIAN},
    "pass": {Role.DEALER_ADMIN, Role.INSPECTOR},
    "rework": {Role.DEALER_ADMIN, Role.INSPECTOR},
    "deliver": {Role.DEALER_ADMIN, Role.MANAGER, Role.ADVISOR},
    "close": {Role.DEALER_ADMIN, Role.MANAGER, Role.ADVISOR},
    "cancel": {Role.DEALER_ADMIN, Role.MANAGER, Role.ADVISOR},
}
# Moves that need a record (the inspection, the hand-over): /transition refuses them from
# their legal states and names the record to make instead.
RECORD_REQUIRED = {
    "pass": "inspection_required",
    "rework": "inspection_required",
    "deliver": "delivery_required",
}
APPROVERS = {Role.DEALER_ADMIN, Role.MANAGER, Role.ADVISOR}
DEALER_ROLES = [r for r in Role.values if r != Role.OEM_ANALYST]


@pytest.fixture
def api_for(api_as):
    """One API client per user (a user's token is made once)."""
    clients = {}

    def client(user):
        if user.pk not in clients:
            clients[user.pk] = api_as(user)
        return clients[user.pk]

    return client


def order_in(advisor, status, cast):
    order = new_repair_order(advisor)
    add_labour(advisor, order, _operation(cast))
    RepairOrder.objects.filter(pk=order.pk).update(status=status)
    return order


def _operation(cast):
    return ServiceOperation.objects.filter(dealer=cast.dealer_a).first() or new_operation(cast)


def move_body(move):
    return {"move": move, "reason": "质检发现异响" if move in ("rework", "cancel") else None}


@pytest.mark.parametrize("move", list(LEGAL_FROM))
def test_every_move_from_every_state(cast, advisor, api_for, move):
    role = sorted(ROLES_FOR[move] - {Role.DEALER_ADMIN})[0]
    api = api_for(cast.staff_a[role])
    for status in S.values:
        order = order_in(advisor, status, cast)
        response = api.post(f"/repair-orders/{order.pk}/transition", move_body(move))
        order.refresh_from_db()
        if status in LEGAL_FROM[move] and move in RECORD_REQUIRED:
            assert response.status_code == 409, status
            assert response.json()["code"] == RECORD_REQUIRED[move]
            assert order.status == status
        elif status in LEGAL_FROM[move]:
            assert response.status_code == 200, (status, response.json())
            assert response.json()["status"] == order.status == TARGET[move]
        else:
            assert response.status_code == 409, status
            assert response.json()["code"] == "invalid_transition"
            assert order.status == status


@pytest.mark.parametrize("move", list(LEGAL_FROM))
def test_every_move_by_every_role(cast, advisor, api_for, move):
    source = sorted(LEGAL_FROM[move])[0]
    for role in DEALER_ROLES:
        order = order_in(advisor, source, cast)
        response = api_for(cast.staff_a[role]).post(
            f"/repair-orders/{order.pk}/transition", move_body(move)
        )
        allowed = 409 if move in RECORD_REQUIRED else 200
        expected = allowed if role in ROLES_FOR[move] else 403
        assert response.status_code == expected, (role, response.json())


def test_approval_by_every_role_and_from_every_state(cast, advisor, api_for):
    body = {"method": "phone", "approved_by": "张先生"}
    for role in DEALER_ROLES:
        order = order_in(advisor, S.OPEN, cast)
        response = api_for(cast.staff_a[role]).post(f"/repair-orders/{order.pk}/approvals", body)
        assert response.status_code == (201 if role in APPROVERS else 403), role
    api = api_for(advisor)
    for status in S.values:
        order = order_in(advisor, status, cast)
        response = api.post(f"/repair-orders/{order.pk}/approvals", body)
        if status == S.OPEN:
            assert response.status_code == 201 and response.json()["status"] == S.APPROVED
        elif status in (S.APPROVED, S.IN_PROGRESS):
            assert response.json()["code"] == "nothing_to_approve", status
        else:
            assert response.json()["code"] == "invalid_transition", status


def test_approve_through_transition_asks_for_the_record(cast, advisor, api_for):
    order = order_in(advisor, S.OPEN, cast)
    response = api_for(advisor).post(f"/repair-orders/{order.pk}/transition", {"move": "approve"})
    assert response.status_code == 409 and response.json()["code"] == "approval_required"
    response = api_for(advisor).post(f"/repair-orders/{order.pk}/transition", {"move": "fly"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_an_order_from_open_to_delivered(cast, advisor, api_for):
    owner = new_customer(advisor)
    vehicle = new_vehicle(advisor, owner=owner, current_km=15000)
    api = api_for(advisor)
    created = api.post(
        "/repair-orders",
        {"vehicle_id": vehicle.pk, "fault_description": "刹车异响", "km_in": 15200},
    )
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["number"].startswith("SH01-") and order["customer_id"] == owner.pk
    operation = new_operation(cast)
    part = new_part(cast.dealer_a)
    path = f"/repair-orders/{order['id']}"
    body = api.post(f"{path}/lines", {"kind": "labour", "operation_id": operation.pk}).json()
    body = api.post(
        f"{path}/lines", {"kind": "part", "part_id": part.pk, "quantity": 2, "pay_type": "warranty"}
    ).json()
    assert [line["amount"] for line in body["lines"]] == ["450.00", "577.00"]
    assert (body["tax_total"], body["grand_total"], body["customer_total"]) == (
        "133.51",
        "1160.51",
        "508.50",
    )
    line_id = body["lines"][1]["id"]
    body = api.patch(f"{path}/lines/{line_id}", {"quantity": 1, "version": body["version"]}).json()
    assert body["parts_total"] == "288.50"
    body = api.post(
        f"{path}/approvals",
        {"method": "signature", "approved_by": "张先生", "signature": "data:image/png;base64,AA"},
    ).json()
    assert body["status"] == "approved" and body["approvals"][0]["amount"] == "508.50"
    assert body["approvals"][0]["lines"] == [line["id"] for line in body["lines"]]
    for move in ("start", "finish"):
        response = api_for(cast.staff_a[Role.TECHNICIAN]).post(f"{path}/transition", {"move": move})
        assert response.status_code == 200, response.json()
    inspector = api_for(cast.staff_a[Role.INSPECTOR])
    response = inspector.post(f"{path}/transition", {"move": "pass"})
    assert response.json()["code"] == "inspection_required"
    response = inspector.post(f"{path}/inspection", {"result": "pass", "road_test_done": True})
    assert response.status_code == 201, response.json()
    response = api.post(f"{path}/transition", {"move": "deliver"})
    assert response.json()["code"] == "delivery_required"
    handover = {
        "handed_over_to": "张先生",
        "payment_method": "wechat_pay",
        "amount_paid": "508.50",
        "invoice_number": "26120300001",
    }
    response = api.post(f"{path}/delivery", handover)
    assert response.status_code == 201, response.json()
    body = api.get(path).json()
    assert body["status"] == "delivered" and body["delivered_at"]


def test_list_and_search(cast, advisor, api_for):
    owner = new_customer(advisor, name="欧阳娜娜", phone="13912345678")
    vehicle = new_vehicle(advisor, owner=owner, plate="沪A99887", vin="LSVAA4183E2184517")
    order = new_repair_order(advisor, vehicle=vehicle)
    new_repair_order(advisor)
    api = api_for(advisor)
    for q in [
        order.number,
        order.number.lower(),
        "沪A99887",
        "LSVAA4183E2184517",
        "184517",
        "欧阳",
    ]:
        found = api.get("/repair-orders", {"q": q}).json()
        assert [o["id"] for o in found["items"]] == [order.pk], q
    assert api.get("/repair-orders", {"q": "13912345678"}).json()["code"] == "personal_data_in_url"
    found = api.post("/repair-orders/search", {"q": "13912345678"}).json()
    assert [o["id"] for o in found["items"]] == [order.pk]
    assert api.get("/repair-orders").json()["count"] == 2
    assert api.get("/repair-orders", {"status": "open", "vehicle": vehicle.pk}).json()["count"] == 1
    # a parts clerk finds orders by car, not by person, and does not see whose car it is
    clerk = api_for(cast.staff_a[Role.PARTS])
    assert clerk.post("/repair-orders/search", {"q": "13912345678"}).json()["count"] == 0
    assert clerk.get("/repair-orders", {"q": "沪A99887"}).json()["items"][0]["customer_id"] is None


def test_bad_input_is_422_naming_the_field(cast, advisor, api_for):
    api = api_for(advisor)
    vehicle = new_vehicle(advisor, owner=new_customer(advisor), current_km=5000)
    response = api.post("/repair-orders", {"vehicle_id": vehicle.pk, "km_in": 100})
    assert response.status_code == 422 and "km_in" in response.json()["fields"]
    response = api.post("/repair-orders", {"vehicle_id": 0, "km_in": -1})
    assert response.status_code == 422
    assert {"vehicle_id", "km_in"} <= set(response.json()["fields"])
    order = new_repair_order(advisor)
    response = api.post(f"/repair-orders/{order.pk}/lines", {"kind": "labour", "pay_type": "x"})
    assert response.status_code == 422 and "pay_type" in response.json()["fields"]
    response = api.post(f"/repair-orders/{order.pk}/lines", {"kind": "labour"})
    assert response.status_code == 422 and "operation_id" in response.json()["fields"]
    response = api.post(f"/repair-orders/{order.pk}/approvals", {"method": "signature"})
    assert response.status_code == 422 and "approved_by" in response.json()["fields"]
    response = api.post(
        f"/repair-orders/{order.pk}/approvals", {"method": "signature", "approved_by": "张"}
    )
    assert response.status_code == 422 and "signature" in response.json()["fields"]
    response = api.patch(f"/repair-orders/{order.pk}", {"km_in": 1})
    assert response.status_code == 422 and "version" in response.json()["fields"]
    response = api.patch(f"/repair-orders/{order.pk}", {"km_in": 6000, "version": 99})
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    manager = api_for(cast.staff_a[Role.MANAGER])
    response = manager.post("/service-operations", {"code": "", "category": "magic"})
    assert response.status_code == 422
    assert {"code", "category", "name", "standard_hours"} <= set(response.json()["fields"])


def _endpoints(order, line_id):
    base = f"/repair-orders/{order.pk}"
    return [
        ("get", base, None),
        ("patch", base, {"km_in": 1, "version": 1}),
        ("post", f"{base}/lines", {"kind": "labour", "operation_id": 1}),
        ("patch", f"{base}/lines/{line_id}", {"quantity": 2}),
        ("delete", f"{base}/lines/{line_id}", None),
        ("post", f"{base}/lines/{line_id}/issue", {"quantity": 1}),
        ("post", f"{base}/lines/{line_id}/return", {"quantity": 1}),
        ("post", f"{base}/warranty-claims", {"failed_line_id": line_id}),
        ("post", f"{base}/approvals", {"method": "phone", "approved_by": "张"}),
        ("post", f"{base}/transition", {"move": "cancel", "reason": "x"}),
    ]


def _call(api, method, path, body):
    if method in ("get", "delete"):
        return getattr(api, method)(path)
    return getattr(api, method)(path, body)


def test_another_dealers_order_is_not_found(cast, advisor, api_for):
    order = order_in(advisor, S.OPEN, cast)
    line_id = order.lines.get().pk
    outsider = api_for(cast.staff_b[Role.DEALER_ADMIN])
    for method, path, body in _endpoints(order, line_id):
        assert _call(outsider, method, path, body).status_code == 404, (method, path)
    vehicle = order.vehicle
    assert outsider.post("/repair-orders", {"vehicle_id": vehicle.pk}).status_code == 404
    operation = _operation(cast)
    assert outsider.get(f"/service-operations/{operation.pk}").status_code == 404
    response = outsider.patch(f"/service-operations/{operation.pk}", {"name": "x", "version": 1})
    assert response.status_code == 404
    assert outsider.get("/repair-orders").json()["count"] == 0


def test_a_role_without_the_right_gets_403(cast, advisor, api_for):
    order = order_in(advisor, S.OPEN, cast)
    line_id = order.lines.get().pk
    oem = api_for(cast.oem)
    sales = api_for(cast.staff_a[Role.SALES])
    for method, path, body in _endpoints(order, line_id):
        assert _call(oem, method, path, body).status_code == 403, (method, path)
        assert _call(sales, method, path, body).status_code == 403, (method, path)
    assert sales.get("/repair-orders").status_code == 403
    assert sales.post("/repair-orders/search", {}).status_code == 403
    assert sales.post("/repair-orders", {"vehicle_id": order.vehicle_id}).status_code == 403
    assert sales.get("/service-operations").status_code == 403
    technician = api_for(cast.staff_a[Role.TECHNICIAN])
    assert technician.post("/repair-orders", {"vehicle_id": order.vehicle_id}).status_code == 403
    assert technician.get(f"/repair-orders/{order.pk}").status_code == 200
    assert technician.patch("/service-settings", {"tax_rate": "0.06"}).status_code == 403
    operation = _operation(cast)
    response = technician.patch(f"/service-operations/{operation.pk}", {"name": "x", "version": 1})
    assert response.status_code == 403


def test_the_catalogue_and_the_settings(cast, api_for):
    manager = api_for(cast.staff_a[Role.MANAGER])
    assert manager.patch("/service-settings", {"labour_rate": "350.00"}).status_code == 200
    created = manager.post(
        "/service-operations",
        {
            "code": "oil01",
            "name": "更换机油机滤",
            "category": "maintenance",
            "standard_hours": "0.5",
        },
    )
    assert created.status_code == 201, created.json()
    operation = created.json()
    assert operation["code"] == "OIL01" and operation["labour_rate"] == "350.00"
    assert operation["price"] == "175.00"
    again = manager.post(
        "/service-operations",
        {"code": "OIL01", "name": "x", "category": "maintenance", "standard_hours": "1"},
    )
    assert again.status_code == 409 and "code" in again.json()["fields"]
    changed = manager.patch(
        f"/service-operations/{operation['id']}", {"standard_hours": "0.8", "version": 1}
    )
    assert changed.status_code == 200 and changed.json()["price"] == "280.00"
    stale = manager.patch(f"/service-operations/{operation['id']}", {"name": "y", "version": 1})
    assert stale.status_code == 409
    technician = api_for(cast.staff_a[Role.TECHNICIAN])
    found = technician.get("/service-operations", {"q": "机油"}).json()
    assert [o["code"] for o in found["items"]] == ["OIL01"]
    assert technician.get("/service-settings").json()["tax_rate"] == "0.130"
    assert Decimal(technician.get("/service-settings").json()["labour_rate"]) == 350
