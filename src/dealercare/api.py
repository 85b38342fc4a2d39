"""The JSON API at /api/v1/ (django-ninja). Docs at /api/docs, spec at /api/openapi.json."""

import orjson
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from dealercare.core.errors import BodyTooLarge, DomainError, MalformedBody, UnsupportedMediaType
from dealercare.core.roles import allowed_actions
from dealercare.core.schemas import text
from dealercare.core.services import api_token_issue, api_token_revoke, api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
            request.bearer_token = token  # for DELETE /auth/token
        return user


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
        error = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        }
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


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "request", []).append(err.get("msg", ""))
    body = error_body("invalid_input", _("Some fields are not valid."), fields)
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    body = error_body("not_authenticated", _("A valid bearer token is required."))
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


auth_router = Router(tags=["auth"])


class TokenIn(Schema):
    username: text(150, min_length=1)
    password: text(128, min_length=1)


class TokenOut(Schema):
    token: str


@auth_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def token_create(request, payload: TokenIn):
    return {"token": api_token_issue(request=request, **payload.dict())}


@auth_router.delete("/token", response={204: None, 401: ErrorOut})
def token_revoke(request):
    """Log out: the token this call carries stops working at once."""
    api_token_revoke(request.bearer_token)
    return Status(204, None)


class DealerRefOut(Schema):
    id: int
    code: str
    name: str
    city: str


class MeOut(Schema):
    username: str
    name: str = Field(..., validation_alias="display_name")
    role: str
    role_label: str = Field(..., validation_alias="get_role_display")
    dealer: DealerRefOut | None
    actions: list[str] = Field(..., description="What this role may do, e.g. customer.view")

    @staticmethod
    def resolve_actions(user) -> list[str]:
        return allowed_actions(user)


@auth_router.get("/me", response={200: MeOut, 401: ErrorOut})
def who_am_i(request):
    """The staff member this token belongs to, their dealer and what their role may do:
    what a client needs to greet them and to show only the actions they can take."""
    return request.user


def _register_routers() -> None:
    from dealercare.core.api import router as brand_router
    from dealercare.customers.api import router as customers_router
    from dealercare.customers.import_api import export_router
    from dealercare.customers.import_api import router as imports_router
    from dealercare.customers.privacy_api import router as privacy_router
    from dealercare.vehicles.api import router as vehicles_router

    api.add_router("/v1/auth", auth_router)
    api.add_router("/v1/brand", brand_router)
    api.add_router("/v1/customers", export_router)
    api.add_router("/v1/customers", customers_router)
    api.add_router("/v1/imports", imports_router)
    api.add_router("/v1", privacy_router)
    api.add_router("/v1/vehicles", vehicles_router)


_register_routers()
