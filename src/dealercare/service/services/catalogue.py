"""The service catalogue (R-SVC-10) and the workshop's settings: every write, one
transaction each, with its audit entry."""

from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import Conflict, StaleVersion
from dealercare.core.roles import Action, require
from dealercare.service.events import ServiceAuditObject, ServiceEvent
from dealercare.service.models import ServiceOperation, ServiceSettings
from dealercare.service.selectors.catalogue import service_settings_get

MAX_HOURS = Decimal("999.99")
MAX_RATE = Decimal("99999.99")
OPERATION_FIELDS = ("code", "name", "category", "sop", "standard_hours", "labour_rate", "active")
SETTINGS_FIELDS = ("labour_rate", "tax_rate", "comeback_days")


@dataclass
class OperationInput:
    code: str
    name: str
    category: str
    standard_hours: Decimal | None
    sop: str = ""
    labour_rate: Decimal | None = None  # None: the dealer's labour rate
    active: bool = True


def clean_decimal(value, *, low: Decimal, high: Decimal, places: int = 2) -> Decimal:
    """A number in [low, high] with at most ``places`` decimals."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    if not low <= number <= high:
        raise ValidationError(
            _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high},
            code="out_of_range",
        )
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError(
            _("At most %(places)d decimal places.") % {"places": places}, code="too_precise"
        )
    return number.quantize(Decimal(1).scaleb(-places))


def required(value):
    if value in (None, ""):
        raise ValidationError(_("This field is required."), code="required")
    return value


def operation_clean(data: OperationInput, *, dealer) -> dict:
    errors = FieldErrors()
    clean: dict = {}
    checks = {
        "code": lambda v: clean_text(v, max_length=20, required=True).upper(),
        "name": lambda v: clean_text(v, max_length=100, required=True),
        "category": lambda v: clean_choice(v, ServiceOperation.Category.choices, required=True),
        "sop": lambda v: clean_text(v, max_length=10000, multiline=True),
        "standard_hours": lambda v: clean_decimal(required(v), low=Decimal("0"), high=MAX_HOURS),
        "labour_rate": lambda v: (
            service_settings_get(dealer=dealer).labour_rate
            if v in (None, "")
            else clean_decimal(v, low=Decimal("0"), high=MAX_RATE)
        ),
        "active": bool,
    }
    clean.update(errors.check_fields(checks, data))
    errors.raise_if_any()
    return clean


class DuplicateOperation(Conflict):
    code = "duplicate_operation"
    default_message = _("An operation with this code is already in the catalogue.")

    def __init__(self):
        super().__init__(fields={"code": [self.default_message]})


def _event(action, operation: ServiceOperation, changes: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=ServiceAuditObject.SERVICE_OPERATION,
        object_id=operation.pk,
        label=str(operation),
        changes=changes,
    )


def _snapshot(operation: ServiceOperation) -> dict:
    return {name: getattr(operation, name) for name in OPERATION_FIELDS}


def _code_taken(dealer_id, code: str, *, exclude=None) -> bool:
    return (
        ServiceOperation.objects.filter(dealer_id=dealer_id, code=code).exclude(pk=exclude).exists()
    )


@transaction.atomic
def service_operation_create(*, actor, data: OperationInput) -> ServiceOperation:
    require(actor, Action.SERVICE_SETUP)
    clean = operation_clean(data, dealer=actor.dealer)
    if _code_taken(actor.dealer_id, clean["code"]):
        raise DuplicateOperation()
    operation = ServiceOperation.objects.create(dealer_id=actor.dealer_id, **clean)
    changes = changes_between({}, _snapshot(operation))
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(ServiceEvent.OPERATION_CREATE, operation, changes),
    )
    return operation


@transaction.atomic
def service_operation_update(
    *, actor, operation: ServiceOperation, changes: dict, version: int
) -> ServiceOperation:
    """Change the fields named in ``changes`` (fields of ``OperationInput``). Orders already
    written keep the hours and rate they copied."""
    require(actor, Action.SERVICE_SETUP)
    operation = ServiceOperation.objects.select_for_update().get(pk=operation.pk)
    if operation.version != version:
        raise StaleVersion()
    known = {f.name for f in fields(OperationInput)}
    values = {name: getattr(operation, name) for name in known}
    values |= {k: v for k, v in changes.items() if k in known}
    clean = operation_clean(OperationInput(**values), dealer=operation.dealer)
    if _code_taken(operation.dealer_id, clean["code"], exclude=operation.pk):
        raise DuplicateOperation()
    before = _snapshot(operation)
    for name, value in clean.items():
        setattr(operation, name, value)
    operation.version += 1
    operation.save()
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(
            ServiceEvent.OPERATION_UPDATE, operation, changes_between(before, _snapshot(operation))
        ),
    )
    return operation


@transaction.atomic
def service_settings_update(*, actor, changes: dict) -> ServiceSettings:
    """The workshop's labour rate, VAT rate and comeback window (only the fields sent)."""
    require(actor, Action.SERVICE_SETUP)
    ServiceSettings.objects.get_or_create(dealer_id=actor.dealer_id)
    current = ServiceSettings.objects.select_for_update().get(dealer_id=actor.dealer_id)
    checks = {
        "labour_rate": lambda v: clean_decimal(required(v), low=Decimal("0"), high=MAX_RATE),
        "tax_rate": lambda v: clean_decimal(
            required(v), low=Decimal("0"), high=Decimal("0.5"), places=3
        ),
        "comeback_days": lambda v: int(
            clean_decimal(required(v), low=Decimal("0"), high=Decimal("365"), places=0)
        ),
    }
    errors = FieldErrors()
    clean = {}
    for name, value in changes.items():
        if name in checks:
            with errors.field(name):
                clean[name] = checks[name](value)
    errors.raise_if_any()
    before = {name: getattr(current, name) for name in SETTINGS_FIELDS}
    for name, value in clean.items():
        setattr(current, name, value)
    current.save()
    after = {name: getattr(current, name) for name in SETTINGS_FIELDS}
    event = AuditEvent(
        action=ServiceEvent.SETTINGS_UPDATE,
        object_type=ServiceAuditObject.SERVICE_SETTINGS,
        object_id=current.pk,
        changes=changes_between(before, after),
    )
    audit_record(actor=actor, dealer=actor.dealer, event=event)
    return current
