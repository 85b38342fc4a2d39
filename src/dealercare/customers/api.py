from datetime import date

from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
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
    CustomerUpdateIn,
    Grades,
    MergeIn,
    RelatedPersonIn,
    RelatedPersonOut,
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


@router.get("", response={200: CustomerPageOut, **ERRORS})
def customer_list(request, query: Query[CustomerQuery]):
    filters = filters_from(query)
    customers = selectors.customer_list(actor=request.user, filters=filters)
    return page_body(paginate(customers, page=query.page, size=query.size))


@router.post("", response={201: CustomerOut, **ERRORS})
def customer_create(request, payload: CustomerIn):
    data = services.CustomerInput(**payload.dict())
    return Status(201, services.customer_create(actor=request.user, data=data))


@router.get("/{customer_id}", response={200: CustomerDetailOut, **ERRORS})
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


@router.delete("/{customer_id}/related/{person_id}", response={204: None, **ERRORS})
def related_person_remove(request, customer_id: int, person_id: int):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    person = selectors.related_person_get(customer=customer, person_id=person_id)
    services.related_person_remove(actor=request.user, person=person)
    return Status(204, None)


@router.put("/{customer_id}", response={200: CustomerOut, **ERRORS})
def customer_update(request, customer_id: int, payload: CustomerUpdateIn):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    values = payload.dict()
    version = values.pop("version")
    data = services.CustomerInput(**values)
    return services.customer_update(
        actor=request.user, customer=customer, data=data, version=version
    )


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
def customer_timeline(request, customer_id: int, page: int = 1):
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    entries = selectors.customer_timeline(actor=request.user, customer=customer)
    return page_body(paginate(entries, page=page))
