"""Reads of the customer archive, always scoped to the acting staff member's dealer."""

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, Func, JSONField, OuterRef, Q, QuerySet
from django.db.models.functions import Right
from django.db.models.lookups import Exact

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.crypto import id_number_index, phone_index
from dealercare.core.errors import NotFound
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Action, require
from dealercare.core.validators import normalize_plate, normalize_vin
from dealercare.customers.models import (
    Channel,
    ConsentRecord,
    Customer,
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
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
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


class ListPaginator(Paginator):
    """Django's paginator, with two savings that keep a list or search call cheap.

    - Page 1 is read first, and when it is not full it is the whole result: no COUNT.
      An exact search (mobile, plate, VIN) so costs one query instead of two.
    - A later page picks its ids first, then fetches those rows, in one query:
      ``WHERE id IN (SELECT id … ORDER BY … LIMIT n OFFSET m)``. The inner select is
      served by a covering index alone, so a deep page skips index entries, not rows.
    """

    def get_page(self, number):
        if str(number).strip() == "1":
            rows = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.__dict__["count"] = len(rows)  # fills the cached_property
            return self._get_page(rows, 1, self)
        return super().get_page(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom == 0:
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


def paginate(queryset: QuerySet, *, page: int, size: int = PAGE_SIZE) -> Page:
    size = max(1, min(size, MAX_PAGE_SIZE))
    return ListPaginator(queryset, size).get_page(page)


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
    return AuditEntry.objects.filter(dealer_id=customer.dealer_id, customer_id__in=ids).order_by(
        "-id"
    )


def related_person_get(*, customer: Customer, person_id: int) -> RelatedPerson:
    person = customer.related.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    return person


def import_batch_list(*, actor, limit: int = 20) -> list[ImportBatch]:
    """The dealer's latest imports, without their files and reports."""
    require(actor, Action.CUSTOMER_IMPORT)
    batches = scope_to_dealer(actor, ImportBatch.objects.defer("content", "errors", "notices"))
    return list(batches.order_by("-pk")[:limit])


def import_batch_get(*, actor, batch_id) -> ImportBatch:
    batches = ImportBatch.objects.defer("content")
    return get_for(actor, batches, batch_id, action=Action.CUSTOMER_IMPORT)
