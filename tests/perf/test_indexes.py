"""Every query that a search or list runs can be served by an index.

The endpoints' real SQL is captured and run under EXPLAIN with ``enable_seqscan`` off, so
that even the small test tables tell: PostgreSQL then picks an index whenever one fits,
and a sequential scan of customers or vehicles left in the plan means none does. A full
scan of an index without any index condition is the same thing in disguise and fails too.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.perf.conftest import list_call, search_terms
from tests.perf.test_query_counts import customer_list_calls

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans need PostgreSQL"
)
BIG_TABLES = {"customers_customer", "vehicles_vehicle"}


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def index_info(index_name: str) -> tuple[str, str]:
    """(table, leading column) of an index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, pg_get_indexdef(i.indexrelid, 1, true) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE c.relname = %s",
            [index_name],
        )
        return cursor.fetchone()


def unindexed_scans(sql: str) -> list[str]:
    """Scans of customers or vehicles that no index condition narrows down.

    A sequential scan always counts. An index scan counts when its condition does not
    constrain the index's leading column (a full pass over the index); an ordered scan
    without any condition under a LIMIT is left alone, since on tiny tables the planner
    rightly prefers walking the primary key to find the first rows.
    """
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    limited = " LIMIT " in sql
    found = []
    for node in plan_nodes(plan):
        kind = node["Node Type"]
        if kind == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.append(f"Seq Scan on {node['Relation Name']}")
        if kind not in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
            continue
        table, leading = index_info(node["Index Name"])
        if table not in BIG_TABLES:
            continue
        condition = node.get("Index Cond", "")
        if not condition and limited and kind != "Bitmap Index Scan":
            continue
        if leading not in condition:
            found.append(f"{kind} using {node['Index Name']} without {leading}: {condition}")
    return found


def captured_selects(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]


def endpoint_calls(archive) -> dict[str, object]:
    api, customer, terms = archive.api, archive.customer, search_terms(archive)
    calls = {
        f"customers {name}": (lambda p=params: list_call(api, "/customers", p))
        for name, params in customer_list_calls(archive).items()
    }
    calls |= {
        f"customers {name} page 2": (lambda p=params: list_call(api, "/customers", p | {"page": 2}))
        for name, params in customer_list_calls(archive).items()
    }
    calls |= {
        f"vehicles q={kind}": (lambda q=term: list_call(api, "/vehicles", {"q": q}))
        for kind, term in terms.items()
    }
    calls["vehicles list"] = lambda: api.get("/vehicles")
    calls["customer read"] = lambda: api.get(f"/customers/{customer.pk}")
    calls["customer timeline"] = lambda: api.get(f"/customers/{customer.pk}/timeline")
    return calls


def test_search_and_list_queries_use_indexes(archive):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET enable_seqscan = off")
    try:
        problems = {}
        for name, call in endpoint_calls(archive).items():
            for sql in captured_selects(call):
                scans = unindexed_scans(sql)
                if scans:
                    problems.setdefault(name, []).append((scans, sql))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
