"""Personal data never travels in a URL, and answers carrying it are never cached (#13
defect 17): a search by mobile or ID number is posted and kept in the session behind a
short token, so access logs, ``hx-push-url`` and the browser history see only the token."""

import re

import pytest

from dealercare.core.roles import Role
from tests.factories import new_customer, new_vehicle

MOBILE = "13812345678"
ID_NUMBER = "11010519491231002X"
URL_ATTRIBUTES = re.compile(r'(?:href|action|src|hx-get|hx-post|hx-push-url)="([^"]*)"')
TOKEN_URL = re.compile(r"^/(customers|vehicles)/\?s=[\w-]{8}$")


def urls_of(response) -> list[str]:
    """Every URL a response hands the browser: links, form targets, pushed history."""
    found = URL_ATTRIBUTES.findall(response.content.decode())
    return found + [response[h] for h in ("Location", "HX-Push-Url") if response.has_header(h)]


def leaks(response, *values) -> list[str]:
    digits = [re.sub(r"\D", "", v) for v in values]
    return [
        url for url in urls_of(response) if any(d and d in re.sub(r"\D", "", url) for d in digits)
    ]


@pytest.fixture
def archive(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    wanted = new_customer(advisor, name="张伟", phone=MOBILE, id_number=ID_NUMBER)
    new_vehicle(advisor, owner=wanted, plate="沪A12345")
    for n in range(24):
        new_customer(advisor, name=f"张{n:02d}")
    return wanted


@pytest.mark.parametrize("term", [MOBILE, "+86 138 1234 5678", ID_NUMBER])
def test_a_live_search_pushes_only_a_token(cast, client_as, archive, term):
    client = client_as(cast.staff_a[Role.ADVISOR])
    answer = client.post("/customers/", {"q": term}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "张伟" in answer.content.decode()
    assert TOKEN_URL.match(answer["HX-Push-Url"])
    assert leaks(answer, MOBILE, ID_NUMBER) == []
    again = client.get(answer["HX-Push-Url"])  # back in history, or the link shared
    assert "张伟" in again.content.decode() and "张00" not in again.content.decode()
    assert f'value="{term}"' in again.content.decode()  # the box still shows it
    assert leaks(again, MOBILE, ID_NUMBER) == []


def test_a_posted_search_redirects_to_its_token_and_pages_carry_it(cast, client_as, archive):
    client = client_as(cast.staff_a[Role.ADVISOR])
    answer = client.post("/customers/", {"q": "张", "grade": ""})
    assert answer.status_code == 302 and TOKEN_URL.match(answer["Location"])
    first = client.get(answer["Location"])
    token = answer["Location"].split("=")[1]
    assert f"?s={token}&amp;page=2" in first.content.decode()
    second = client.get("/customers/", {"s": token, "page": 2})
    assert "共 25 位客户" in second.content.decode() and "第 2 / 2 页" in second.content.decode()
    same = client.post("/customers/", {"q": "张", "grade": ""})
    assert same["Location"] == answer["Location"]  # one token per search, not per request


def test_a_token_means_nothing_in_another_session(cast, client_as, archive):
    pushed = client_as(cast.staff_a[Role.ADVISOR]).post("/customers/", {"q": MOBILE})
    stranger = client_as(cast.staff_a[Role.CSR]).get(pushed["Location"])
    assert stranger.status_code == 200 and "共 25 位客户" in stranger.content.decode()


@pytest.mark.parametrize("term", [MOBILE, "138 1234 5678", ID_NUMBER, "zhang@example.com"])
def test_personal_data_in_a_query_string_is_refused(cast, client_as, archive, term):
    client = client_as(cast.staff_a[Role.ADVISOR])
    for url in ("/customers/", "/vehicles/", f"/customers/{archive.pk}/merge/"):
        answer = client.get(url, {"q": term})
        assert answer.status_code == 422, url
        assert "张伟" not in answer.content.decode()


def test_name_and_plate_searches_may_stay_in_the_url(cast, client_as, archive):
    client = client_as(cast.staff_a[Role.ADVISOR])
    assert "张伟" in client.get("/customers/", {"q": "沪A12345"}).content.decode()
    assert "沪A12345" in client.get("/vehicles/", {"q": "张伟"}).content.decode()


def test_the_vehicle_list_takes_an_owners_mobile_only_by_post(cast, client_as, archive):
    client = client_as(cast.staff_a[Role.ADVISOR])
    answer = client.post("/vehicles/", {"q": MOBILE}, headers={"HX-Request": "true"})
    assert "沪A12345" in answer.content.decode() and TOKEN_URL.match(answer["HX-Push-Url"])
    assert leaks(answer, MOBILE) == []


def test_every_search_form_posts(cast, client_as, archive):
    client = client_as(cast.staff_a[Role.ADVISOR])
    pages = ["/", "/customers/", "/vehicles/", f"/customers/{archive.pk}/merge/"]
    for url in pages:
        html = client.get(url).content.decode()
        forms = re.findall(r'<form[^>]*role="search"[^>]*>', html)
        assert forms and all('method="post"' in f and "hx-get" not in f for f in forms), url
    merge = client.post(f"/customers/{archive.pk}/merge/", {"q": MOBILE})
    assert merge.status_code == 200 and leaks(merge, MOBILE) == []


def test_pages_with_personal_data_are_not_stored(cast, client_as, archive):
    client = client_as(cast.staff_a[Role.MANAGER])
    answers = {
        "list": client.get("/customers/"),
        "detail": client.get(f"/customers/{archive.pk}/"),
        "edit": client.get(f"/customers/{archive.pk}/edit/"),
        "reveal": client.post(f"/customers/{archive.pk}/reveal/phone/"),
        "export": client.post(
            f"/customers/{archive.pk}/export/", {"reason": "customer_request", "format": "json"}
        ),
    }
    assert {name: "no-store" in r["Cache-Control"] for name, r in answers.items()} == dict.fromkeys(
        answers, True
    )


def test_api_searches_by_personal_data_are_posted(cast, api_as, archive):
    api = api_as(cast.staff_a[Role.ADVISOR])
    for term in (MOBILE, ID_NUMBER, "zhang@example.com"):
        for path in ("/customers", "/vehicles", "/customers/export"):
            refused = api.get(path, {"q": term})
            assert refused.status_code == 422, (path, term)
            assert refused.json()["code"] == "personal_data_in_url"
            assert list(refused.json()["fields"]) == ["q"]
    found = api.post("/customers/search", {"q": MOBILE})
    assert [c["id"] for c in found.json()["items"]] == [archive.pk]
    assert api.post("/customers/search", {"q": ID_NUMBER}).json()["count"] == 1
    assert api.post("/customers/search", {"q": "张", "size": 5}).json()["pages"] == 5
    vehicles = api.post("/vehicles/search", {"q": MOBILE}).json()
    assert [v["plate"] for v in vehicles["items"]] == ["沪A12345"]
    assert api.get("/customers", {"q": "沪A12345"}).json()["count"] == 1


def test_api_answers_with_personal_data_are_not_stored(cast, api_as, archive):
    api = api_as(cast.staff_a[Role.MANAGER])
    answers = {
        "list": api.get("/customers"),
        "search": api.post("/customers/search", {"q": MOBILE}),
        "read": api.get(f"/customers/{archive.pk}"),
        "timeline": api.get(f"/customers/{archive.pk}/timeline"),
        "reveal": api.post(f"/customers/{archive.pk}/reveal", {"field": "phone"}),
        "export": api.get(f"/customers/{archive.pk}/export", {"reason": "customer_request"}),
        "export xlsx": api.get(
            f"/customers/{archive.pk}/export", {"reason": "customer_request", "format": "xlsx"}
        ),
        "customers export": api.get("/customers/export", {"format": "csv"}),
    }
    stored = {
        name: (r.status_code, "no-store" in r.get("Cache-Control", ""))
        for name, r in answers.items()
    }
    assert stored == dict.fromkeys(answers, (200, True))
