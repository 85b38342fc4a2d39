from django.core.management.commands import flush
from django.db import connections

from dealercare.core.db import audit_guard_lifted


class Command(flush.Command):
    """Django's flush, able to empty the append-only audit table too (the test runner
    flushes between transactional tests; PostgreSQL's TRUNCATE fires no row trigger, but
    SQLite's DELETE does)."""

    def handle(self, **options):
        with audit_guard_lifted(connections[options["database"]]):
            super().handle(**options)
