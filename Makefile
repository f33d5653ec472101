# The two commands a new machine needs: `make run` and `make test`. Everything else is installed here.
export UV_PYTHON_DOWNLOADS := never
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
DEV_ENV := HIENMAU_DEBUG=1

.PHONY: install run serve-prod test libreoffice check lint typecheck test-postgres test-sqlite bench bench-load clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	uv sync --frozen
	@touch $@

run: install
	@scripts/ensure-system-packages run
	@mkdir -p var
	$(DEV_ENV) $(BIN)/hienmau migrate --noinput
	$(DEV_ENV) $(BIN)/hienmau units import --reference
	$(DEV_ENV) $(BIN)/hienmau demo
	@echo ""
	@echo "hienmau: http://127.0.0.1:8000  (đăng nhập: admin / hienmau-admin; các tài khoản khác in ở trên)"
	@# The background worker (large imports) runs beside the dev server and stops with it.
	$(DEV_ENV) $(BIN)/hienmau db_worker --no-reload --interval 1 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/hienmau runserver 127.0.0.1:8000

# The production stack locally: gunicorn with deploy/gunicorn.conf.py, static files collected and served by
# WhiteNoise, DEBUG off, plain HTTP on loopback (HIENMAU_HTTPS=0 unless set). Needs DATABASE_URL (PostgreSQL) and HIENMAU_SECRET_KEY, as production does.
# The background worker is started beside gunicorn, as deploy/systemd/hienmau-worker.service does.
serve-prod: install
	@test -n "$$DATABASE_URL" || { echo "serve-prod: đặt DATABASE_URL (PostgreSQL), ví dụ postgres://postgres@127.0.0.1:5432/hienmau" >&2; exit 2; }
	@test -n "$$HIENMAU_SECRET_KEY" || { echo "serve-prod: đặt HIENMAU_SECRET_KEY" >&2; exit 2; }
	$(BIN)/hienmau migrate --noinput
	$(BIN)/hienmau collectstatic --noinput
	$(BIN)/hienmau db_worker --no-reload --interval 1 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	HIENMAU_HTTPS=$${HIENMAU_HTTPS:-0} $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# Uses DATABASE_URL when set (CI: the PostgreSQL server on 127.0.0.1:5432), SQLite otherwise. One pytest-xdist
# worker per core (at most 4), each with its own test database and var folder (tests/settings.py); a test
# file stays on one worker. PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= auto
test: install
	@scripts/ensure-system-packages
	$(BIN)/pytest --numprocesses=$(PYTEST_WORKERS) --maxprocesses=4 --dist=loadfile $(PYTEST_ARGS)

# LibreOffice headless, to read .doc/.odt/.ods appendices: `make test` installs it; `make run` only when asked
# for here or with HIENMAU_LIBREOFFICE=1.
libreoffice:
	@scripts/ensure-system-packages libreoffice

# What CI runs before the SQLite pass: lint and format, mypy against its shrinking baseline, then the whole
# suite with coverage (the figure is printed; below [tool.coverage.report] fail_under the run fails).
check: lint typecheck
	$(MAKE) test PYTEST_ARGS="--cov --cov-report=term $(PYTEST_ARGS)"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	scripts/mypy-baseline

test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/hienmau $(MAKE) test

test-sqlite:
	env -u DATABASE_URL $(MAKE) test

# Every benchmark the issues name, in order (bench/all.py): unit search and scope, the donor registry (search,
# eligibility, a 10.000-line registrant list, a 100.000-row history import with its peak memory) and standby
# matching over 200.000 donors, appendices of 400 and 10.000 rows in every format, the achievement roll-ups on
# `hienmau bench seed --scale province`, and a drive day under HTTP load for LOAD_SECONDS (60); then the summary
# table at the top of docs/benchmarks.md (each figure, its target, its ratio to plain SQL, load average).
# PostgreSQL when DATABASE_URL is set (on SQLite the PostgreSQL-only benches are skipped, each with a line);
# BENCH_SCALE=national for 1.000.000 donors and the national dataset.
bench: install
	$(BIN)/python -m bench all $(or $(BENCH_SCALE),province)

# A drive day under load (bench/load.py): gunicorn + PostgreSQL on loopback, locust for LOAD_SECONDS (60),
# p50/p95/max and errors per endpoint written into docs/benchmarks.md (also the last step of `make bench`).
# Needs DATABASE_URL (PostgreSQL).
bench-load: install
	@test -n "$$DATABASE_URL" || { echo "bench-load: đặt DATABASE_URL (PostgreSQL)" >&2; exit 2; }
	$(BIN)/python -m bench load $(or $(LOAD_SECONDS),60) --write

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
