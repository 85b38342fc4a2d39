"""The JSON API at /api/v1/ (django-ninja). Docs at /api/docs, spec at /api/openapi.json.

This module only assembles the API: each app's router is its own, and no router imports
this module (the error shapes live in dealercare.core.api_errors).
"""

import orjson
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from dealercare.analytics.api import router as brand_router
from dealercare.care.api import router as care_router
from dealercare.complaints.api import router as complaints_router
from dealercare.core.api import BearerToken
from dealercare.core.api import router as auth_router
from dealercare.core.api_errors import add_error_handlers
from dealercare.core.errors import BodyTooLarge, MalformedBody, UnsupportedMediaType
from dealercare.customers.api import router as customers_router
from dealercare.customers.import_api import export_router
from dealercare.customers.import_api import router as imports_router
from dealercare.customers.privacy_api import router as privacy_router
from dealercare.parts.api import router as parts_router
from dealercare.service.api import router as service_router
from dealercare.surveys.api import router as surveys_router
from dealercare.vehicles.api import router as vehicles_router


class OrjsonRenderer(BaseRenderer):
    """JSON by orjson: an order of magnitude quicker than json.dumps on a page of
    customers, and Chinese text goes out as UTF-8 rather than \\u escapes."""

    media_type = "application/json"
    fallback = NinjaJSONEncoder().default  # lazy translations, Decimal

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=self.fallback)


class DealerCareAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Every operation that takes a body may also meet the body guard's answers
        (dealercare.core.middleware): say so, so that clients and schemathesis know."""
        schema = super().get_openapi_schema(**kwargs)
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        error = {"content": {"application/json": {"schema": ref}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "requestBody" in operation:
                    for exc in (MalformedBody, BodyTooLarge, UnsupportedMediaType):
                        operation["responses"].setdefault(
                            exc.status, {"description": str(exc.default_message), **error}
                        )
        return schema


api = DealerCareAPI(
    title="DealerCare API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    renderer=OrjsonRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
add_error_handlers(api)

api.add_router("/v1/auth", auth_router)
api.add_router("/v1/brand", brand_router)
api.add_router("/v1/customers", export_router)
api.add_router("/v1/customers", customers_router)
api.add_router("/v1/imports", imports_router)
api.add_router("/v1", privacy_router)
api.add_router("/v1/vehicles", vehicles_router)
api.add_router("/v1", service_router)
api.add_router("/v1", parts_router)
api.add_router("/v1", complaints_router)
api.add_router("/v1", surveys_router)
api.add_router("/v1", care_router)
