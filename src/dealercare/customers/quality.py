"""The data-quality report (R-CUS-4): records a dealer's staff should fix.

Counts and lists come from the database; only the mobile-format check has to decrypt,
and it reads one column, streamed.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.access import scope_to_dealer
from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.roles import Action, require
from dealercare.core.validators import is_cn_mobile
from dealercare.customers.models import Customer
from dealercare.vehicles.models import MileageReading, Vehicle

STALE_MONTHS = 24
LIST_LIMIT = 200


@dataclass
class QualityCheck:
    key: str
    title: str
    kind: str  # "customer" or "vehicle"
    rows: list
    count: int


def _stale_cutoff():
    return timezone.localdate() - timedelta(days=STALE_MONTHS * 365 // 12)


def _active_customers(actor) -> QuerySet:
    return scope_to_dealer(actor, Customer.objects.filter(merged_into=None, erased_at=None))


def invalid_mobiles(actor) -> list[Customer]:
    found = []
    for customer in _active_customers(actor).only("id", "name", "phone").iterator(chunk_size=2000):
        if not is_cn_mobile(customer.phone or ""):
            found.append(customer)
    return found


def same_phone(actor) -> QuerySet:
    repeated = (
        _active_customers(actor)
        .exclude(phone_hmac="")
        .values("phone_hmac")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("phone_hmac")
    )
    return _active_customers(actor).filter(phone_hmac__in=repeated).order_by("phone_hmac", "id")


def same_name_and_birthday(actor) -> list[Customer]:
    repeated = (
        _active_customers(actor)
        .exclude(birthday=None)
        .values("name", "birthday")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    pairs = {(r["name"], r["birthday"]) for r in repeated[:LIST_LIMIT]}
    names = {name for name, _birthday in pairs}
    candidates = _active_customers(actor).filter(name__in=names).order_by("name", "birthday", "id")
    return [c for c in candidates if (c.name, c.birthday) in pairs]


def same_plate(actor) -> QuerySet:
    vehicles = scope_to_dealer(actor, Vehicle.objects.exclude(plate=""))
    repeated = vehicles.values("plate").annotate(n=Count("id")).filter(n__gt=1).values("plate")
    return vehicles.filter(plate__in=repeated).select_related("owner").order_by("plate", "id")


def vehicles_without_recent_mileage(actor) -> QuerySet:
    recent = MileageReading.objects.filter(vehicle=OuterRef("pk"), read_on__gte=_stale_cutoff())
    vehicles = scope_to_dealer(actor, Vehicle.objects.select_related("owner"))
    return vehicles.exclude(Exists(recent)).order_by("id")


def customers_without_recent_visit(actor) -> QuerySet:
    cutoff = _stale_cutoff()
    recent_visit = Vehicle.objects.filter(owner=OuterRef("pk"), last_service_date__gte=cutoff)
    return (
        _active_customers(actor)
        .filter(created_at__date__lt=cutoff)
        .exclude(Exists(recent_visit))
        .order_by("id")
    )


def data_quality_report(*, actor) -> list[QualityCheck]:
    require(actor, Action.DATA_QUALITY)
    checks = [
        ("invalid_mobile", _("Missing or invalid mobile"), "customer", invalid_mobiles(actor)),
        ("same_phone", _("Same mobile on several customers"), "customer", same_phone(actor)),
        (
            "same_name_birthday",
            _("Same name and birthday"),
            "customer",
            same_name_and_birthday(actor),
        ),
        ("same_plate", _("Same plate on several vehicles"), "vehicle", same_plate(actor)),
        (
            "stale_mileage",
            _("No mileage reading for 24 months"),
            "vehicle",
            vehicles_without_recent_mileage(actor),
        ),
        (
            "no_visit",
            _("No visit for 24 months"),
            "customer",
            customers_without_recent_visit(actor),
        ),
    ]
    return [
        QualityCheck(
            key=key,
            title=title,
            kind=kind,
            count=len(rows) if isinstance(rows, list) else rows.count(),
            rows=list(rows[:LIST_LIMIT]),
        )
        for key, title, kind, rows in checks
    ]


@transaction.atomic
def data_quality_export(*, actor) -> list[QualityCheck]:
    """The report for download: names, plates and VINs leave the system, so it is audited
    with the rows of each check."""
    checks = data_quality_report(actor=actor)
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=AuditEvent(
            action="customer.data_quality_export",
            object_type="export",
            object_id=None,
            label="data-quality.xlsx",
            changes={"rows": [None, {check.key: len(check.rows) for check in checks}]},
        ),
    )
    return checks
