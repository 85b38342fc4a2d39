"""How DealerCare is served in production: ``gunicorn -c gunicorn.conf.py dealercare.wsgi``
(with ``src`` on ``PYTHONPATH`` and ``DEALERCARE_DEBUG`` unset). bench/run.py serves it
the same way."""

import os

bind = os.environ.get("DEALERCARE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DEALERCARE_WORKERS", "2"))
# Sync workers answer a search fastest here: gthread measured ~20 % fewer searches/s
# and twice the p95 (bench/README.md). A sync worker cannot report to the master while
# it streams, so the timeout must cover the longest export: 100,000 customers stream in
# about half a minute.
worker_class = "sync"
timeout = 120
