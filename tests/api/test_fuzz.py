"""Schemathesis against the running API, on SQLite and on PostgreSQL (where a NUL byte in
text is an error), with two seeds: no 5xx, nothing off the schema.

Two checks of `--checks all` are left out, on purpose:
- positive_data_acceptance: rules that OpenAPI cannot say (a VIN's or ID number's check
  digit, an owner that must exist, a date not in the future) rightly turn schema-valid
  input into a 422 with the field named;
- negative_data_rejection: pydantic accepts lax but unambiguous input (0 for false).

Log-out (DELETE /auth/token) is left out too: it would end the token the rest of the run
uses.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dealercare.core.roles import Role
from tests.factories import new_customer, new_vehicle

pytestmark = pytest.mark.django_db(transaction=True)


# After-sales operations: the coverage run is split in two halves along them, so that the
# halves run side by side on two cores.
AFTER_SALES = (
    "/v1/(repair-orders|appointments|service-|receptions|workshop-board|my-jobs|equipment"
    "|fault-codes|roadside-requests|parts|stock-movements|suppliers|follow-ups)"
)


# The coverage phase (boundary and wrongly typed values for every parameter) does not
# depend on the seed and is most of the run's time: it runs once, in two halves; both
# seeds fuzz.
@pytest.mark.parametrize(
    ("seed", "phases", "operations"),
    [
        ("1", "coverage,fuzzing", ["--include-path-regex", AFTER_SALES]),
        ("1", "coverage,fuzzing", ["--exclude-path-regex", AFTER_SALES]),
        ("2", "fuzzing,stateful", []),
    ],
    ids=["after-sales", "archive-and-care", "stateful"],
)
def test_api_survives_schemathesis(cast, api_as, live_server, seed, phases, operations):
    manager = cast.staff_a[Role.MANAGER]
    for n in range(3):
        new_vehicle(manager, owner=new_customer(manager, name=f"模糊{n}"))
    token = api_as(manager).headers["Authorization"]
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            f"{live_server.url}/api/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance,negative_data_rejection",
            "--exclude-operation-id",
            "dealercare_api_token_revoke",
            *operations,
            "--phases",
            phases,
            "--max-examples",
            os.environ.get("FUZZ_EXAMPLES", "10"),
            "--seed",
            seed,
            "--header",
            f"Authorization: {token}",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
