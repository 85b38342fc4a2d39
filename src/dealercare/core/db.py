"""Database connection set-up that Django leaves to the project."""

import datetime
import functools


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
