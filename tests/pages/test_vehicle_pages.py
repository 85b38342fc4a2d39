import pytest
from django.test import Client

from dealercare.core.roles import Role
from dealercare.vehicles.models import MileageReading, Vehicle
from dealercare.vehicles.services import vehicle_record_mileage
from tests.service.booking_factories import book, grid

from .conftest import VIN

FORM = {"vin": "LFV2A21K6A3123456", "make": "星途", "model_name": "揽月", "plate": "沪B54321"}


def test_login_required(cast, vehicle):
    for url in ["/vehicles/", f"/vehicles/{vehicle.pk}/", "/vehicles/new/"]:
        assert Client().get(url)["Location"].startswith("/login/")


def test_list_search_by_vin_tail_plate_and_owner(cast, vehicle, client_as):
    client = client_as(cast.staff_a[Role.PARTS])
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    for q in [VIN[-6:], "沪a12345"]:
        assert VIN in client.get("/vehicles/", {"q": q}).content.decode(), q
    # owner searches need customer access; a mobile is posted, never in the URL
    assert VIN not in client.get("/vehicles/", {"q": "张伟"}).content.decode()
    assert VIN in advisor.get("/vehicles/", {"q": "张伟"}).content.decode()
    by_mobile = {"q": "13812345678"}
    assert VIN not in client.post("/vehicles/", by_mobile, follow=True).content.decode()
    assert VIN in advisor.post("/vehicles/", by_mobile, follow=True).content.decode()
    partial = client.post("/vehicles/", {"q": "沪B99999"}, headers={"HX-Request": "true"})
    assert VIN not in partial.content.decode() and "<html" not in partial.content.decode()


def test_detail_shows_owner_due_dates_and_history(cast, vehicle, client_as):
    page = client_as(cast.staff_a[Role.ADVISOR]).get(f"/vehicles/{vehicle.pk}/").content.decode()
    assert "张伟" in page and "12,000 km" in page and "下次保养" in page
    assert "车主变更记录" in page


def test_the_timeline_shows_bookings_and_pages_back(cast, vehicle, client_as):
    advisor = cast.staff_a[Role.ADVISOR]
    grid(cast.dealer_a)
    appointment = book(advisor, vehicle)
    for km in range(12_100, 14_200, 100):
        vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=km)
    client = client_as(advisor)
    page = client.get(f"/vehicles/{vehicle.pk}/").content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert "<" not in title and vehicle.plate in title
    assert f"/service/appointments/{appointment.pk}/" not in page  # older than a page
    assert "?page=2" in page and "显示更早的记录" in page
    older = client.get(f"/vehicles/{vehicle.pk}/", {"page": 2}, headers={"HX-Request": "true"})
    html = older.content.decode()
    assert "<html" not in html and f"/service/appointments/{appointment.pk}/" in html
    sales = client_as(cast.staff_a[Role.SALES])  # sees the car, not the workshop's bookings
    html = sales.get(f"/vehicles/{vehicle.pk}/", {"page": 2}).content.decode()
    assert f"/service/appointments/{appointment.pk}/" not in html


def test_outsider_gets_404(cast, vehicle, client_as):
    outsider = client_as(cast.staff_b[Role.MANAGER])
    for url in ["", "edit/", "delete/"]:
        assert outsider.get(f"/vehicles/{vehicle.pk}/{url}").status_code == 404
    assert outsider.post(f"/vehicles/{vehicle.pk}/mileage/", {"km": 1}).status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        (Role.OEM_ANALYST, "get", "/vehicles/"),
        (Role.PARTS, "get", "/vehicles/new/"),
        (Role.TECHNICIAN, "get", "/vehicles/{pk}/edit/"),
        (Role.ADVISOR, "get", "/vehicles/{pk}/delete/"),
        (Role.SALES, "post", "/vehicles/{pk}/mileage/"),
    ],
)
def test_role_without_the_right_gets_403(cast, vehicle, client_as, role, method, url):
    user = cast.oem if role == Role.OEM_ANALYST else cast.staff_a[role]
    response = getattr(client_as(user), method)(url.format(pk=vehicle.pk), {"km": 13000})
    assert response.status_code == 403
    assert MileageReading.objects.count() == 1


def test_wrong_method_is_405(cast, vehicle, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    assert client.get(f"/vehicles/{vehicle.pk}/mileage/").status_code == 405
    assert client.put(f"/vehicles/{vehicle.pk}/").status_code == 405


def test_lower_mileage_is_refused_on_the_page(cast, vehicle, client_as):
    client = client_as(cast.staff_a[Role.TECHNICIAN])
    response = client.post(f"/vehicles/{vehicle.pk}/mileage/", {"km": 9000})
    page = response.content.decode()
    assert response.status_code == 200 and "里程不能倒退" in page
    assert "9000 公里低于" in page
    assert MileageReading.objects.count() == 1
    assert client.post(f"/vehicles/{vehicle.pk}/mileage/", {"km": 15000}).status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.current_km == 15000


def test_create_with_errors_writes_nothing_then_saves(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    prefilled = client.get("/vehicles/new/", {"owner": customer.pk}).content.decode()
    assert f'value="{customer.pk}"' in prefilled
    bad = client.post("/vehicles/new/", FORM | {"vin": "LFV2A21K0A3123456", "plate": "ABC"})
    page = bad.content.decode()
    assert "校验位" in page and "有效的大陆车牌号" in page
    assert page.count('class="field has-error"') == 2
    assert not Vehicle.objects.exists()
    saved = client.post("/vehicles/new/", FORM | {"owner_id": customer.pk})
    assert saved.status_code == 302
    assert Vehicle.objects.get().owner == customer


def test_duplicate_vin_links_the_existing_vehicle(cast, vehicle, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    page = client.post("/vehicles/new/", FORM | {"vin": VIN}).content.decode()
    assert f"/vehicles/{vehicle.pk}/" in page
    assert Vehicle.objects.count() == 1


def test_edit_with_version_and_stale_refusal(cast, vehicle, client_as):
    client = client_as(cast.staff_a[Role.INSURANCE])
    form = client.get(f"/vehicles/{vehicle.pk}/edit/").content.decode()
    assert 'name="version"' in form
    values = {
        "vin": VIN,
        "make": "星途",
        "model_name": "瑶光",
        "plate": "沪A12345",
        "owner_id": vehicle.owner_id,
        "current_km": 12000,
        "purchase_date": "2024-03-01",
        "insurance_expiry": "2027-03-01",
        "version": vehicle.version,
    }
    assert client.post(f"/vehicles/{vehicle.pk}/edit/", values).status_code == 302
    vehicle.refresh_from_db()
    assert str(vehicle.insurance_expiry) == "2027-03-01"
    assert "其他人" in client.post(f"/vehicles/{vehicle.pk}/edit/", values).content.decode()


def test_delete_is_confirmed(cast, vehicle, client_as):
    manager = client_as(cast.staff_a[Role.MANAGER])
    assert "沪A12345" in manager.get(f"/vehicles/{vehicle.pk}/delete/").content.decode()
    assert manager.post(f"/vehicles/{vehicle.pk}/delete/").status_code == 302
    assert not Vehicle.objects.exists()
