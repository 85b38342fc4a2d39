"""Query expressions the ORM lacks on every database we run on."""

from django.db.models import Aggregate, JSONField


class JSONList(Aggregate):
    """The group's values as one JSON array: ``jsonb_agg`` on PostgreSQL,
    ``json_group_array`` on SQLite. Order is not guaranteed; sort after reading."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)
