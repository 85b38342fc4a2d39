"""Settings for the test suite: production settings (debug off) with fixed keys.

The keys are set in the environment before the settings load, as a deployment sets them;
processes the tests start (a server, a worker) inherit them. They protect made-up people
only: never use them for real data.
"""

import os

TEST_KEYS = {
    "DEALERCARE_SECRET_KEY": "test-only-secret-key-3f9c1e7a52b84d06a1c9e2f7b8d4a6c0e5f1",
    "DEALERCARE_FIELD_KEYS": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTE=",
    "DEALERCARE_BLIND_INDEX_KEY": "dGVzdC1vbmx5LWJsaW5kLWluZGV4LWtleS0wMDAwMDE=",
}
for _name, _value in TEST_KEYS.items():
    os.environ.setdefault(_name, _value)

from dealercare.settings import *  # noqa: E402, F403
