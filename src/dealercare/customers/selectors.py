"""Reads of the customer archive, always scoped to the acting staff member's dealer."""

import re
from dataclasses import dataclass

from django.db.models import Exists, F, Func, JSONField, OuterRef, Q, QuerySet
from django.db.models.functions import Right
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.crypto import id_number_index, phone_index
from dealercare.core.errors import InvalidInput, NotFound
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Action, allows, require
from dealercare.core.selectors import count_per_dealer
from dealercare.core.validators import normalize_plate, normalize_vin
from dealercare.customers.models import (
    Channel,
    ConsentRecord,
    Customer,
    Grade,
    ImportBatch,
    RelatedPerson,
    Tag,
)
from dealercare.vehicles.models import Vehicle

MOBILE_QUERY = re.compile(r"^(\+?86|0086)?1\d{10}$")
ID_NUMBER_QUERY = re.compile(r"^\d{17}[\dX]$")
VIN_QUERY = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
VIN_TAIL_QUERY = re.compile(r"^[A-HJ-NPR-Z0-9]{6}$")
PLATE_QUERY = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{4,6}[\u4e00-\u9fff]?$")
NEWEST_FIRST = ("-created_at", "-id")  # matches the (dealer, -created_at, -id) indexes


@dataclass(frozen=True)
class SearchKind:
    kind: str
    value: str


def classify_query(q: str) -> SearchKind:
    """Decide what one search box holds: a mobile, an ID number, a plate, a VIN, the VIN's
    last six, a name."""
    raw = q.strip()
    compact = re.sub(r"[\s\-·]", "", raw).upper()
    if MOBILE_QUERY.match(compact.lstrip("+")):
        return SearchKind("phone", compact)
    if ID_NUMBER_QUERY.match(compact):
        return SearchKind("id_number", compact)
    if PLATE_QUERY.match(compact):
        return SearchKind("plate", normalize_plate(compact))
    if VIN_QUERY.match(compact):
        return SearchKind("vin", normalize_vin(compact))
    if VIN_TAIL_QUERY.match(compact) and any(ch.isdigit() for ch in compact):
        return SearchKind("vin_tail", compact)
    return SearchKind("name", raw)


PERSONAL_SEARCHES = ("phone", "id_number")


def refuse_personal_data_in_url(q: str) -> None:
    """A search term that is personal data — a mobile, an ID number, an e-mail — must not
    travel in a URL, where access logs and the browser history keep it (R-SEC-3). Such
    searches are posted; a query string holding one is refused."""
    if classify_query(q).kind in PERSONAL_SEARCHES or "@" in q:
        raise InvalidInput(
            _("Search by mobile, ID number or e-mail is posted, never put in a URL."),
            fields={"q": [_("Personal data does not belong in a URL; send this search by POST.")]},
            code="personal_data_in_url",
        )


def vehicles_matching(dealer_id: int, search: SearchKind) -> QuerySet | None:
    if search.kind == "plate":
        return Vehicle.objects.filter(dealer_id=dealer_id, plate=search.value)
    if search.kind == "vin":
        return Vehicle.objects.filter(dealer_id=dealer_id, vin=search.value)
    if search.kind == "vin_tail":  # served by the (dealer, RIGHT(vin, 6)) index
        return Vehicle.objects.filter(Exact(Right("vin", 6), search.value), dealer_id=dealer_id)
    return None


def search_condition(dealer_id: int, q: str) -> Q:
    """The customers one search box matches, as a condition (every index leads with the
    dealer, so the caller filters by it too)."""
    search = classify_query(q)
    if search.kind == "phone":
        digest = phone_index(search.value)
        return Q(phone_hmac=digest) | Q(phone_alt_hmac=digest)
    if search.kind == "id_number":
        return Q(id_number_hmac=id_number_index(search.value))
    if search.kind == "name":
        return Q(name__startswith=search.value)
    return Q(pk__in=vehicles_matching(dealer_id, search).values("owner_id"))


def customers_matching(customers: QuerySet, dealer_id: int, q: str) -> QuerySet:
    return customers.filter(search_condition(dealer_id, q))


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    grade: str = ""
    tag: str = ""
    make: str = ""
    model: str = ""
    service_due_before: object = None


def active_customers(dealer_id: int) -> QuerySet:
    """The dealer's customers that are neither merged into another nor erased."""
    return Customer.objects.filter(dealer_id=dealer_id, merged_into=None, erased_at=None)


def customer_list(*, actor, filters: CustomerFilters) -> QuerySet:
    # One filter() call with every condition: each chained call clones the whole query,
    # and on a search that is found by one index lookup the cloning is what costs.
    require(actor, Action.CUSTOMER_VIEW)
    if not actor.dealer_id:
        return Customer.objects.none()
    conditions = [Q(dealer_id=actor.dealer_id, merged_into=None)]
    if filters.q.strip():
        conditions.append(search_condition(actor.dealer_id, filters.q))
    if filters.grade:
        conditions.append(Q(grade=filters.grade))
    if filters.tag:
        conditions.append(Q(tags__name=filters.tag))
    vehicle_filter = {}
    if filters.make:
        vehicle_filter["make"] = filters.make
    if filters.model:
        vehicle_filter["model_name"] = filters.model
    if filters.service_due_before:
        vehicle_filter["next_maintenance_due__lte"] = filters.service_due_before
    if vehicle_filter:
        owned = Vehicle.objects.filter(
            dealer_id=actor.dealer_id, owner_id=OuterRef("pk"), **vehicle_filter
        )
        conditions.append(Exists(owned))
    return (
        Customer.objects.filter(*conditions).annotate(tag_names=TagNames()).order_by(*NEWEST_FIRST)
    )


class TagNames(Func):
    """The customer's tag names as a JSON list, a column of the customer's own row: a list
    or search is then one query, not one more for the tags (read ``customer.tag_list``).

    Written as SQL rather than as an ORM subquery because compiling that subquery cost
    more than the database's whole work on an exact search. Each link looks its tag up by
    primary key: as a join, PostgreSQL's planner took to hashing the whole tag table for
    every customer once its statistics said a customer has two tags (4× slower)."""

    output_field = JSONField()

    def __init__(self):
        super().__init__(F("pk"))

    def as_sql(self, compiler, connection, aggregate="JSON_GROUP_ARRAY", **extra_context):
        quote = connection.ops.quote_name
        links = quote(Customer.tags.through._meta.db_table)
        tags = quote(Tag._meta.db_table)
        template = (
            f"(SELECT {aggregate}((SELECT t.name FROM {tags} t WHERE t.id = ct.tag_id))"
            f" FROM {links} ct WHERE ct.customer_id = %(expressions)s)"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, aggregate="JSONB_AGG", **extra_context)


def customer_get(*, actor, customer_id) -> Customer:
    return get_for(
        actor, Customer.objects.filter(merged_into=None), customer_id, action=Action.CUSTOMER_VIEW
    )


def customer_detail_get(*, actor, customer_id, include_merged: bool = True) -> Customer:
    """A customer with what its page shows: referrer, tags (in the row), related persons.
    Without ``include_merged`` a record merged into another is not found."""
    customers = (
        Customer.objects.select_related("referrer")
        .annotate(tag_names=TagNames())
        .prefetch_related("related")
    )
    if not include_merged:
        customers = customers.filter(merged_into=None)
    return get_for(actor, customers, customer_id, action=Action.CUSTOMER_VIEW)


def customer_vehicles(*, actor, customer: Customer) -> QuerySet:
    require(actor, Action.VEHICLE_VIEW)
    return Vehicle.objects.filter(dealer_id=customer.dealer_id, owner=customer).order_by("-id")


def customer_consents(*, customer: Customer) -> dict[str, ConsentRecord | None]:
    """The current decision per channel: the newest record counts."""
    latest: dict[str, ConsentRecord | None] = dict.fromkeys(Channel.values)
    for record in customer.consents.order_by("channel", "-id"):
        latest[record.channel] = latest[record.channel] or record
    return latest


def customer_timeline(*, actor, customer: Customer) -> QuerySet:
    """Everything that happened to the customer, newest first — read from the audit trail,
    including the records of customers merged into this one."""
    ids = [customer.pk, *Customer.objects.filter(merged_into=customer).values_list("pk", flat=True)]
    entries = AuditEntry.objects.filter(dealer_id=customer.dealer_id, customer_id__in=ids)
    return entries.select_related("sealed_with").order_by("-id")


def related_person_get(*, customer: Customer, person_id: int) -> RelatedPerson:
    person = customer.related.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    return person


def tag_names(*, actor) -> list[str]:
    return list(scope_to_dealer(actor, Tag.objects.order_by("name")).values_list("name", flat=True))


def customer_counts(*, actor) -> dict[str, int]:
    """The actor's dealer's customers, counted — nothing for a role that may not see them."""
    if not allows(actor, Action.CUSTOMER_VIEW):
        return {}
    return {"customers": scope_to_dealer(actor, Customer.objects.filter(merged_into=None)).count()}


def customer_counts_per_dealer() -> dict:
    """Columns for a dealer query: its active customers, in all and per grade. Counts only,
    never a person (R-SEC-1, R-ANA-3)."""
    customers = Customer.objects.filter(dealer=OuterRef("pk"), merged_into=None, erased_at=None)
    per_grade = {
        f"grade_{grade.lower()}": count_per_dealer(customers.filter(grade=grade))
        for grade in Grade.values
    }
    return {"customers": count_per_dealer(customers), **per_grade}


def import_batch_list(*, actor, limit: int = 20) -> list[ImportBatch]:
    """The dealer's latest imports, without their files and reports."""
    require(actor, Action.CUSTOMER_IMPORT)
    batches = scope_to_dealer(actor, ImportBatch.objects.defer("content", "errors", "notices"))
    return list(batches.order_by("-pk")[:limit])


def import_batch_get(*, actor, batch_id) -> ImportBatch:
    batches = ImportBatch.objects.defer("content")
    return get_for(actor, batches, batch_id, action=Action.CUSTOMER_IMPORT)
