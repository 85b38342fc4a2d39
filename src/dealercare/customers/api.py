from datetime import date

from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.http import api_no_store
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import PageNumber, PageSize, SearchText, text
from dealercare.customers import selectors, services
from dealercare.customers.schemas import (
    ConsentIn,
    ConsentOut,
    CustomerDetailOut,
    CustomerIn,
    CustomerOut,
    CustomerPageOut,
    CustomerPatchIn,
    CustomerUpdateIn,
    Grades,
    MergeIn,
    RelatedPersonIn,
    RelatedPersonOut,
    RelatedPersonPatchIn,
    RevealIn,
    RevealOut,
    TimelinePageOut,
)

router = Router(tags=["customers"])


class CustomerQuery(Schema):
    q: SearchText = Field(
        "", description="Name prefix, mobile, ID number, plate, VIN or its last 6"
    )
    grade: Grades = ""
    tag: text(30) = ""
    make: text(50) = ""
    model: text(50) = ""
    service_due_before: date | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


def filters_from(query: CustomerQuery) -> selectors.CustomerFilters:
    return selectors.CustomerFilters(
        q=query.q,
        grade=query.grade,
        tag=query.tag,
        make=query.make,
        model=query.model,
        service_due_before=query.service_due_before,
    )


def url_filters(query: CustomerQuery) -> selectors.CustomerFilters:
    """The filters of a query string, which may not hold personal data."""
    selectors.refuse_personal_data_in_url(query.q)
    return filters_from(query)


def _page(request, query: CustomerQuery, filters: selectors.CustomerFilters) -> dict:
    customers = selectors.customer_list(actor=request.user, filters=filters)
    return page_body(paginate(customers, page=query.page, size=query.size))


@router.get("", response={200: CustomerPageOut, **ERRORS})
@api_no_store
def customer_list(request, query: Query[CustomerQuery]):
    """List and search by name prefix, plate or VIN. A mobile, ID number or e-mail never
    goes in a URL: search by them with POST /customers/search (a GET answers 422
    personal_data_in_url)."""
    return _page(request, query, url_filters(query))


@router.post("/search", response={200: CustomerPageOut, **ERRORS})
@api_no_store
def customer_search(request, payload: CustomerQuery):
    """The list with its filters in the body, for any search term (mobile, ID number…)."""
    return _page(request, payload, filters_from(payload))


@router.post("", response={201: CustomerOut, **ERRORS})
def customer_create(request, payload: CustomerIn):
    data = services.CustomerInput(**payload.dict())
    return Status(201, services.customer_create(actor=request.user, data=data))


@router.get("/{customer_id}", response={200: CustomerDetailOut, **ERRORS})
@api_no_store
def customer_read(request, customer_id: int):
    return selectors.customer_detail_get(
        actor=request.user, customer_id=customer_id, include_merged=False
    )


@router.post("/{customer_id}/related", response={201: RelatedPersonOut, **ERRORS})
def related_person_add(request, customer_id: int, payload: RelatedPersonIn):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    data = services.RelatedPersonInput(**payload.dict())
    return Status(
        201, services.related_person_add(actor=request.user, customer=customer, data=data)
    )


@router.patch("/{customer_id}/related/{person_id}", response={200: RelatedPersonOut, **ERRORS})
def related_person_patch(request, customer_id: int, person_id: int, payload: RelatedPersonPatchIn):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    person = selectors.related_person_get(customer=customer, person_id=person_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.related_person_update(
        actor=request.user, person=person, changes=changes, version=version
    )


@router.delete("/{customer_id}/related/{person_id}", response={204: None, **ERRORS})
def related_person_remove(request, customer_id: int, person_id: int):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    person = selectors.related_person_get(customer=customer, person_id=person_id)
    services.related_person_remove(actor=request.user, person=person)
    return Status(204, None)


def _update(request, customer_id: int, changes: dict):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    version = changes.pop("version")
    return services.customer_update(
        actor=request.user, customer=customer, changes=changes, version=version
    )


@router.put("/{customer_id}", response={200: CustomerOut, **ERRORS})
def customer_update(request, customer_id: int, payload: CustomerUpdateIn):
    """Replace the whole profile (send every field and the version you read)."""
    return _update(request, customer_id, payload.dict())


@router.patch("/{customer_id}", response={200: CustomerOut, **ERRORS})
def customer_patch(request, customer_id: int, payload: CustomerPatchIn):
    """Change only the fields sent; send the version you read (stale → 409)."""
    return _update(request, customer_id, payload.dict(exclude_unset=True))


@router.delete("/{customer_id}", response={204: None, **ERRORS})
def customer_delete(request, customer_id: int):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    services.customer_delete(actor=request.user, customer=customer)
    return Status(204, None)


@router.post("/{customer_id}/merge", response={200: CustomerOut, **ERRORS})
def customer_merge(request, customer_id: int, payload: MergeIn):
    target = selectors.customer_get(actor=request.user, customer_id=customer_id)
    duplicate = selectors.customer_get(actor=request.user, customer_id=payload.duplicate_id)
    return services.customer_merge(actor=request.user, target=target, duplicate=duplicate)


@router.post("/{customer_id}/reveal", response={200: RevealOut, **ERRORS})
@api_no_store
def customer_reveal(request, customer_id: int, payload: RevealIn):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    value = services.customer_reveal(
        actor=request.user, customer=customer, field_name=payload.field
    )
    return {"field": payload.field, "value": value}


@router.post("/{customer_id}/consents", response={201: ConsentOut, **ERRORS})
def consent_record(request, customer_id: int, payload: ConsentIn):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    return Status(
        201, services.consent_record(actor=request.user, customer=customer, **payload.dict())
    )


@router.get("/{customer_id}/timeline", response={200: TimelinePageOut, **ERRORS})
@api_no_store
def customer_timeline(request, customer_id: int, page: int = 1):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    entries = selectors.customer_timeline(actor=request.user, customer=customer)
    return page_body(paginate(entries, page=page))
