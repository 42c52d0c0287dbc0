# The two commands: `make run` (set up and start Plaint on its embedded default) and `make test` (set up and run
# every check). Both create .venv on first use and reuse it after; installs are pinned by requirements/lock.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c requirements/lock.txt

.PHONY: run test lint typecheck pytest setup schema lock bench clean browser vendor-frontend

# Two processes by default (the machines have two cores): each test process has its own test database and queue
# name. `make test PYTEST_ARGS=` runs in one process; `PYTEST_ARGS="-n 0 -x tests/cases"` narrows it.
PYTEST_ARGS ?= -n 2

$(VENV)/.runtime: pyproject.toml requirements/lock.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PIP) -e '.[dev]'
	touch $@

setup: $(VENV)/.runtime
	$(BIN)/plaint migrate --noinput -v0
	$(BIN)/plaint collectstatic --noinput -v0
	$(BIN)/plaint demo load

run: setup
	$(BIN)/plaint run

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.dev
	$(BIN)/mypy

schema: $(VENV)/.dev
	$(BIN)/plaint spectacular --validate --fail-on-warn --file openapi/plaint.yaml

pytest: $(VENV)/.dev browser
	$(BIN)/pytest $(PYTEST_ARGS)

test: $(VENV)/.dev browser
	$(MAKE) --no-print-directory lint typecheck
	PLAINT_DATA_DIR=$(CURDIR)/var/test $(BIN)/plaint makemigrations --check --dry-run
	PLAINT_DATA_DIR=$(CURDIR)/var/test $(BIN)/plaint spectacular --validate --fail-on-warn --file var/test/openapi.yaml
	diff -u openapi/plaint.yaml var/test/openapi.yaml || { echo "openapi/plaint.yaml is out of date: run 'make schema'"; exit 1; }
	PLAINT_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest $(PYTEST_ARGS)

lock:
	$(BIN)/pip freeze --exclude-editable | grep -iv '^plaint' > requirements/lock.txt

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var

# Browser tests drive Debian's chromium (tests/web/browser.py): installed here when missing, as root with apt-get;
# elsewhere Playwright's own browser. A browser that still cannot start fails the browser tests, never skips them.
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || [ -n "$$PLAINT_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	else $(BIN)/playwright install chromium; fi

# Developer-only: fetch GOV.UK Frontend, htmx and axe-core from the npm registry and rebuild the vendored files
# (needs Node and npm; installing Plaint never does). See docs/web.md.
vendor-frontend:
	bash scripts/vendor_frontend.sh
