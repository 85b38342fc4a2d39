"""Reads of the service catalogue and the workshop settings, scoped to the actor's dealer."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.roles import Action, require
from dealercare.service.models import ServiceOperation, ServiceSettings


def service_settings_get(*, dealer) -> ServiceSettings:
    """The dealer's workshop settings; the defaults (unsaved) for a dealer without a row."""
    dealer_id = getattr(dealer, "pk", dealer)
    found = ServiceSettings.objects.filter(dealer_id=dealer_id).first()
    return found or ServiceSettings(dealer_id=dealer_id)


@dataclass(frozen=True)
class OperationFilters:
    q: str = ""
    category: str = ""
    active: bool | None = None


def service_operation_list(*, actor, filters: OperationFilters = OperationFilters()) -> QuerySet:
    """Every role that sees repair orders reads the catalogue (its SOP is the technician's)."""
    require(actor, Action.REPAIR_ORDER_VIEW)
    operations = scope_to_dealer(actor, ServiceOperation.objects.all())
    q = filters.q.strip()
    if q:
        operations = operations.filter(Q(code__startswith=q.upper()) | Q(name__contains=q))
    if filters.category:
        operations = operations.filter(category=filters.category)
    if filters.active is not None:
        operations = operations.filter(active=filters.active)
    return operations.order_by("category", "code", "id")


def service_operation_get(*, actor, operation_id) -> ServiceOperation:
    return get_for(
        actor, ServiceOperation.objects.all(), operation_id, action=Action.REPAIR_ORDER_VIEW
    )
