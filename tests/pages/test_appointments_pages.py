"""The booking desk's pages: the day by slot, booking with free slots, moves, reschedule,
the capacity settings; tenancy, roles, languages."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from dealercare.core.roles import Role
from dealercare.service.models import Appointment, ServiceCapacity
from tests.service.booking_factories import book, grid, operation, owner_and_car, tomorrow


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def booked(cast, advisor):
    grid(cast.dealer_a, places_per_slot=1)
    return book(advisor, owner_and_car(advisor)[1], service_ids=[operation(cast.dealer_a).pk])


SHANGHAI = ZoneInfo("Asia/Shanghai")


def urls(appointment):
    base = f"/service/appointments/{appointment.pk}/"
    return ["/service/appointments/", "/service/appointments/new/", base, f"{base}reschedule/"]


def test_login_required(booked):
    for url in [*urls(booked), "/service/capacity/"]:
        assert Client().get(url)["Location"].startswith("/login/")


def test_the_day_grouped_by_slot_with_places_left(advisor, booked, client_as):
    page = client_as(advisor).get("/service/appointments/", {"day": tomorrow().isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and booked.vehicle.plate in html
    assert "已约满" in html and "09:30" in html  # zh-hans by default
    client = client_as(advisor)
    client.cookies["django_language"] = "en"
    english = client.get("/service/appointments/", {"day": tomorrow().isoformat()})
    assert "Full" in english.content.decode()


def test_past_slots_offer_no_booking(advisor, booked, client_as):
    day = tomorrow()
    link = "/service/appointments/new/?day=" + day.isoformat() + "&amp;starts_at=10:00"
    with time_machine.travel(datetime.combine(day, time(9, 45), tzinfo=SHANGHAI), tick=False):
        html = client_as(advisor).get("/service/appointments/", {"day": day.isoformat()})
        html = html.content.decode()
        assert "已过" in html and "starts_at=09:00" not in html and link in html
    with time_machine.travel(datetime.combine(day, time(23, 0), tzinfo=SHANGHAI), tick=False):
        html = client_as(advisor).get("/service/appointments/", {"day": day.isoformat()})
        assert "starts_at=" not in html.content.decode()


def test_search_and_status_filter_list_over_all_days(advisor, booked, client_as):
    client = client_as(advisor)
    found = client.get("/service/appointments/", {"q": booked.vehicle.plate}).content.decode()
    assert f"/service/appointments/{booked.pk}/" in found
    none = client.get("/service/appointments/", {"status": "cancelled"}).content.decode()
    assert f"/service/appointments/{booked.pk}/" not in none
    assert client.get("/service/appointments/", {"q": "13812345678"}).status_code == 422


def test_booking_a_full_slot_offers_the_free_ones_then_books(cast, advisor, booked, client_as):
    client = client_as(advisor)
    _, vehicle = owner_and_car(advisor)
    form = {
        "vehicle": vehicle.plate,
        "day": tomorrow().isoformat(),
        "starts_at": "09:00",
        "channel": "phone",
        "mode": "waiting",
    }
    full = client.post("/service/appointments/new/", form)
    html = full.content.decode()
    assert full.status_code == 200 and "该时段已约满" in html and "09:30" in html
    assert Appointment.objects.count() == 1
    done = client.post("/service/appointments/new/", form | {"starts_at": "09:30"})
    assert done.status_code == 302
    made = Appointment.objects.get(vehicle=vehicle)
    assert made.starts_at == time(9, 30) and made.advisor == advisor


def test_bad_booking_names_the_fields(advisor, booked, client_as):
    page = client_as(advisor).post("/service/appointments/new/", {"vehicle": "沪Z00000"})
    html = page.content.decode()
    assert page.status_code == 200 and "没有该车牌或车架号的车辆" in html
    assert Appointment.objects.count() == 1


def test_detail_moves_and_reschedule(advisor, booked, client_as):
    client = client_as(advisor)
    detail = client.get(f"/service/appointments/{booked.pk}/").content.decode()
    assert "取消预约" in detail and "改约" in detail and "小保养" in detail
    moved = client.post(
        f"/service/appointments/{booked.pk}/reschedule/",
        {
            "day": tomorrow().isoformat(),
            "starts_at": "10:00",
            "advisor_id": advisor.pk,
            "version": 1,
        },
    )
    assert moved.status_code == 302
    booked.refresh_from_db()
    assert booked.starts_at == time(10, 0)
    no_reason = client.post(
        f"/service/appointments/{booked.pk}/move/", {"move": "cancel", "version": 2}
    )
    assert no_reason.status_code == 422
    cancelled = client.post(
        f"/service/appointments/{booked.pk}/move/",
        {"move": "cancel", "reason": "客户改期", "version": 2},
    )
    assert cancelled.status_code == 302
    assert Appointment.objects.get(pk=booked.pk).status == "cancelled"


def test_capacity_settings_page(cast, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    assert "每时段车辆数" in client.get("/service/capacity/").content.decode()
    form = {
        "slot_minutes": 20,
        "opens_at": "08:00",
        "closes_at": "18:00",
        "places_per_slot": 3,
        "places_per_day": 50,
        "per_advisor_per_day": 12,
        "per_bay_per_day": 6,
        "open_weekdays": ["0", "1", "2", "3", "4", "5"],
        "pickup_offered": "on",
        "version": 1,
    }
    bad = client.post("/service/capacity/", form | {"closes_at": "07:00"})
    assert bad.status_code == 200 and "结束时间须晚于首个时段" in bad.content.decode()
    assert client.post("/service/capacity/", form).status_code == 302
    capacity = ServiceCapacity.objects.get(dealer=cast.dealer_a)
    assert capacity.slot_minutes == 20 and capacity.open_weekdays == "012345"
    assert capacity.pickup_offered
    assert client.post("/service/capacity/bays/", {"name": "1号工位"}).status_code == 302
    assert "1号工位" in client.get("/service/capacity/").content.decode()


def test_outsider_gets_404(cast, booked, client_as):
    outsider = client_as(cast.staff_b[Role.MANAGER])
    for url in urls(booked)[2:]:
        assert outsider.get(url).status_code == 404, url
    move = outsider.post(f"/service/appointments/{booked.pk}/move/", {"move": "arrive"})
    assert move.status_code == 404
    listed = outsider.get("/service/appointments/", {"day": tomorrow().isoformat()})
    assert booked.vehicle.plate not in listed.content.decode()


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        (Role.PARTS, "get", "/service/appointments/"),
        (Role.PARTS, "get", "/service/appointments/{pk}/"),
        (Role.TECHNICIAN, "get", "/service/appointments/new/"),
        (Role.TECHNICIAN, "get", "/service/appointments/{pk}/reschedule/"),
        (Role.TECHNICIAN, "post", "/service/appointments/{pk}/move/"),
        (Role.ADVISOR, "get", "/service/capacity/"),
        (Role.ADVISOR, "post", "/service/capacity/bays/"),
        (Role.SALES, "get", "/service/appointments/"),
    ],
)
def test_wrong_role_gets_403(cast, booked, client_as, role, method, url):
    client = client_as(cast.staff_a[role])
    response = getattr(client, method)(url.format(pk=booked.pk), {"move": "arrive", "name": "x"})
    assert response.status_code == 403
    assert Appointment.objects.get(pk=booked.pk).status == "booked"


def test_wrong_method_is_405(advisor, booked, client_as):
    client = client_as(advisor)
    assert client.get(f"/service/appointments/{booked.pk}/move/").status_code == 405
    assert client.put("/service/appointments/").status_code == 405
