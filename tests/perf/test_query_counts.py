"""No N+1: the list, search and customer-page endpoints run a fixed number of queries,
whatever the page size (the bearer-token lookup included).

The numbers are exact: a first page that is not full is the whole result, so its COUNT is
skipped (core.pagination.ListPaginator) and such a call runs one query less."""

import pytest

from dealercare.core.pagination import PAGE_SIZE
from dealercare.core.roles import Role
from tests.conftest import ApiClient
from tests.perf.conftest import list_call, search_terms

# token + COUNT + page (tag names in the customer's row)
CUSTOMER_LIST_QUERIES = 3
# token + COUNT + page (owner joined)
VEHICLE_LIST_QUERIES = 3
# token + customer (tag names in its row) + related persons
CUSTOMER_READ_QUERIES = 3
# token + customer + merged ids + COUNT + page
TIMELINE_QUERIES = 5


def customer_list_calls(archive) -> dict[str, dict]:
    calls = {"list": {}, "grade filter": {"grade": "C"}, "tag filter": {"tag": "VIP"}}
    calls["vehicle filters"] = {"make": "星途", "service_due_before": "2100-01-01"}
    calls |= {f"search {kind}": {"q": term} for kind, term in search_terms(archive).items()}
    return calls


def count_queries(django_assert_max_num_queries, limit, call, size=PAGE_SIZE) -> int:
    """Run ``call`` and check it ran ``limit`` queries, one less when page 1 held all."""
    with django_assert_max_num_queries(limit) as captured:
        response = call()
    assert response.status_code == 200, response.content
    used = len(captured.captured_queries)
    body = response.json()
    whole_result_on_page_one = isinstance(body, dict) and body.get("count", size) < size
    assert used == limit - whole_result_on_page_one, [q["sql"] for q in captured]
    return used


@pytest.mark.parametrize("size", [1, 50])
def test_customer_list_and_search(archive, django_assert_max_num_queries, size):
    for params in customer_list_calls(archive).values():
        count_queries(
            django_assert_max_num_queries,
            CUSTOMER_LIST_QUERIES,
            lambda params=params: list_call(archive.api, "/customers", params | {"size": size}),
            size,
        )


def test_page_size_does_not_change_the_query_count(archive, django_assert_max_num_queries):
    def run(size):
        response = archive.api.get("/customers", {"size": size})
        assert len(response.json()["items"]) == min(size, 60)
        return response

    small = count_queries(django_assert_max_num_queries, CUSTOMER_LIST_QUERIES, lambda: run(1), 1)
    large = count_queries(django_assert_max_num_queries, CUSTOMER_LIST_QUERIES, lambda: run(50), 50)
    assert small == large


@pytest.mark.parametrize("size", [1, 50])
def test_vehicle_list_and_search(archive, django_assert_max_num_queries, size):
    terms = search_terms(archive)
    for params in ({}, {"q": terms["plate"]}, {"q": terms["phone"]}, {"q": terms["surname"]}):
        count_queries(
            django_assert_max_num_queries,
            VEHICLE_LIST_QUERIES,
            lambda params=params: list_call(archive.api, "/vehicles", params | {"size": size}),
            size,
        )


def test_customer_page(archive, django_assert_max_num_queries):
    customer, api = archive.customer, archive.api
    count_queries(
        django_assert_max_num_queries,
        CUSTOMER_READ_QUERIES,
        lambda: api.get(f"/customers/{customer.pk}"),
    )
    # the customer's vehicles: token + COUNT + page
    count_queries(
        django_assert_max_num_queries,
        VEHICLE_LIST_QUERIES,
        lambda: api.get("/vehicles", {"q": archive.vehicle.plate}),
    )
    count_queries(
        django_assert_max_num_queries,
        TIMELINE_QUERIES,
        lambda: api.get(f"/customers/{customer.pk}/timeline"),
    )


def test_token_lookup_is_one_query_with_the_dealer(cast, django_assert_num_queries):
    from dealercare.core.services import api_token_user

    api = ApiClient(cast.staff_a[Role.ADVISOR])
    raw = api.headers["Authorization"].removeprefix("Bearer ")
    with django_assert_num_queries(1):
        user = api_token_user(raw)
        assert user.dealer.code == cast.dealer_a.code
    assert api_token_user("not-a-token") is None
    oem = ApiClient(cast.oem).headers["Authorization"].removeprefix("Bearer ")
    assert api_token_user(oem).dealer is None
