"""Roles (R-SEC-2) and the one table that says which role may do what.

Services call :func:`require`; pages and the API therefore agree, and templates ask
:func:`allows` which buttons to show.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.errors import PermissionDenied


class Role(models.TextChoices):
    DEALER_ADMIN = "admin", _("Dealer admin")
    MANAGER = "manager", _("Manager")
    SALES = "sales", _("Sales consultant")
    ADVISOR = "advisor", _("Service advisor")
    TECHNICIAN = "technician", _("Technician")
    INSPECTOR = "inspector", _("Quality inspector")
    PARTS = "parts", _("Parts clerk")
    CSR = "csr", _("Customer-service agent")
    INSURANCE = "insurance", _("Insurance specialist")
    OEM_ANALYST = "oem", _("OEM analyst")


class Action(models.TextChoices):
    CUSTOMER_VIEW = "customer.view", _("View customers")
    CUSTOMER_CREATE = "customer.create", _("Create customers")
    CUSTOMER_UPDATE = "customer.update", _("Change customers")
    CUSTOMER_DELETE = "customer.delete", _("Delete customers")
    CUSTOMER_MERGE = "customer.merge", _("Merge duplicate customers")
    CUSTOMER_REVEAL = "customer.reveal", _("Reveal personal data")
    CUSTOMER_IMPORT = "customer.import", _("Import customers")
    CUSTOMER_EXPORT = "customer.export", _("Export customers")
    CUSTOMER_EXPORT_CLEAR = "customer.export_clear", _("Export customers with clear personal data")
    CUSTOMER_PRIVACY_EXPORT = "customer.privacy_export", _("Export one person's data (PIPL)")
    CUSTOMER_ERASE = "customer.erase", _("Erase a person's data on request (PIPL)")
    DATA_QUALITY = "customer.data_quality", _("Read the data-quality report")
    CONSENT_UPDATE = "consent.update", _("Record marketing consent")
    VEHICLE_VIEW = "vehicle.view", _("View vehicles")
    VEHICLE_CREATE = "vehicle.create", _("Create vehicles")
    VEHICLE_UPDATE = "vehicle.update", _("Change vehicles")
    VEHICLE_DELETE = "vehicle.delete", _("Delete vehicles")
    MILEAGE_RECORD = "mileage.record", _("Record mileage")
    AUDIT_VIEW = "audit.view", _("Read the audit log")
    OUTBOX_VIEW = "outbox.view", _("See the outgoing messages")
    OUTBOX_MANAGE = "outbox.manage", _("Send again or cancel outgoing messages")
    STAFF_MANAGE = "staff.manage", _("Manage staff accounts")
    JOB_VIEW = "job.view", _("See the periodic jobs and their runs")
    JOB_RUN = "job.run", _("Run a periodic job now")
    BRAND_AGGREGATES = "brand.aggregates", _("See aggregates across dealers")
    # After-sales service (R-SVC) and parts (R-PRT)
    APPOINTMENT_VIEW = "appointment.view", _("See appointments")
    APPOINTMENT_BOOK = "appointment.book", _("Book, reschedule and cancel appointments")
    SERVICE_SETUP = "service.setup", _("Set up the service catalogue, capacity and rates")
    DIAGNOSIS_HANDLE = "diagnosis.handle", _("Read fault codes and answer them remotely")
    ROADSIDE_HANDLE = "roadside.handle", _("Take and dispatch roadside assistance")
    REPAIR_ORDER_VIEW = "repair_order.view", _("See repair orders")
    REPAIR_ORDER_WRITE = "repair_order.write", _("Receive cars and write repair orders")
    REPAIR_ORDER_APPROVE = "repair_order.approve", _("Record the customer's approval")
    REPAIR_ORDER_WORK = "repair_order.work", _("Work on repair orders and report progress")
    REPAIR_ORDER_INSPECT = "repair_order.inspect", _("Inspect finished work (quality check)")
    REPAIR_ORDER_DELIVER = "repair_order.deliver", _("Deliver cars and take payment")
    REPAIR_ORDER_CANCEL = "repair_order.cancel", _("Cancel repair orders")
    EQUIPMENT_VIEW = "equipment.view", _("See workshop equipment")
    EQUIPMENT_MANAGE = "equipment.manage", _("Register equipment and record calibrations")
    PART_VIEW = "part.view", _("See parts and stock")
    PART_MANAGE = "part.manage", _("Keep the parts catalogue and suppliers")
    STOCK_MOVE = "stock.move", _("Receive, issue, return and adjust stock")
    FOLLOW_UP_VIEW = "follow_up.view", _("See follow-up visit tasks")
    FOLLOW_UP_HANDLE = "follow_up.handle", _("Make follow-up visits")
    # Complaints, inquiries and suggestions (R-CMP)
    COMPLAINT_VIEW = "complaint.view", _("See complaints, inquiries and suggestions")
    COMPLAINT_RECEIVE = "complaint.receive", _("Record complaints, inquiries and suggestions")
    COMPLAINT_HANDLE = "complaint.handle", _("Handle complaints: classify, solve, feed back")
    COMPLAINT_MANAGE = "complaint.manage", _("Reopen, set the ladder, analyse causes")
    # Satisfaction surveys (R-SAT-1)
    SURVEY_VIEW = "survey.view", _("See satisfaction surveys, invitations and answers")
    SURVEY_ANSWER = "survey.answer", _("Send surveys and fill them in with the customer")
    SURVEY_RESULTS = "survey.results", _("See satisfaction results (CSI, NPS)")
    SURVEY_MANAGE = "survey.manage", _("Write and change survey templates")

    CARE_VIEW = "care.view", _("See the automated reminders and greetings")
    CARE_HANDLE = "care.handle", _("Pause, move, change and cancel reminders; make reminder calls")
    CARE_RULES = "care.rules", _("Set the reminder rules and campaigns")


A = Action
_CUSTOMER_DESK = {
    A.CUSTOMER_VIEW,
    A.CUSTOMER_CREATE,
    A.CUSTOMER_UPDATE,
    A.CUSTOMER_REVEAL,
    A.CONSENT_UPDATE,
    A.VEHICLE_VIEW,
    A.VEHICLE_CREATE,
    A.VEHICLE_UPDATE,
    A.MILEAGE_RECORD,
    A.AUDIT_VIEW,
}
_WORKSHOP = {
    A.CUSTOMER_VIEW,
    A.VEHICLE_VIEW,
    A.MILEAGE_RECORD,
    A.APPOINTMENT_VIEW,
    A.REPAIR_ORDER_VIEW,
    A.EQUIPMENT_VIEW,
    A.PART_VIEW,
}
# The service advisor's desk: from the booking to the hand-over.
_SERVICE_DESK = {
    A.APPOINTMENT_VIEW,
    A.APPOINTMENT_BOOK,
    A.DIAGNOSIS_HANDLE,
    A.ROADSIDE_HANDLE,
    A.REPAIR_ORDER_VIEW,
    A.REPAIR_ORDER_WRITE,
    A.REPAIR_ORDER_APPROVE,
    A.REPAIR_ORDER_DELIVER,
    A.REPAIR_ORDER_CANCEL,
    A.EQUIPMENT_VIEW,
    A.PART_VIEW,
    A.FOLLOW_UP_VIEW,
    A.COMPLAINT_VIEW,
    A.COMPLAINT_RECEIVE,
}
_COMPLAINT_DESK = {A.COMPLAINT_VIEW, A.COMPLAINT_RECEIVE, A.COMPLAINT_HANDLE}
# Customer service sends the surveys and asks them on the phone; managers read the results
# and write the questions.
_SURVEY_DESK = {A.SURVEY_VIEW, A.SURVEY_ANSWER}
# Relationship care: agents and advisors look after a customer's reminders; managers set
# the rules.
_CARE_DESK = {A.CARE_VIEW, A.CARE_HANDLE}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.DEALER_ADMIN: frozenset(set(Action) - {A.BRAND_AGGREGATES}),
    Role.MANAGER: frozenset(
        _CUSTOMER_DESK
        | {A.CUSTOMER_DELETE, A.CUSTOMER_MERGE, A.CUSTOMER_IMPORT, A.CUSTOMER_EXPORT}
        | {A.CUSTOMER_PRIVACY_EXPORT, A.CUSTOMER_ERASE, A.DATA_QUALITY, A.VEHICLE_DELETE}
        | {A.OUTBOX_VIEW, A.OUTBOX_MANAGE}
        | _SERVICE_DESK
        | {A.SERVICE_SETUP, A.EQUIPMENT_MANAGE, A.PART_MANAGE, A.FOLLOW_UP_HANDLE}
        | _COMPLAINT_DESK
        | {A.COMPLAINT_MANAGE}
        | _SURVEY_DESK
        | {A.SURVEY_RESULTS, A.SURVEY_MANAGE}
        | _CARE_DESK
        | {A.CARE_RULES}
    ),
    Role.SALES: frozenset(_CUSTOMER_DESK - {A.MILEAGE_RECORD} | {A.CARE_VIEW}),
    Role.ADVISOR: frozenset(_CUSTOMER_DESK | {A.CUSTOMER_MERGE} | _SERVICE_DESK | _CARE_DESK),
    Role.TECHNICIAN: frozenset(_WORKSHOP | {A.REPAIR_ORDER_WORK}),
    Role.INSPECTOR: frozenset(_WORKSHOP | {A.REPAIR_ORDER_INSPECT, A.EQUIPMENT_MANAGE}),
    Role.PARTS: frozenset(
        {A.VEHICLE_VIEW, A.REPAIR_ORDER_VIEW, A.PART_VIEW, A.PART_MANAGE, A.STOCK_MOVE}
    ),
    Role.CSR: frozenset(
        {A.CUSTOMER_VIEW, A.CUSTOMER_CREATE, A.CUSTOMER_UPDATE, A.CUSTOMER_REVEAL}
        | {A.CONSENT_UPDATE}
        | {A.CUSTOMER_PRIVACY_EXPORT, A.DATA_QUALITY, A.VEHICLE_VIEW, A.AUDIT_VIEW}
        | {A.OUTBOX_VIEW, A.OUTBOX_MANAGE}
        | {A.APPOINTMENT_VIEW, A.APPOINTMENT_BOOK, A.ROADSIDE_HANDLE, A.REPAIR_ORDER_VIEW}
        | {A.FOLLOW_UP_VIEW, A.FOLLOW_UP_HANDLE}
        | _COMPLAINT_DESK
        | _SURVEY_DESK
        | _CARE_DESK
    ),
    Role.INSURANCE: frozenset(
        {A.CUSTOMER_VIEW, A.CUSTOMER_REVEAL, A.VEHICLE_VIEW, A.VEHICLE_UPDATE}
    ),
    Role.OEM_ANALYST: frozenset({A.BRAND_AGGREGATES}),
}


def _permissions(user) -> frozenset[str]:
    return PERMISSIONS.get(getattr(user, "role", None), frozenset())


def allowed_actions(user) -> list[str]:
    return sorted(_permissions(user))


def allows(user, action: str) -> bool:
    return action in _permissions(user)


def require(user, action: str) -> None:
    if not allows(user, action):
        raise PermissionDenied()
