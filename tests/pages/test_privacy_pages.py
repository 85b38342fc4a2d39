import io
import json

from openpyxl import load_workbook

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.customers.services import CustomerInput, customer_create
from tests.factories import new_customer, new_vehicle

EXPORT = {"reason": "customer_request", "format": "json"}


def test_detail_shows_export_and_erase_only_to_allowed_roles(cast, customer, client_as):
    url = f"/customers/{customer.pk}/"
    manager = client_as(cast.staff_a[Role.MANAGER]).get(url).content.decode()
    assert f"/customers/{customer.pk}/export/" in manager
    assert f"/customers/{customer.pk}/erase/" in manager
    csr = client_as(cast.staff_a[Role.CSR]).get(url).content.decode()
    assert f"/customers/{customer.pk}/export/" in csr
    assert f"/customers/{customer.pk}/erase/" not in csr
    advisor = client_as(cast.staff_a[Role.ADVISOR]).get(url).content.decode()
    assert "/export/" not in advisor and "/erase/" not in advisor


def test_csr_downloads_the_json_export_with_the_clear_phone(cast, vehicle, customer, client_as):
    client = client_as(cast.staff_a[Role.CSR])
    response = client.post(f"/customers/{customer.pk}/export/", EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f'filename="customer-{customer.pk}.json"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "张伟" in text  # ensure_ascii=False
    data = json.loads(text)
    assert data["customer"]["phone"] == "13812345678"
    assert data["vehicles"][0]["plate"] == "沪A12345"
    assert AuditEntry.objects.filter(action="customer.data_export", object_id=customer.pk).exists()


def test_xlsx_export_has_a_sheet_per_section(cast, vehicle, customer, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    response = client.post(f"/customers/{customer.pk}/export/", EXPORT | {"format": "xlsx"})
    assert response.status_code == 200
    assert f'filename="customer-{customer.pk}.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"customer", "vehicles", "consents"} <= set(workbook.sheetnames)


def test_export_refuses_bad_input_roles_outsiders_and_get(cast, customer, client_as):
    url = f"/customers/{customer.pk}/export/"
    csr = client_as(cast.staff_a[Role.CSR])
    refused = csr.post(url, EXPORT | {"reason": "curiosity"})
    assert refused.status_code == 302 and refused["Location"] == f"/customers/{customer.pk}/"
    assert csr.get(url).status_code == 405
    assert client_as(cast.staff_a[Role.TECHNICIAN]).post(url, EXPORT).status_code == 403
    assert client_as(cast.staff_b[Role.MANAGER]).post(url, EXPORT).status_code == 404
    assert not AuditEntry.objects.filter(action="customer.data_export").exists()


def test_erase_needs_the_typed_name(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    url = f"/customers/{customer.pk}/erase/"
    page = client.get(url)
    assert page.status_code == 200 and "张伟" in page.content.decode()
    for data in [{}, {"confirm_name": "李娜"}]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'class="field-error"' in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == "张伟" and customer.erased_at is None


def test_manager_erases_and_a_second_erase_is_refused(cast, vehicle, customer, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    url = f"/customers/{customer.pk}/erase/"
    response = client.post(url, {"confirm_name": " 张伟 "})
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    customer.refresh_from_db()
    assert customer.erased_at is not None and customer.phone == ""
    assert customer.name.startswith("已匿名客户")
    detail = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "张伟" not in detail and f"/customers/{customer.pk}/erase/" not in detail
    again = client.post(url, {"confirm_name": customer.name})
    assert again.status_code == 200
    assert "已匿名" in again.content.decode() and 'class="alert error"' in again.content.decode()


def test_erase_refused_to_csr_and_outsiders(cast, customer, client_as):
    url = f"/customers/{customer.pk}/erase/"
    assert client_as(cast.staff_a[Role.CSR]).get(url).status_code == 403
    assert client_as(cast.staff_a[Role.CSR]).post(url, {"confirm_name": "张伟"}).status_code == 403
    assert (
        client_as(cast.staff_b[Role.MANAGER]).post(url, {"confirm_name": "张伟"}).status_code == 404
    )
    customer.refresh_from_db()
    assert customer.erased_at is None


def _quality_data(cast):
    manager = cast.staff_a[Role.MANAGER]
    first = new_customer(manager, name="王芳", phone="13900001111")
    data = CustomerInput(name="=HYPERLINK(1)", phone="13900001111")
    second = customer_create(actor=manager, data=data, allow_duplicate=True)
    new_vehicle(manager, owner=first, plate="沪B22222")
    new_vehicle(manager, owner=second, plate="沪B22222")
    new_customer(cast.staff_b[Role.MANAGER], name="赵六", phone="13900001111")
    return first, second


def test_quality_page_counts_and_links(cast, client_as):
    first, _second = _quality_data(cast)
    response = client_as(cast.staff_a[Role.CSR]).get("/customers/quality/")
    assert response.status_code == 200
    checks = {c.key: c for c in response.context["checks"]}
    assert checks["same_phone"].count == 2
    assert checks["same_plate"].count == 2
    assert checks["stale_mileage"].count == 2
    page = response.content.decode()
    assert f'href="/customers/{first.pk}/"' in page and "赵六" not in page
    vehicle_ids = [v.pk for v in checks["same_plate"].rows]
    assert f'href="/vehicles/{vehicle_ids[0]}/"' in page
    assert 'href="/customers/quality/"' in page  # the nav entry


def test_quality_xlsx_has_a_sheet_per_check_and_no_formulas(cast, client_as):
    first, second = _quality_data(cast)
    response = client_as(cast.staff_a[Role.MANAGER]).get("/customers/quality/data-quality.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="data-quality.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    phones = workbook.worksheets[1]
    rows = list(phones.iter_rows(values_only=True))
    assert rows[1:] == [(first.pk, "王芳"), (second.pk, "'=HYPERLINK(1)")]
    plates = list(workbook.worksheets[3].iter_rows(values_only=True))
    assert {r[1] for r in plates[1:]} == {"沪B22222"}


def test_quality_pages_need_the_role(cast, client_as):
    for role in [Role.ADVISOR, Role.TECHNICIAN, Role.SALES]:
        client = client_as(cast.staff_a[role])
        assert client.get("/customers/quality/").status_code == 403
        assert client.get("/customers/quality/data-quality.xlsx").status_code == 403
        assert 'href="/customers/quality/"' not in client.get("/").content.decode()
    assert client_as(cast.staff_a[Role.CSR]).post("/customers/quality/").status_code == 405


def test_quality_nav_entry_is_the_active_one(cast, client_as):
    page = client_as(cast.staff_a[Role.MANAGER]).get("/customers/quality/").content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/customers/quality/" class="active"' in page
    customers = client_as(cast.staff_a[Role.MANAGER]).get("/customers/").content.decode()
    assert 'href="/customers/" class="active"' in customers
