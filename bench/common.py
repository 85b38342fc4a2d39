"""Shared set-up for the bench scripts: Django on the bench database, results folder."""

import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/dealercare_bench"
PASSWORD = "dealercare-demo"  # the demo accounts' password (see load_demo)
BRAND_CODE = "xt"
# The bench database holds generated people only. Its keys are fixed (the ones the debug
# fallback derives, so a database filled before the keys were required still reads); the
# settings refuse to start without keys outside debug mode, and the bench measures the
# production settings. Never use these keys for real data.
BENCH_KEYS = {
    "DEALERCARE_SECRET_KEY": "dev-only-insecure-key-change-me-in-production",
    "DEALERCARE_FIELD_KEYS": "vGrLkrINKHON0sGa0QRG-PwX2E5DKBv5v2HBr18_oTY=",
    "DEALERCARE_BLIND_INDEX_KEY": "e3RNDT8zdxV_xeIDKyiHS0okmiY40LclSzVlReDdxXQ=",
}
for _name, _value in BENCH_KEYS.items():
    os.environ.setdefault(_name, _value)


def database_url() -> str:
    return os.environ.setdefault("DATABASE_URL", DEFAULT_DB)


def django_setup() -> None:
    database_url()
    src = str(PROJECT_DIR / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealercare.settings")
    import django

    django.setup()


def database_name() -> str:
    return urlparse(database_url()).path.lstrip("/")


def admin_dsn() -> str:
    """The same server, database ``postgres``: to drop and create the bench database."""
    return urlparse(database_url())._replace(path="/postgres").geturl()


def write_result(name: str, data: dict, markdown: str | None = None) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    path.write_text(body)
    (RESULTS_DIR / f"{name}-latest.json").write_text(body)
    if markdown is not None:
        (RESULTS_DIR / f"{name}-{stamp}.md").write_text(markdown)
        (RESULTS_DIR / f"{name}-latest.md").write_text(markdown)
    return path


def wipe_dealer(dealer_id: int, *, drop: bool = False) -> None:
    """Delete one dealer's rows from every table (bench data only), e.g. a fill that was
    interrupted. ``drop`` removes the dealer and its staff accounts too.

    The session runs as a replica so that the audit trail's append-only trigger (and the
    foreign-key triggers: every table is emptied of the dealer anyway) stay out of the way.
    """
    from django.apps import apps
    from django.db import connection, transaction

    from dealercare.core.models import ApiToken, Dealer, User

    def owned(model) -> bool:
        field = next((f for f in model._meta.concrete_fields if f.name == "dealer"), None)
        return field is not None and field.related_model is Dealer

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for model in apps.get_models():
            if not owned(model):
                continue
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through
                column = m2m.m2m_column_name()
                cursor.execute(
                    f"DELETE FROM {through._meta.db_table} WHERE {column} IN "
                    f"(SELECT id FROM {model._meta.db_table} WHERE dealer_id = %s)",
                    [dealer_id],
                )
        for model in apps.get_models():
            if owned(model) and (drop or model is not User):
                if model is User:
                    cursor.execute(
                        f"DELETE FROM {ApiToken._meta.db_table} WHERE user_id IN "
                        f"(SELECT id FROM {User._meta.db_table} WHERE dealer_id = %s)",
                        [dealer_id],
                    )
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE dealer_id = %s", [dealer_id]
                )
        if drop:
            cursor.execute(f"DELETE FROM {Dealer._meta.db_table} WHERE id = %s", [dealer_id])
