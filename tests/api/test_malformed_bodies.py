"""Defect 3: every malformed, undecodable or wrongly typed body gets a 4xx in the API's
JSON error shape, never a 5xx or an HTML page."""

import pytest
from django.test import override_settings

from dealercare.core.roles import Role
from dealercare.customers.models import Customer, ImportBatch

TOKEN = "/api/v1/auth/token"
IMPORTS = "/api/v1/imports"
PART = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx\r\n--b--\r\n'


@pytest.fixture
def send(cast, api_as):
    api = api_as(cast.staff_a[Role.MANAGER])

    def send(path, body, content_type):
        return api.client.generic(
            "POST", path, body, content_type=content_type, headers=api.headers
        )

    return send


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"] and body["fields"] == {}


@pytest.mark.parametrize("path", [TOKEN, IMPORTS])
def test_multipart_without_boundary_is_a_400(send, path):
    assert_error(send(path, b"xx", "multipart/form-data"), 400, "malformed_body")
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("path", [TOKEN, IMPORTS, "/api/v1/customers"])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"username": "a", ', "application/json"),
        ('{"username": "王"}'.encode("gbk"), "application/json"),
        (b"[" * 100_000, "application/json"),
        (b'{"name": ' + b"9" * 5000 + b"}", "application/json"),
        (PART, "multipart/form-data; boundary=\u738b"),
        (b"--b\r\n" * 2000, "multipart/form-data; boundary=" + "b" * 71),
    ],
    ids=[
        "truncated-json",
        "gbk-bytes",
        "nested-100k",
        "huge-int",
        "non-ascii-boundary",
        "long-boundary",
    ],
)
def test_bodies_that_do_not_parse_are_a_400(send, path, body, content_type):
    assert_error(send(path, body, content_type), 400, "malformed_body")


@pytest.mark.parametrize("path", [TOKEN, IMPORTS])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"username": "a"}', "application/json; charset=latin-9x"),
        (b'{"username": "a"}', "application/json; charset=gbk"),
        (PART, "multipart/form-data; boundary=b; charset=nope"),
        (b"username=a&password=b", "application/x-www-form-urlencoded"),
        (b"hello", "text/plain"),
        (b"<a/>", "application/xml"),
    ],
)
def test_media_types_and_charsets_the_api_does_not_speak_are_a_415(send, path, body, content_type):
    assert_error(send(path, body, content_type), 415, "unsupported_media_type")


@override_settings(REQUEST_MAX_BODY_BYTES=1000)
@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        (TOKEN, b'{"username": "' + b"a" * 1000 + b'"}', "application/json"),
        (
            IMPORTS,
            PART.replace(b"\r\nx\r\n", b"\r\n" + b"x" * 1000 + b"\r\n"),
            "multipart/form-data; boundary=b",
        ),
    ],
)
def test_bodies_past_the_limit_are_a_413(send, path, body, content_type):
    assert_error(send(path, body, content_type), 413, "body_too_large")
    assert not ImportBatch.objects.exists()


def test_a_wrongly_typed_body_is_a_422_naming_the_field(send):
    response = send(
        "/api/v1/customers", b'{"name": 1, "phone": ["13812345678"]}', "application/json"
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"name", "phone"}
    assert not Customer.objects.exists()


def test_a_good_upload_still_imports(send):
    response = send(IMPORTS, PART, "multipart/form-data; boundary=b")
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_the_errors_are_in_the_users_language(cast, api_as):
    api = api_as(cast.staff_a[Role.MANAGER])
    response = api.client.generic(
        "POST", TOKEN, b"{", content_type="application/json", headers={"Accept-Language": "zh-hans"}
    )
    assert response.json()["message"] == "无法读取请求内容。"


def test_the_schema_documents_the_body_answers(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, method in [("/api/v1/auth/token", "post"), ("/api/v1/imports", "post")]:
        assert {"400", "413", "415", "422"} <= set(paths[path][method]["responses"])
    assert "415" not in paths["/api/v1/customers"]["get"]["responses"]
