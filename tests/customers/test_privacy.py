import io
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from dealercare.core import crypto
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.customers.jobs import customers_retention_anonymise
from dealercare.customers.models import Customer
from dealercare.customers.quality import invalid_mobiles
from dealercare.customers.selectors import customer_consents
from dealercare.customers.services import RelatedPersonInput, consent_record, related_person_add
from dealercare.customers.services.privacy import PROFILE_EXPORT_FIELDS, VEHICLE_EXPORT_FIELDS
from tests.factories import new_customer, new_vehicle

PERSON = {
    "name": "欧阳娜娜",
    "phone": "13812345678",
    "phone_alt": "13987654321",
    "email": "ouyang.nana@example.com",
    "id_number": "11010519491231002X",
    "address": "上海市浦东新区张江路188弄9号",
    "birthday": date(1949, 12, 31),
    "notes": "喜欢周六上午来店",
    "tags": ["VIP"],
}


@pytest.fixture
def person(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    customer = new_customer(advisor, **PERSON)
    new_vehicle(advisor, owner=customer, current_km=8000)
    consent_record(actor=advisor, customer=customer, channel="sms", granted=True, source="paper")
    related_person_add(
        actor=advisor,
        customer=customer,
        data=RelatedPersonInput(name="欧阳小明", relation="family", phone="13600009999"),
    )
    return customer


def all_raw_text() -> str:
    """Every value of every table, as stored, plus the clear text of any ciphertext."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            for row in cursor.fetchall():
                for value in row:
                    text = str(value)
                    chunks.append(text)
                    if text.startswith("v1."):
                        chunks.append(crypto.decrypt(text))
    return "\n".join(chunks)


def test_export_holds_every_field_and_is_audited(cast, api_as, person):
    csr = api_as(cast.staff_a[Role.CSR])
    response = csr.get(f"/customers/{person.pk}/export", {"reason": "customer_request"})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(PROFILE_EXPORT_FIELDS) <= set(data["customer"])
    assert data["customer"]["phone"] == "13812345678"
    assert data["customer"]["id_number"] == "11010519491231002X"
    assert data["customer"]["tags"] == ["VIP"]
    vehicle = data["vehicles"][0]
    assert set(VEHICLE_EXPORT_FIELDS) <= set(vehicle)
    assert vehicle["mileage_readings"][0]["km"] == 8000
    assert data["consents"][0]["channel"] == "sms"
    assert data["related_persons"][0]["phone"] == "13600009999"
    assert data["timeline"]
    entry = AuditEntry.objects.filter(action="customer.data_export").get()
    assert entry.actor_name == "csr@sh01" and entry.changes["reason"][1] == "customer_request"


def test_export_as_xlsx_and_refusals(cast, api_as, person):
    csr = api_as(cast.staff_a[Role.CSR])
    xlsx = csr.get(
        f"/customers/{person.pk}/export", {"reason": "internal_review", "format": "xlsx"}
    )
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == [
        "customer",
        "related_persons",
        "consents",
        "vehicles",
        "timeline",
    ]
    assert csr.get(f"/customers/{person.pk}/export", {"reason": "curious"}).status_code == 422
    technician = api_as(cast.staff_a[Role.TECHNICIAN])
    assert (
        technician.get(f"/customers/{person.pk}/export", {"reason": "customer_request"}).status_code
        == 403
    )
    outsider = api_as(cast.staff_b[Role.MANAGER])
    assert (
        outsider.get(f"/customers/{person.pk}/export", {"reason": "customer_request"}).status_code
        == 404
    )


def test_erasure_leaves_no_personal_value_anywhere(cast, api_as, person):
    manager = api_as(cast.staff_a[Role.MANAGER])
    unconfirmed = manager.post(f"/customers/{person.pk}/erase", {"confirm_name": "欧阳"})
    assert unconfirmed.status_code == 422 and unconfirmed.json()["code"] == "erasure_not_confirmed"
    assert (
        api_as(cast.staff_a[Role.CSR])
        .post(f"/customers/{person.pk}/erase", {"confirm_name": "欧阳娜娜"})
        .status_code
        == 403
    )
    erased = manager.post(f"/customers/{person.pk}/erase", {"confirm_name": "欧阳娜娜"})
    assert erased.status_code == 200, erased.json()
    raw = all_raw_text()
    personal = [
        "欧阳娜娜", "13812345678", "13987654321", "ouyang.nana", "11010519491231002X",
        "张江路188弄", "1949-12-31", "喜欢周六上午", "欧阳小明", "13600009999",
    ]  # fmt: skip
    assert [value for value in personal if value in raw] == []
    customer = Customer.objects.get(pk=person.pk)
    assert customer.phone_hmac == "" and customer.erased_at is not None
    assert all(not c.granted for c in customer_consents(customer=customer).values())
    assert customer.ownerships.count() == 1 and not customer.vehicles.exists()
    again = manager.post(f"/customers/{person.pk}/erase", {"confirm_name": "欧阳娜娜"})
    assert again.status_code == 409 and again.json()["code"] == "already_erased"


def test_retention_job_anonymises_the_inactive_once(cast, time_machine):
    advisor = cast.staff_a[Role.ADVISOR]
    time_machine.move_to(timezone.now() - timedelta(days=6 * 365))
    sleeping = new_customer(advisor, name="沉睡客户")
    time_machine.move_to(timezone.now() + timedelta(days=6 * 365))
    awake = new_customer(advisor, name="活跃客户")
    assert customers_retention_anonymise() == 1
    assert Customer.objects.get(pk=sleeping.pk).erased_at is not None
    assert Customer.objects.get(pk=awake.pk).erased_at is None
    entries = AuditEntry.objects.count()
    assert customers_retention_anonymise() == 0
    assert AuditEntry.objects.count() == entries


def test_consent_withdrawal_takes_effect_at_once_and_keeps_history(cast, person):
    advisor = cast.staff_a[Role.ADVISOR]
    consent_record(actor=advisor, customer=person, channel="sms", granted=False, source="phone")
    assert customer_consents(customer=person)["sms"].granted is False
    assert list(
        person.consents.filter(channel="sms").order_by("id").values_list("granted", flat=True)
    ) == [
        True,
        False,
    ]


def test_data_quality_report(cast, api_as):
    advisor = cast.staff_a[Role.ADVISOR]
    new_customer(advisor, name="重名", birthday=date(1980, 1, 1))
    new_customer(advisor, name="重名", birthday=date(1980, 1, 1))
    new_vehicle(advisor, plate="沪A99999")
    new_vehicle(advisor, plate="沪A99999")
    report = {
        c["key"]: c["count"] for c in api_as(cast.staff_a[Role.MANAGER]).get("/data-quality").json()
    }
    assert report["same_name_birthday"] == 2
    assert report["same_plate"] == 2
    assert report["stale_mileage"] == 2
    assert report["invalid_mobile"] == 0
    assert api_as(cast.staff_a[Role.TECHNICIAN]).get("/data-quality").status_code == 403


def test_data_quality_lists_stored_mobiles_no_carrier_issues(cast, api_as):
    advisor = cast.staff_a[Role.ADVISOR]
    good = new_customer(advisor, name="号码对", phone="13912345678")
    iot = new_customer(advisor, name="物联网卡")
    Customer.objects.filter(pk=iot.pk).update(phone="14012345678")  # stored before the check
    manager = cast.staff_a[Role.MANAGER]
    counts = {c["key"]: c["count"] for c in api_as(manager).get("/data-quality").json()}
    assert counts["invalid_mobile"] == 1
    assert invalid_mobiles(manager) == [iot]
    assert good not in invalid_mobiles(manager)
