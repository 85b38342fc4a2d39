# DealerCare — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := gettext chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
HOST ?= 127.0.0.1
PORT ?= 8000
# Development commands run in debug mode, which may do without the production keys
# (settings.REQUIRED_KEYS); the test suite brings its own (tests/settings.py).
DEV := DEALERCARE_DEBUG=true

.PHONY: run test lint format system-packages venv messages migrate demo bench bench-data clean

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(VENV)/bin/pip install -q uv
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements.lock
	touch $@

venv: $(VENV)/.installed

system-packages:
	@if ! dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing system packages: $(SYSTEM_PACKAGES)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

messages: venv
	$(DEV) $(PY) manage.py compilemessages -v0 --ignore=.venv

migrate: venv messages
	$(DEV) $(PY) manage.py migrate --noinput -v0

demo: migrate
	$(DEV) $(PY) manage.py load_demo

run: system-packages demo
	@echo "DealerCare on http://$(HOST):$(PORT)/ — log in as advisor@sh01 / dealercare-demo"
	trap 'kill 0' EXIT; \
	$(DEV) $(PY) manage.py run_jobs & \
	$(DEV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: system-packages venv lint messages
	$(DEV) $(PY) manage.py makemigrations --check --dry-run -v0
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n auto

clean:
	rm -rf $(VENV) dealercare.sqlite3 staticfiles test-artifacts

# Benchmarks (not part of the test suite); see bench/README.md.
BENCH_DB ?= postgresql://postgres@127.0.0.1:5432/dealercare_bench
bench-data: venv messages
	DATABASE_URL=$(BENCH_DB) $(PY) bench/generate.py $(BENCH_ARGS)

bench: venv messages
	DATABASE_URL=$(BENCH_DB) $(PY) bench/run.py $(BENCH_ARGS)

# Only the service history (repair orders, lines, approvals) on the customers already there.
.PHONY: bench-service-data
bench-service-data: venv messages
	DATABASE_URL=$(BENCH_DB) $(PY) bench/generate.py --service $(BENCH_ARGS)

# Order search, workshop board, service history and booking (after bench-data).
.PHONY: bench-service
bench-service: venv messages
	DATABASE_URL=$(BENCH_DB) $(PY) bench/service_bench.py $(BENCH_ARGS)

.PHONY: bench-import
bench-import: venv messages
	DATABASE_URL=$(BENCH_DB) $(PY) bench/import_bench.py $(BENCH_ARGS)

# Complaint SLA escalation: 100,000 open complaints on a database of its own.
BENCH_CMP_DB ?= postgresql://postgres@127.0.0.1:5432/dealercare_bench_cmp
.PHONY: bench-complaints
bench-complaints: venv messages
	DATABASE_URL=$(BENCH_CMP_DB) $(PY) bench/complaint_bench.py $(BENCH_ARGS)

.PHONY: bench-outbox
bench-outbox: venv messages
	DATABASE_URL=$(BENCH_DB) $(PY) bench/outbox_bench.py $(BENCH_ARGS)

# Planning one day of reminders for every bench vehicle (after bench-data).
.PHONY: bench-care
bench-care: venv messages
	DATABASE_URL=$(BENCH_DB) $(PY) bench/care_bench.py $(BENCH_ARGS)
