"""Production start-up (#13 defect 13): no keys, no start; behind a TLS proxy,
``manage.py check --deploy`` has nothing to say. Each runs manage.py in its own process,
with the environment a deployment would give it (and none of the test settings)."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

from dealercare.settings import REQUIRED_KEYS

PROJECT_DIR = Path(__file__).resolve().parents[2]


def random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def production_env(**extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": "sqlite:///:memory:",
        "DEALERCARE_SECRET_KEY": secrets.token_urlsafe(50),
        "DEALERCARE_FIELD_KEYS": f"{random_key()},{random_key()}",
        "DEALERCARE_BLIND_INDEX_KEY": random_key(),
    } | extra


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_behind_a_tls_proxy():
    done = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(DEALERCARE_BEHIND_TLS_PROXY="true"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_refuses_to_start_without_a_key():
    env = production_env()
    del env["DEALERCARE_BLIND_INDEX_KEY"]
    done = manage("check", env=env)
    assert done.returncode != 0
    assert "ImproperlyConfigured: DealerCare will not start without" in done.stderr
    assert "without DEALERCARE_BLIND_INDEX_KEY." in done.stderr


def test_production_refuses_to_start_with_a_malformed_key():
    done = manage("check", env=production_env(DEALERCARE_FIELD_KEYS=f"{random_key()},short"))
    assert done.returncode != 0
    assert "DEALERCARE_FIELD_KEYS must hold base64-encoded 32-byte keys." in done.stderr


def test_debug_mode_starts_without_keys():
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": "sqlite:///:memory:"}
    refused = manage("check", env=env)
    assert f"without {', '.join(REQUIRED_KEYS)}." in refused.stderr
    done = manage("check", env=env | {"DEALERCARE_DEBUG": "true"})
    assert done.returncode == 0, done.stderr
