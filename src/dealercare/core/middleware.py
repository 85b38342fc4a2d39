"""Every body sent to the API is checked before a view sees it.

Django and django-ninja answer some broken bodies with an HTML page or an exception
(a multipart body without a boundary reaches the upload parser as an error). Checking
here gives every route the same answers in the API's JSON error shape: too large → 413,
a media type or charset the API does not speak → 415, a body that does not parse → 400.
Wrongly typed values in a well-formed body are left to the schemas (422).
"""

import codecs
import json

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError

from dealercare.core.errors import BodyTooLarge, DomainError, MalformedBody, UnsupportedMediaType

API_PREFIX = "/api/"
JSON = "application/json"
MULTIPART = "multipart/form-data"


def api_body_guard(get_response):
    def middleware(request):
        if request.path.startswith(API_PREFIX):
            try:
                check_body(request)
            except DomainError as exc:
                return JsonResponse(
                    exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False}
                )
        return get_response(request)

    return middleware


def check_body(request) -> None:
    length = _content_length(request)
    if not length:
        return
    if length > settings.REQUEST_MAX_BODY_BYTES:
        raise BodyTooLarge()
    if request.content_type not in (JSON, MULTIPART):
        raise UnsupportedMediaType()
    charset = request.content_params.get("charset")
    if charset is not None and _codec(charset) != "utf-8":
        raise UnsupportedMediaType()
    try:
        if request.content_type == JSON:
            json.loads(request.body.decode())
        else:
            request.FILES  # noqa: B018 -- parses the upload once; Django keeps the result
    except RequestDataTooBig:
        raise BodyTooLarge() from None
    except (
        ValueError,  # bad JSON, bad UTF-8
        RecursionError,  # JSON nested past the parser's depth
        MultiPartParserError,  # no or bad boundary, broken parts
        BadRequest,
        SuspiciousOperation,  # too many fields or files
    ):
        raise MalformedBody() from None


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise MalformedBody() from None


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
