"""Every write of remote diagnosis (R-VEH-5): the fault-code catalogue, codes received
from a car, answered remotely or booked in."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import BusinessRuleViolation, Conflict, InvalidInput, StaleVersion
from dealercare.core.messaging.models import MessageChannel
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import User
from dealercare.core.roles import Action, Role, require
from dealercare.core.workflow import workflow_move
from dealercare.parts.models import Part
from dealercare.service.events import BookingAuditObject, BookingEvent
from dealercare.service.models import Appointment, DiagnosisReport, FaultCode
from dealercare.service.selectors.diagnosis import diagnosis_described, remote_answer_possible
from dealercare.service.services.appointments import (
    FAULT_CODE,
    AppointmentInput,
    appointment_book,
    clean_fault_codes,
    customer_channel,
)
from dealercare.vehicles.models import Vehicle

MAX_KM = 2_000_000


@dataclass
class FaultCodeInput:
    code: str
    description_zh: str
    severity: str
    description_en: str = ""
    remote_answerable: bool = False
    guidance: str = ""
    part_ids: list[int] = field(default_factory=list)


FAULT_CODE_FIELDS = (
    "code",
    "description_zh",
    "description_en",
    "severity",
    "remote_answerable",
    "guidance",
)


def _code(value) -> str:
    code = (value or "").strip().upper()
    if not FAULT_CODE.match(code):
        raise ValidationError(
            _("“%(code)s” is not a fault code (like P0301).") % {"code": code[:10]}
        )
    return code


def fault_code_clean(actor, data: FaultCodeInput) -> tuple[dict, list[Part]]:
    errors = FieldErrors()
    clean = {}
    checks = {
        "code": _code,
        "description_zh": lambda v: clean_text(v, max_length=200, required=True),
        "description_en": lambda v: clean_text(v, max_length=200),
        "severity": lambda v: clean_choice(v, FaultCode.Severity.choices, required=True),
        "remote_answerable": bool,
        "guidance": lambda v: clean_text(v, max_length=2000, multiline=True),
    }
    clean.update(errors.check_fields(checks, data))
    if clean.get("remote_answerable") and not clean.get("guidance"):
        errors.add("guidance", _("A fault answered remotely needs the guidance to give."))
    part_ids = set(data.part_ids or [])
    parts = list(Part.objects.filter(dealer_id=actor.dealer_id, pk__in=part_ids))
    if len(parts) != len(part_ids):
        errors.add("part_ids", _("Unknown part."))
    errors.raise_if_any()
    return clean, parts


class DuplicateFaultCode(Conflict):
    code = "duplicate_fault_code"
    default_message = _("This fault code is already in the catalogue.")


def _fault_event(action, fault: FaultCode, changes) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=BookingAuditObject.FAULT_CODE,
        object_id=fault.pk,
        label=fault.code,
        changes=changes,
    )


def _fault_snapshot(fault: FaultCode, parts) -> dict:
    return {name: getattr(fault, name) for name in FAULT_CODE_FIELDS} | {
        "likely_parts": ", ".join(sorted(p.part_number for p in parts))
    }


@transaction.atomic
def fault_code_create(*, actor, data: FaultCodeInput) -> FaultCode:
    require(actor, Action.SERVICE_SETUP)
    clean, parts = fault_code_clean(actor, data)
    if FaultCode.objects.filter(dealer_id=actor.dealer_id, code=clean["code"]).exists():
        raise DuplicateFaultCode(fields={"code": [DuplicateFaultCode.default_message]})
    fault = FaultCode.objects.create(dealer_id=actor.dealer_id, **clean)
    fault.likely_parts.set(parts)
    changes = changes_between({}, _fault_snapshot(fault, parts))
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_fault_event(BookingEvent.FAULT_CODE_CREATE, fault, changes),
    )
    return fault


@transaction.atomic
def fault_code_update(*, actor, fault_code: FaultCode, changes: dict, version: int) -> FaultCode:
    """Change the fields named in ``changes`` (fields of ``FaultCodeInput``)."""
    require(actor, Action.SERVICE_SETUP)
    fault = FaultCode.objects.select_for_update().get(pk=fault_code.pk)
    if fault.version != version:
        raise StaleVersion()
    current = [p.pk for p in fault.likely_parts.all()]
    before = _fault_snapshot(fault, fault.likely_parts.all())
    values = {name: getattr(fault, name) for name in FAULT_CODE_FIELDS} | {"part_ids": current}
    clean, parts = fault_code_clean(actor, FaultCodeInput(**values | changes))
    clash = FaultCode.objects.filter(dealer_id=fault.dealer_id, code=clean["code"])
    if clash.exclude(pk=fault.pk).exists():
        raise DuplicateFaultCode(fields={"code": [DuplicateFaultCode.default_message]})
    for name, value in clean.items():
        setattr(fault, name, value)
    fault.version += 1
    fault.save()
    fault.likely_parts.set(parts)
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_fault_event(
            BookingEvent.FAULT_CODE_UPDATE,
            fault,
            changes_between(before, _fault_snapshot(fault, parts)),
        ),
    )
    return fault


# ---- codes received from a car ----------------------------------------------------------


def _report_event(action, report: DiagnosisReport, changes) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=BookingAuditObject.DIAGNOSIS_REPORT,
        object_id=report.pk,
        label=str(report),
        customer_id=report.customer_id,
        changes=changes,
    )


def _tell_the_advisors(report: DiagnosisReport) -> None:
    """Each service advisor of the dealer finds the codes in the inbox before the visit."""
    link = reverse("service:diagnosis_detail", kwargs={"diagnosis_id": report.pk})
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Fault codes from %(plate)s") % {
            "plate": report.vehicle.plate or report.vehicle.vin
        }
        body = gettext("The car sent %(codes)s. Read them before the visit.") % {
            "codes": " ".join(report.codes)
        }
    advisors = User.objects.filter(dealer_id=report.dealer_id, role=Role.ADVISOR, is_active=True)
    for advisor in advisors:
        message_queue(
            dealer=report.dealer,
            recipient=Recipient.staff(advisor),
            channel=MessageChannel.INBOX,
            subject=subject,
            body=body,
            link=link,
            topic="service.diagnosis",
            idempotency_key=f"service:diagnosis:{report.pk}:advisor:{advisor.pk}",
        )


@transaction.atomic
def diagnosis_receive(
    *,
    actor,
    vehicle_id: int,
    codes: list[str],
    note: str = "",
    km: int | None = None,
    source: str = DiagnosisReport.Source.API,
) -> DiagnosisReport:
    """Fault codes sent for a car: kept, and put in front of the advisors."""
    require(actor, Action.DIAGNOSIS_HANDLE)
    errors = FieldErrors()
    vehicle = Vehicle.objects.filter(pk=vehicle_id, dealer_id=actor.dealer_id).first()
    if vehicle is None:
        errors.add("vehicle_id", _("Unknown vehicle."))
    with errors.field("codes"):
        codes = clean_fault_codes(codes)
        if not codes:
            raise ValidationError(_("Send at least one fault code."))
    with errors.field("note"):
        note = clean_text(note, max_length=1000, multiline=True)
    with errors.field("source"):
        source = clean_choice(source, DiagnosisReport.Source.choices, required=True)
    if km is not None and not 0 <= km <= MAX_KM:
        errors.add("km", _("Between %(low)s and %(high)s.") % {"low": 0, "high": MAX_KM})
    errors.raise_if_any()
    report = DiagnosisReport.objects.create(
        dealer_id=actor.dealer_id,
        vehicle=vehicle,
        customer=vehicle.owner,
        codes=codes,
        note=note,
        km=km,
        source=source,
    )
    _tell_the_advisors(report)
    changes = {"codes": ["", " ".join(codes)], "source": ["", source]}
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_report_event(BookingEvent.DIAGNOSIS_RECEIVE, report, changes),
    )
    return report


class NotASimpleFault(BusinessRuleViolation):
    code = "not_remote_answerable"
    default_message = _(
        "Only simple faults are answered remotely: a code here is unknown or needs the workshop."
    )


@transaction.atomic
def diagnosis_answer(
    *, actor, report: DiagnosisReport, answer: str, version: int | None = None
) -> DiagnosisReport:
    """A simple fault answered remotely with guidance: recorded as such, and the guidance
    sent to the customer by the preferred channel."""
    require(actor, Action.DIAGNOSIS_HANDLE)
    errors = FieldErrors()
    with errors.field("answer"):
        answer = clean_text(answer, max_length=2000, required=True, multiline=True)
    errors.raise_if_any()
    if not remote_answer_possible(diagnosis_described(report=report)):
        raise NotASimpleFault()
    workflow_move(actor, report, "answer", expected_version=version)
    now = timezone.now()
    DiagnosisReport.objects.filter(pk=report.pk).update(
        answer=answer, answered_by=actor, answered_at=now
    )
    report.answer, report.answered_by, report.answered_at = answer, actor, now
    if report.customer_id:
        message_queue(
            dealer=report.dealer,
            recipient=Recipient.customer(report.customer),
            channel=customer_channel(report.customer),
            subject=_answer_subject(),
            body=answer,
            topic="service.diagnosis_answer",
            idempotency_key=f"service:diagnosis-answer:{report.pk}",
            actor=actor,
        )
    audit_record(
        actor=actor,
        dealer=report.dealer,
        event=_report_event(BookingEvent.DIAGNOSIS_ANSWER, report, {"answer": ["", answer[:200]]}),
    )
    return report


def _answer_subject() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("About the fault codes your car sent")


@transaction.atomic
def diagnosis_book(*, actor, report: DiagnosisReport, data: AppointmentInput) -> Appointment:
    """Book the car in from its report: the booking carries the codes."""
    require(actor, Action.APPOINTMENT_BOOK)
    data.vehicle_id = report.vehicle_id
    data.fault_codes = list(dict.fromkeys([*report.codes, *(data.fault_codes or [])]))
    appointment = appointment_book(actor=actor, data=data, diagnosis=report)
    workflow_move(actor, report, "book")
    return appointment


@transaction.atomic
def diagnosis_move(
    *, actor, report: DiagnosisReport, move: str, reason: str = "", version: int | None = None
) -> DiagnosisReport:
    """The moves without their own service (close, with its reason)."""
    if move in ("answer", "book"):
        raise InvalidInput(fields={"move": [_("Use the answer or booking form for this step.")]})
    return workflow_move(actor, report, move, reason=reason, expected_version=version)
