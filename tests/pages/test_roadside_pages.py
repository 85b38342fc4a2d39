"""Roadside assistance pages: the list (contacts masked), taking a request, dispatch,
moves and the time each step took; tenancy and roles."""

import pytest
from django.test import Client

from dealercare.core.roles import Role
from dealercare.service.models import RoadsideRequest
from dealercare.service.services.roadside import RoadsideInput, roadside_receive

PHONE = "13912345678"


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def request_(advisor):
    data = RoadsideInput(
        location="上海市浦东新区世纪大道100号",
        problem="发动机无法启动",
        contact_name="王先生",
        contact_phone=PHONE,
        plate="沪A12345",
    )
    return roadside_receive(actor=advisor, data=data)


def urls(found):
    base = f"/service/roadside/{found.pk}/"
    return ["/service/roadside/", "/service/roadside/new/", base]


def test_login_required(request_):
    for url in urls(request_):
        assert Client().get(url)["Location"].startswith("/login/")


def test_list_masks_the_contact_detail_shows_it(advisor, request_, client_as):
    client = client_as(advisor)
    listed = client.get("/service/roadside/", {"open_only": "on"}).content.decode()
    assert "139****5678" in listed and PHONE not in listed and "世纪大道" not in listed
    assert "道路救援" in listed
    detail = client.get(f"/service/roadside/{request_.pk}/").content.decode()
    assert PHONE in detail and "派出救援" in detail
    client.cookies["django_language"] = "en"
    assert "Time each step took" in client.get(f"/service/roadside/{request_.pk}/").content.decode()


def test_take_dispatch_and_finish(cast, advisor, client_as):
    client = client_as(advisor)
    bad = client.post("/service/roadside/new/", {"contact_name": "王", "contact_phone": "x"})
    assert bad.status_code == 200 and RoadsideRequest.objects.count() == 0
    made = client.post(
        "/service/roadside/new/",
        {
            "contact_name": "王先生",
            "contact_phone": PHONE,
            "location": "G2京沪高速 K1200",
            "problem": "爆胎",
        },
    )
    assert made.status_code == 302
    found = RoadsideRequest.objects.get()
    base = f"/service/roadside/{found.pk}/"
    technician = cast.staff_a[Role.TECHNICIAN]
    sent = client.post(
        f"{base}dispatch/", {"dispatched_to_id": technician.pk, "service_vehicle": "救援1号"}
    )
    assert sent.status_code == 302
    assert client.post(f"{base}move/", {"move": "on_scene"}).status_code == 302
    assert client.post(f"{base}move/", {"move": "fix"}).status_code == 302
    found.refresh_from_db()
    assert found.status == "fixed" and found.on_scene_at and found.finished_at
    detail = client.get(base).content.decode()
    assert "受理到派出" in detail and "到场到结束" in detail


def test_outsider_gets_404(cast, request_, client_as):
    outsider = client_as(cast.staff_b[Role.MANAGER])
    base = f"/service/roadside/{request_.pk}/"
    assert outsider.get(base).status_code == 404
    assert outsider.post(f"{base}dispatch/", {"dispatched_to_id": 1}).status_code == 404
    assert outsider.post(f"{base}move/", {"move": "cancel"}).status_code == 404
    assert outsider.post(f"{base}repair-order/").status_code == 404
    assert "沪A12345" not in outsider.get("/service/roadside/").content.decode()


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        (Role.TECHNICIAN, "get", "/service/roadside/"),
        (Role.PARTS, "get", "/service/roadside/new/"),
        (Role.SALES, "get", "/service/roadside/{pk}/"),
        (Role.INSPECTOR, "post", "/service/roadside/{pk}/dispatch/"),
        (Role.TECHNICIAN, "post", "/service/roadside/{pk}/move/"),
        (Role.CSR, "post", "/service/roadside/{pk}/repair-order/"),
    ],
)
def test_wrong_role_gets_403(cast, request_, client_as, role, method, url):
    client = client_as(cast.staff_a[role])
    response = getattr(client, method)(
        url.format(pk=request_.pk), {"move": "cancel", "reason": "x"}
    )
    assert response.status_code == 403
    assert RoadsideRequest.objects.get(pk=request_.pk).status == "received"
