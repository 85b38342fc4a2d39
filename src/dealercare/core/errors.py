"""One family of application errors. Services raise them; the API and the pages render them.

Each error has a stable ``code`` (tests and clients match on it), an HTTP status, a
translatable message and, where input was wrong, the fields with their reasons.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, fields: dict[str, list[str]] | None = None, code=None):
        self.message = message or self.default_message
        self.fields = fields or {}
        if code:
            self.code = code
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in self.fields.items()},
        }


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("Your role does not allow this action.")


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    default_message = _("Some fields are not valid.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("This status change is not allowed.")


class StaleVersion(DomainError):
    code = "stale_version"
    status = 409
    default_message = _(
        "Someone else changed this record after you opened it. Reload and apply your change again."
    )


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with an existing record.")


class BusinessRuleViolation(DomainError):
    code = "business_rule"
    status = 409


class MalformedBody(DomainError):
    code = "malformed_body"
    status = 400
    default_message = _("The request body could not be read.")


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415
    default_message = _(
        "Send JSON (application/json) or a file upload (multipart/form-data) in UTF-8."
    )


class BodyTooLarge(DomainError):
    code = "body_too_large"
    status = 413
    default_message = _("The request body is too large.")
