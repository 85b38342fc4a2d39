import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psycopg's loaders: PostgreSQL only"
)


@pytest.mark.django_db
def test_timestamps_are_read_by_the_compiled_loader_and_stay_the_same_instant():
    shanghai_morning = datetime.datetime(
        2026, 3, 1, 8, 0, 30, 123456, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, NULL::timestamptz", [shanghai_morning])
        value, missing = cursor.fetchone()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text
    assert loader.__name__ == "CompiledUTCLoader"
    assert value == shanghai_morning and value.tzinfo is datetime.UTC
    assert value.hour == 0 and value.microsecond == 123456 and missing is None
