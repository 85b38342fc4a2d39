"""Import of customers with their vehicles from CSV/XLSX (R-CUS-5).

An import is all-or-nothing per file: every row is checked by the same rules as the
forms (``customer_clean``, ``vehicle_clean``); one bad row and nothing is written, and the
batch keeps a row-by-row report to download.
"""

from dealercare.customers.imports.batches import (
    IMPORT_JOB,
    customer_import,
    customer_import_queue,
    customer_import_submit,
    import_batch_run,
    import_batches_run_queued,
    import_report_response,
)
from dealercare.customers.imports.rows import CUSTOMER_KEYS, VEHICLE_KEYS

__all__ = [
    "CUSTOMER_KEYS",
    "IMPORT_JOB",
    "VEHICLE_KEYS",
    "customer_import",
    "customer_import_queue",
    "customer_import_submit",
    "import_batch_run",
    "import_batches_run_queued",
    "import_report_response",
]
