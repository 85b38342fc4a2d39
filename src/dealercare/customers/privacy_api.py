import io
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Router, Schema

from dealercare.core.api_errors import ERRORS
from dealercare.core.downloads import XLSX_TYPE, as_attachment
from dealercare.core.http import api_no_store
from dealercare.core.schemas import file_response, text
from dealercare.customers import quality, selectors
from dealercare.customers.schemas import CustomerOut
from dealercare.customers.services import privacy
from dealercare.customers.spreadsheets import personal_data_xlsx

router = Router(tags=["personal data"])


ExportReasons = Literal[tuple(dict(privacy.ExportReason.CHOICES))]


@router.get(
    "/customers/{customer_id}/export",
    response={200: dict, **ERRORS},
    openapi_extra=file_response(XLSX_TYPE, description="The person's data"),
)
@api_no_store
def customer_data_export(
    request, customer_id: int, reason: ExportReasons, format: Literal["json", "xlsx"] = "json"
):
    """Everything held about one person (PIPL), as JSON or XLSX. Audit-logged with the reason:
    customer_request, authority_request or internal_review."""
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    data = privacy.customer_data_export(actor=request.user, customer=customer, reason=reason)
    if format != "xlsx":
        return data
    buffer = io.BytesIO()
    personal_data_xlsx(data, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return as_attachment(response, f"customer-{customer_id}.xlsx")


class EraseIn(Schema):
    confirm_name: text(200) = Field("", description="The customer's current full name")


@router.post("/customers/{customer_id}/erase", response={200: CustomerOut, **ERRORS})
def customer_erase(request, customer_id: int, payload: EraseIn):
    """Anonymise the person irreversibly. Confirm with {"confirm_name": "<current full name>"};
    a second erasure answers 409 already_erased."""
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    return privacy.customer_erase(
        actor=request.user, customer=customer, confirm_name=payload.confirm_name
    )


class QualityCountOut(Schema):
    key: str
    title: str
    count: int

    @staticmethod
    def resolve_title(obj):
        return str(obj.title)


@router.get("/data-quality", response={200: list[QualityCountOut], **ERRORS})
def data_quality(request):
    return quality.data_quality_report(actor=request.user)
