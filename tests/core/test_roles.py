"""The role matrix (R-SEC-2): each role's allowed and refused actions.

``EXPECTED`` is written here from each role's duty, not read from the table under test, so
a wrong grant in ``dealercare.core.roles`` fails; a new action fails until it is listed.
"""

import pytest

from dealercare.core.models import User
from dealercare.core.roles import Action, Role, allowed_actions, allows
from tests.factories import new_customer, new_vehicle

DEALER_ROLES = [r for r in Role if r != Role.OEM_ANALYST]

ADMIN, MANAGER, SALES, ADVISOR = Role.DEALER_ADMIN, Role.MANAGER, Role.SALES, Role.ADVISOR
TECHNICIAN, INSPECTOR, PARTS, CSR = Role.TECHNICIAN, Role.INSPECTOR, Role.PARTS, Role.CSR
INSURANCE, OEM = Role.INSURANCE, Role.OEM_ANALYST


def roles(*granted: Role) -> frozenset[Role]:
    return frozenset(granted)


# Who serves a customer face to face or by phone reads and keeps the archive; the workshop
# reads it (masked) to know whose car it is; the parts clerk handles parts, not people; the
# OEM analyst sees aggregates across dealers only. Bulk and irreversible steps (delete,
# import, export, erasure) are the manager's; staff accounts and periodic jobs are the admin's.
EXPECTED: dict[Action, frozenset[Role]] = {
    Action.CUSTOMER_VIEW: roles(
        ADMIN, MANAGER, SALES, ADVISOR, TECHNICIAN, INSPECTOR, CSR, INSURANCE
    ),
    # The agent makes a new complainant a customer while taking the call.
    Action.CUSTOMER_CREATE: roles(ADMIN, MANAGER, SALES, ADVISOR, CSR),
    Action.CUSTOMER_UPDATE: roles(ADMIN, MANAGER, SALES, ADVISOR, CSR),
    Action.CUSTOMER_DELETE: roles(ADMIN, MANAGER),
    Action.CUSTOMER_MERGE: roles(ADMIN, MANAGER, ADVISOR),
    Action.CUSTOMER_REVEAL: roles(ADMIN, MANAGER, SALES, ADVISOR, CSR, INSURANCE),
    Action.CUSTOMER_IMPORT: roles(ADMIN, MANAGER),
    Action.CUSTOMER_EXPORT: roles(ADMIN, MANAGER),
    # A bulk file of clear mobiles and ID numbers: only the admin, who answers for it.
    Action.CUSTOMER_EXPORT_CLEAR: roles(ADMIN),
    Action.CUSTOMER_PRIVACY_EXPORT: roles(ADMIN, MANAGER, CSR),
    Action.CUSTOMER_ERASE: roles(ADMIN, MANAGER),
    Action.DATA_QUALITY: roles(ADMIN, MANAGER, CSR),
    Action.CONSENT_UPDATE: roles(ADMIN, MANAGER, SALES, ADVISOR, CSR),
    Action.VEHICLE_VIEW: roles(
        ADMIN, MANAGER, SALES, ADVISOR, TECHNICIAN, INSPECTOR, PARTS, CSR, INSURANCE
    ),
    Action.VEHICLE_CREATE: roles(ADMIN, MANAGER, SALES, ADVISOR),
    Action.VEHICLE_UPDATE: roles(ADMIN, MANAGER, SALES, ADVISOR, INSURANCE),
    Action.VEHICLE_DELETE: roles(ADMIN, MANAGER),
    Action.MILEAGE_RECORD: roles(ADMIN, MANAGER, ADVISOR, TECHNICIAN, INSPECTOR),
    Action.AUDIT_VIEW: roles(ADMIN, MANAGER, SALES, ADVISOR, CSR),
    # What was sent to customers, and sending it again, is the customer-service desk's.
    Action.OUTBOX_VIEW: roles(ADMIN, MANAGER, CSR),
    Action.OUTBOX_MANAGE: roles(ADMIN, MANAGER, CSR),
    Action.STAFF_MANAGE: roles(ADMIN),
    Action.JOB_VIEW: roles(ADMIN),
    Action.JOB_RUN: roles(ADMIN),
    Action.BRAND_AGGREGATES: roles(OEM),
    # After-sales: the advisor runs the order from booking to hand-over; the technician
    # works, the inspector inspects (and keeps the testers calibrated), the parts clerk
    # keeps the stock; the customer-service desk books by phone, takes the 24-hour
    # roadside line and makes the follow-up visits.
    Action.APPOINTMENT_VIEW: roles(ADMIN, MANAGER, ADVISOR, TECHNICIAN, INSPECTOR, CSR),
    Action.APPOINTMENT_BOOK: roles(ADMIN, MANAGER, ADVISOR, CSR),
    Action.SERVICE_SETUP: roles(ADMIN, MANAGER),
    Action.DIAGNOSIS_HANDLE: roles(ADMIN, MANAGER, ADVISOR),
    Action.ROADSIDE_HANDLE: roles(ADMIN, MANAGER, ADVISOR, CSR),
    Action.REPAIR_ORDER_VIEW: roles(ADMIN, MANAGER, ADVISOR, TECHNICIAN, INSPECTOR, PARTS, CSR),
    Action.REPAIR_ORDER_WRITE: roles(ADMIN, MANAGER, ADVISOR),
    Action.REPAIR_ORDER_APPROVE: roles(ADMIN, MANAGER, ADVISOR),
    Action.REPAIR_ORDER_WORK: roles(ADMIN, TECHNICIAN),
    Action.REPAIR_ORDER_INSPECT: roles(ADMIN, INSPECTOR),
    Action.REPAIR_ORDER_DELIVER: roles(ADMIN, MANAGER, ADVISOR),
    Action.REPAIR_ORDER_CANCEL: roles(ADMIN, MANAGER, ADVISOR),
    Action.EQUIPMENT_VIEW: roles(ADMIN, MANAGER, ADVISOR, TECHNICIAN, INSPECTOR),
    Action.EQUIPMENT_MANAGE: roles(ADMIN, MANAGER, INSPECTOR),
    Action.PART_VIEW: roles(ADMIN, MANAGER, ADVISOR, TECHNICIAN, INSPECTOR, PARTS),
    Action.PART_MANAGE: roles(ADMIN, MANAGER, PARTS),
    Action.STOCK_MOVE: roles(ADMIN, PARTS),
    Action.FOLLOW_UP_VIEW: roles(ADMIN, MANAGER, ADVISOR, CSR),
    Action.FOLLOW_UP_HANDLE: roles(ADMIN, MANAGER, CSR),
    # Complaints: the advisor records what a customer says at the counter; the
    # customer-service desk works them to the close; the service manager (and the admin)
    # reopen, set the escalation ladder and follow the root causes.
    Action.COMPLAINT_VIEW: roles(ADMIN, MANAGER, ADVISOR, CSR),
    Action.COMPLAINT_RECEIVE: roles(ADMIN, MANAGER, ADVISOR, CSR),
    Action.COMPLAINT_HANDLE: roles(ADMIN, MANAGER, CSR),
    Action.COMPLAINT_MANAGE: roles(ADMIN, MANAGER),
    # Surveys: the customer-service desk sends them and asks them on the phone; the
    # manager reads the month's results and writes the questions.
    Action.SURVEY_VIEW: roles(ADMIN, MANAGER, CSR),
    Action.SURVEY_ANSWER: roles(ADMIN, MANAGER, CSR),
    Action.SURVEY_RESULTS: roles(ADMIN, MANAGER),
    Action.SURVEY_MANAGE: roles(ADMIN, MANAGER),
    Action.CARE_VIEW: roles(ADMIN, MANAGER, SALES, ADVISOR, CSR),
    Action.CARE_HANDLE: roles(ADMIN, MANAGER, ADVISOR, CSR),
    Action.CARE_RULES: roles(ADMIN, MANAGER),
}


def test_every_action_has_an_expectation():
    missing = set(Action) - set(EXPECTED)
    assert not missing, f"write the roles expected for {sorted(missing)} into EXPECTED"


@pytest.mark.parametrize("role", list(Role))
def test_role_is_granted_exactly_its_duty(role):
    user = User(role=role)
    for action in Action:
        assert allows(user, action) == (role in EXPECTED[action]), (role, action)
    assert allowed_actions(user) == sorted(a for a in Action if role in EXPECTED[a])


def expected(role, action, allowed_status):
    return allowed_status if role in EXPECTED[action] else 403


@pytest.fixture
def archive(cast):
    customer = new_customer(cast.staff_a[Role.ADVISOR], name="赵敏", phone="13700001111")
    vehicle = new_vehicle(cast.staff_a[Role.ADVISOR], owner=customer)
    return customer, vehicle


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_each_role_reaches_only_its_duty(cast, api_as, archive, role):
    customer, vehicle = archive
    api = api_as(cast.staff_a[role])
    seen = {
        Action.CUSTOMER_VIEW: api.get(f"/customers/{customer.pk}").status_code,
        Action.VEHICLE_VIEW: api.get(f"/vehicles/{vehicle.pk}").status_code,
        Action.CUSTOMER_REVEAL: api.post(
            f"/customers/{customer.pk}/reveal", {"field": "phone"}
        ).status_code,
        Action.MILEAGE_RECORD: api.post(f"/vehicles/{vehicle.pk}/mileage", {"km": 100}).status_code,
        Action.CUSTOMER_EXPORT: api.get("/customers/export", {"format": "csv"}).status_code,
        Action.CUSTOMER_CREATE: api.post(
            "/customers", {"name": "新客", "phone": "13100000000"}
        ).status_code,
    }
    wanted = {
        Action.CUSTOMER_VIEW: expected(role, Action.CUSTOMER_VIEW, 200),
        Action.VEHICLE_VIEW: expected(role, Action.VEHICLE_VIEW, 200),
        Action.CUSTOMER_REVEAL: expected(role, Action.CUSTOMER_REVEAL, 200),
        Action.MILEAGE_RECORD: expected(role, Action.MILEAGE_RECORD, 201),
        Action.CUSTOMER_EXPORT: expected(role, Action.CUSTOMER_EXPORT, 200),
        Action.CUSTOMER_CREATE: expected(role, Action.CUSTOMER_CREATE, 201),
    }
    assert seen == wanted


def test_delete_needs_manager(cast, api_as, archive):
    lonely = new_customer(cast.staff_a[Role.ADVISOR], name="钱多多", phone="13700002222")
    assert api_as(cast.staff_a[Role.ADVISOR]).delete(f"/customers/{lonely.pk}").status_code == 403
    assert api_as(cast.staff_a[Role.MANAGER]).delete(f"/customers/{lonely.pk}").status_code == 204


def test_oem_analyst_sees_no_personal_data(cast, api_as, archive):
    customer, _vehicle = archive
    oem = api_as(cast.oem)
    assert oem.get("/customers").status_code == 403
    assert oem.get(f"/customers/{customer.pk}").status_code == 403


def test_oem_analyst_sees_each_dealers_counts_only(cast, api_as, archive):
    response = api_as(cast.oem).get("/brand/dealers")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert rows["sh01"]["customers"] == 1 and rows["sh01"]["vehicles"] == 1
    assert rows["bj01"]["customers"] == 0
    assert "赵敏" not in response.content.decode() and "1370000" not in response.content.decode()
    assert api_as(cast.staff_a[Role.MANAGER]).get("/brand/dealers").status_code == 403
