"""The API's error answers: one shape, ``{"code", "message", "fields"}``, for every error."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dealercare.core.errors import DomainError


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def add_error_handlers(api: NinjaAPI) -> None:
    """Answer the services' errors, bad input, a missing token and ninja's own errors in
    the one shape."""

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [
                str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")
            ]
            fields.setdefault(".".join(loc) or "request", []).append(err.get("msg", ""))
        body = error_body("invalid_input", _("Some fields are not valid."), fields)
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        body = error_body("not_authenticated", _("A valid bearer token is required."))
        return api.create_response(request, body, status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        body = error_body("http_error", str(exc))
        return api.create_response(request, body, status=exc.status_code)
