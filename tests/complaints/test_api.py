"""/api/v1/complaints, /api/v1/inquiries and /api/v1/complaint-ladder: every endpoint with
its outsider (404), its wrong role (403) and its bad input (422, the field named)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.complaints.models import Complaint, ComplaintLadderStep
from dealercare.core.roles import Role
from tests.complaints.factories import received

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_api(cast, api_as):
    return api_as(cast.staff_a[Role.CSR])


def test_receive_list_read_and_walk_a_complaint(cast, agent_api):
    created = agent_api.post(
        "/complaints",
        {
            "channel": "hotline",
            "content": "更换刹车片后仍有异响",
            "contact_name": "周先生",
            "contact_phone": "13800138000",
            "wanted_outcome": "免费处理",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "received" and body["number"].startswith("TS-")
    assert body["customer_name"].startswith("周") and body["customer_name"] != "周先生"
    assert body["due_at"] == body["first_response_due_at"]
    listed = agent_api.get("/complaints", {"q": "刹车"}).json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    assert agent_api.get("/complaints", {"q": body["number"]}).json()["count"] == 1
    assert agent_api.get("/complaints", {"status": "closed"}).json()["count"] == 0
    assert agent_api.get("/inquiries").json()["count"] == 0
    path = f"/complaints/{body['id']}"
    moved = agent_api.post(
        f"{path}/transition",
        {"move": "classify", "category": "service", "urgency": "high", "version": 1},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "classified" and moved.json()["due_at"] is None
    stale = agent_api.post(f"{path}/transition", {"move": "assign", "version": 1})
    assert stale.status_code == 409
    illegal = agent_api.post(f"{path}/transition", {"move": "close"})
    assert illegal.status_code == 409
    missing = agent_api.post(f"{path}/transition", {"move": "assign"})
    assert missing.status_code == 422
    assert set(missing.json()["fields"]) == {"owner_id", "department", "solve_by"}
    assigned = agent_api.post(
        f"{path}/transition",
        {
            "move": "assign",
            "owner_id": cast.staff_a[Role.CSR].pk,
            "department": "workshop",
            "solve_by": (timezone.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert assigned.json()["owner_id"] == cast.staff_a[Role.CSR].pk
    version = assigned.json()["version"]
    patched = agent_api.patch(path, {"urgency": "critical", "version": version})
    assert patched.status_code == 200 and patched.json()["urgency"] == "critical"
    assert agent_api.patch(path, {"urgency": "low", "version": version}).status_code == 409
    bad = agent_api.patch(path, {"urgency": "whenever", "version": version + 1})
    assert bad.status_code == 422 and "urgency" in bad.json()["fields"]


def test_inquiries_have_their_own_list_and_short_path(cast, agent_api):
    created = agent_api.post(
        "/inquiries",
        {"kind": "suggestion", "channel": "website", "content": "希望增加夜间保养"},
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["number"].startswith("JY-")
    assert agent_api.get(f"/complaints/{item['id']}").status_code == 404
    assert agent_api.get("/inquiries", {"kind": "suggestion"}).json()["count"] == 1
    answered = agent_api.post(
        f"/inquiries/{item['id']}/transition", {"move": "answer", "answer": "已转交服务经理"}
    )
    assert answered.json()["status"] == "answered"
    wrong_kind = agent_api.post("/inquiries", {"kind": "complaint", "channel": "x", "content": ""})
    assert wrong_kind.status_code == 422


def test_bad_input_names_the_field_and_writes_nothing(agent_api):
    response = agent_api.post(
        "/complaints", {"channel": "fax", "content": "x", "contact_phone": "13800138000"}
    )
    assert response.status_code == 422 and "channel" in response.json()["fields"]
    response = agent_api.post("/complaints", {"channel": "hotline", "content": "x"})
    assert response.status_code == 422 and "contact_phone" in response.json()["fields"]
    assert not Complaint.objects.exists()


def test_another_dealers_complaint_is_not_found(cast, agent_api, api_as):
    theirs = received(cast, dealer="b")
    inquiry = received(cast, dealer="b", kind="inquiry")
    for path in (f"/complaints/{theirs.pk}", f"/inquiries/{inquiry.pk}"):
        assert agent_api.get(path).status_code == 404
        assert agent_api.patch(path, {"urgency": "low", "version": 1}).status_code == 404
        assert agent_api.post(f"{path}/transition", {"move": "classify"}).status_code == 404
    assert agent_api.get("/complaints").json()["count"] == 0
    customer = received(cast, dealer="b").customer
    response = agent_api.post(
        "/complaints", {"channel": "hotline", "content": "x", "customer_id": customer.pk}
    )
    assert response.status_code == 422 and "customer" in response.json()["fields"]


@pytest.mark.parametrize(
    "role,view,receive,handle,manage",
    [
        (Role.DEALER_ADMIN, 200, 201, 200, 200),
        (Role.MANAGER, 200, 201, 200, 200),
        (Role.CSR, 200, 201, 200, 403),
        (Role.ADVISOR, 200, 201, 403, 403),
        (Role.SALES, 403, 403, 403, 403),
        (Role.TECHNICIAN, 403, 403, 403, 403),
        (Role.INSPECTOR, 403, 403, 403, 403),
        (Role.PARTS, 403, 403, 403, 403),
        (Role.INSURANCE, 403, 403, 403, 403),
    ],
)
def test_roles_reach_only_their_duty(cast, api_as, role, view, receive, handle, manage):
    api = api_as(cast.staff_a[role])
    mine = received(cast)
    seen = (
        api.get("/complaints").status_code,
        api.post(
            "/complaints",
            {"channel": "in_store", "content": "x", "customer_id": mine.customer_id},
        ).status_code,
        api.post(
            f"/complaints/{mine.pk}/transition",
            {"move": "classify", "category": "other", "urgency": "low"},
        ).status_code,
        api.put("/complaint-ladder", LADDER).status_code,
    )
    assert seen == (view, receive, handle, manage)
    assert api.get(f"/complaints/{mine.pk}").status_code == view
    assert api.get("/inquiries").status_code == view
    assert api.get("/complaint-ladder").status_code == view


def test_oem_analyst_sees_no_dealer_complaints(cast, api_as):
    api = api_as(cast.oem)
    assert api.get("/complaints").status_code == 403
    assert api.get("/complaint-ladder").status_code == 403


LADDER = {
    "first_response_hours": 12,
    "feedback_hours": 48,
    "warn_percent": 80,
    "steps": [
        {"level": 1, "after_minutes": 0, "target": "manager", "channel": "email"},
        {"level": 2, "after_minutes": 240, "target": "admin", "channel": "inbox"},
    ],
}


def test_manager_sets_the_ladder(cast, api_as):
    api = api_as(cast.staff_a[Role.MANAGER])
    defaults = api.get("/complaint-ladder").json()
    assert defaults["first_response_hours"] == 24 and len(defaults["steps"]) == 3
    saved = api.put("/complaint-ladder", LADDER)
    assert saved.status_code == 200, saved.content
    assert saved.json()["steps"][1] == LADDER["steps"][1]
    assert ComplaintLadderStep.objects.filter(dealer=cast.dealer_a).count() == 2
    assert not ComplaintLadderStep.objects.filter(dealer=cast.dealer_b).exists()
    stale = api.put("/complaint-ladder", LADDER | {"version": saved.json()["version"] - 1})
    assert stale.status_code == 409
    bad = api.put(
        "/complaint-ladder",
        LADDER
        | {
            "warn_percent": 100,
            "steps": [
                {"level": 1, "after_minutes": 60, "target": "boss"},
                {"level": 2, "after_minutes": 30, "target": "admin"},
            ],
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {
        "warn_percent",
        "steps.1.target",
        "steps.2.after_minutes",
    }
    assert api.get("/complaint-ladder").json()["warn_percent"] == 80
    received_now = received(cast)
    assert received_now.first_response_due_at - received_now.received_at == timedelta(hours=12)
