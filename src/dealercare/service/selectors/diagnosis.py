"""Reads of the fault-code catalogue and of the codes cars sent, scoped to the actor's
dealer."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.errors import NotFound, PermissionDenied
from dealercare.core.roles import Action, allows, require
from dealercare.customers.selectors import classify_query, vehicles_matching
from dealercare.parts.models import Part
from dealercare.service.models import DiagnosisReport, FaultCode


def _require_catalogue(actor) -> None:
    if not (allows(actor, Action.DIAGNOSIS_HANDLE) or allows(actor, Action.SERVICE_SETUP)):
        raise PermissionDenied()


def fault_code_list(*, actor, q: str = "") -> QuerySet:
    _require_catalogue(actor)
    codes = scope_to_dealer(actor, FaultCode.objects.prefetch_related("likely_parts"))
    q = (q or "").strip()
    if q:
        codes = codes.filter(
            Q(code__startswith=q.upper())
            | Q(description_zh__contains=q)
            | Q(description_en__icontains=q)
        )
    return codes.order_by("code", "id")


def fault_code_get(*, actor, fault_code_id) -> FaultCode:
    _require_catalogue(actor)
    try:
        return scope_to_dealer(actor, FaultCode.objects.prefetch_related("likely_parts")).get(
            pk=fault_code_id
        )
    except (FaultCode.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass(frozen=True)
class DiagnosisFilters:
    q: str = ""
    status: str = ""


def diagnosis_list(*, actor, filters: DiagnosisFilters = DiagnosisFilters()) -> QuerySet:
    require(actor, Action.DIAGNOSIS_HANDLE)
    reports = scope_to_dealer(actor, DiagnosisReport.objects.select_related("vehicle"))
    if filters.q.strip():
        matching = vehicles_matching(actor.dealer_id, classify_query(filters.q))
        if matching is None:
            return reports.none()
        reports = reports.filter(vehicle_id__in=matching.values("pk"))
    if filters.status:
        reports = reports.filter(status=filters.status)
    return reports.order_by("-created_at", "-id")


def diagnosis_get(*, actor, diagnosis_id) -> DiagnosisReport:
    return get_for(
        actor,
        DiagnosisReport.objects.select_related("vehicle", "customer", "answered_by"),
        diagnosis_id,
        action=Action.DIAGNOSIS_HANDLE,
    )


@dataclass
class DescribedCode:
    """A code a car sent, as the catalogue explains it (``fault_code`` None: not in it)."""

    code: str
    fault_code: FaultCode | None
    parts: list


def diagnosis_described(*, report: DiagnosisReport) -> list[DescribedCode]:
    """Each code with its meaning and the parts likely needed, with their stock."""
    known = {
        fault.code: fault
        for fault in FaultCode.objects.filter(
            dealer_id=report.dealer_id, code__in=report.codes
        ).prefetch_related("likely_parts")
    }
    described = []
    for code in report.codes:
        fault = known.get(code)
        parts = list(fault.likely_parts.all()) if fault else []
        described.append(DescribedCode(code=code, fault_code=fault, parts=parts))
    return described


def remote_answer_possible(described: list[DescribedCode]) -> bool:
    """Only simple faults are answered remotely: every code known and flagged simple."""
    return bool(described) and all(
        d.fault_code and d.fault_code.remote_answerable for d in described
    )


def parts_by_number(*, actor, numbers: list[str]) -> list[Part]:
    return list(Part.objects.filter(dealer_id=actor.dealer_id, part_number__in=numbers[:50]))
