"""Database connection set-up that Django leaves to the project."""

import datetime
import functools
from contextlib import contextmanager


@functools.cache
def _compiled_utc_loader():
    import psycopg
    from psycopg.types.datetime import TimestamptzLoader

    compiled = psycopg.adapters._get_optimised(TimestamptzLoader)
    if compiled is TimestamptzLoader:  # psycopg without its C extension
        return None

    class CompiledUTCLoader(TimestamptzLoader):
        timezone = datetime.UTC  # what Django compares with the connection's time zone

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self.compiled_load = compiled(oid, context).load

        def load(self, data):
            return self.compiled_load(data).replace(tzinfo=self.timezone)

    return CompiledUTCLoader


def use_compiled_timestamp_loader(sender, connection, **kwargs):
    """Read ``timestamptz`` columns with psycopg's compiled loader.

    Django's psycopg 3 backend registers a loader derived from psycopg's pure-Python one
    (Django ticket #36960), which parses every created/updated time in Python: a tenth of
    the CPU of a page of 20 customers. The compiled class is final and cannot be derived
    from, so this loader keeps the ``timezone`` attribute Django checks and hands the
    parsing to it. Only for connections in UTC, Django's own setting with ``USE_TZ`` and
    no database ``TIME_ZONE``: there the compiled loader gives the same aware datetimes.
    """
    if connection.vendor != "postgresql" or connection.timezone_name != "UTC":
        return
    loader = _compiled_utc_loader()
    if loader is not None:
        connection.connection.adapters.register_loader("timestamptz", loader)


AUDIT_TABLE = "core_auditentry"
SQLITE_AUDIT_TRIGGERS = {
    "audit_no_update": "UPDATE",
    "audit_no_delete": "DELETE",
}


def sqlite_audit_triggers_create(cursor) -> None:
    """The append-only guard on SQLite (PostgreSQL's is migration 0002's function)."""
    for name, operation in SQLITE_AUDIT_TRIGGERS.items():
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {AUDIT_TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
        )


def sqlite_audit_triggers_drop(cursor) -> None:
    for name in SQLITE_AUDIT_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _sqlite_guarded(cursor) -> bool:
    names = ", ".join(f"'{name}'" for name in SQLITE_AUDIT_TRIGGERS)
    cursor.execute(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})"
    )
    return cursor.fetchone()[0] > 0


@contextmanager
def audit_guard_lifted(connection):
    """Let the owner of the schema rewrite or empty the audit table: a migration that
    re-hashes the chain, the test runner's flush. Never for application code."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER audit_no_change")
        guarded = connection.vendor == "sqlite" and _sqlite_guarded(cursor)
        if guarded:
            sqlite_audit_triggers_drop(cursor)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER audit_no_change")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if guarded:
                sqlite_audit_triggers_create(cursor)
