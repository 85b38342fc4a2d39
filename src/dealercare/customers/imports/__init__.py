"""Import of customers with their vehicles from CSV/XLSX (R-CUS-5).

An import is all-or-nothing per file: every row is checked by the same rules as the
forms (``customer_clean``, ``vehicle_clean``); one bad row and nothing is written, and the
batch keeps a row-by-row report to download.
"""

from dealercare.customers.imports.batches import (
    customer_import,
    customer_import_queue,
    customer_import_submit,
    import_batch_run,
    import_report_response,
    imports_run_queued,
    kick_import_jobs,
)
from dealercare.customers.imports.rows import CUSTOMER_KEYS, VEHICLE_KEYS

__all__ = [
    "CUSTOMER_KEYS",
    "VEHICLE_KEYS",
    "customer_import",
    "customer_import_queue",
    "customer_import_submit",
    "import_batch_run",
    "import_report_response",
    "imports_run_queued",
    "kick_import_jobs",
]
