from ninja import Router, Schema

from dealercare.analytics.selectors import brand_dealer_summary
from dealercare.core.api_errors import ERRORS

router = Router(tags=["brand"])


class DealerSummaryOut(Schema):
    code: str
    name: str
    city: str
    customers: int
    vehicles: int
    service_due: int
    grade_a: int
    grade_b: int
    grade_c: int
    grade_d: int


@router.get("/dealers", response={200: list[DealerSummaryOut], **ERRORS})
def brand_dealers(request):
    """For the brand's analysts: each dealer's counts, with no personal data."""
    return brand_dealer_summary(actor=request.user)
