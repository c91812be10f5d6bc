# exgen — the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FLAGSHIP := scenarios/adriatic-shield/exercise.yaml

.PHONY: install lint test demo bench golden docs clean

# ajv (JSON Schema 2020-12, strict mode) for tests/check/test_schemas_ajv.py; git-ignored.
AJV_DIR := tests/.node
# Microsoft's SARIF multitool (a self-contained binary on Linux) for tests/cli/test_sarif.py; a prefix
# of its own, so installing it and ajv with --no-save never prunes the other. Git-ignored.
SARIF_DIR := tests/.node/sarif

$(STAMP): pyproject.toml
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the EXCON console browser test (tests/render/test_console.py)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	    echo "Note: the EXCON console browser test needs Debian's chromium (sudo apt-get install -y chromium);" >&2; \
	    echo "      without it tests/render/test_console.py is skipped." >&2; \
	fi
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Node.js and npm for the ajv strict-mode schema test (tests/check/test_schemas_ajv.py)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else \
	    echo "Note: the ajv schema test needs Node.js and npm (sudo apt-get install -y nodejs npm);" >&2; \
	    echo "      without them tests/check/test_schemas_ajv.py is skipped." >&2; \
	fi
	@if [ -d $(AJV_DIR)/node_modules/ajv ] && [ -d $(AJV_DIR)/node_modules/ajv-formats ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	    echo "Installing ajv and ajv-formats into $(AJV_DIR) for the schema strict-mode test"; \
	    npm install -s --no-save --no-audit --no-fund --prefix $(AJV_DIR) ajv@8.20.0 ajv-formats@3.0.1 >/dev/null \
	    || echo "Note: could not install ajv from npm; tests/check/test_schemas_ajv.py will fail until it is installed" >&2; \
	fi
	@if [ -d $(SARIF_DIR)/node_modules/@microsoft/sarif-multitool ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	    echo "Installing Microsoft's SARIF multitool into $(SARIF_DIR) for the SARIF report test"; \
	    npm install -s --no-save --no-audit --no-fund --prefix $(SARIF_DIR) @microsoft/sarif-multitool@5.7.0 >/dev/null \
	    || echo "Note: could not install the SARIF multitool; tests/cli/test_sarif.py skips its check" >&2; \
	fi
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || (echo "python3 with venv is required" && exit 1)
	$(PYTHON) -m venv $(VENV) || (apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV))
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,lint]'
	@touch $(STAMP)

install: $(STAMP)

# ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade, simplify), mypy --strict, and the stage
# boundaries of pyproject.toml's import-linter contracts. Part of make test, so CI fails on any.
lint: $(STAMP)
	$(VENV)/bin/ruff check exgen tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest -q

demo: $(STAMP)
	$(VENV)/bin/exgen validate $(FLAGSHIP)
	$(VENV)/bin/exgen build $(FLAGSHIP) -o build/adriatic-shield
	$(VENV)/bin/exgen aar build/adriatic-shield --record scenarios/adriatic-shield/aar/events.jsonl \
	    --workbook scenarios/adriatic-shield/aar/evaluation-workbook.xlsx -o build/adriatic-shield-aar --force
	@echo "Open build/adriatic-shield/index.html (the package) and build/adriatic-shield-aar/index.html (its AAR)"

# Regenerate the golden files from the current templates; review the diff like code.
golden: $(STAMP)
	EXGEN_UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_pipeline.py -k golden
	git diff --stat tests/golden

# Regenerate the definition format reference from the JSON Schemas (tests fail when it is stale).
docs: $(STAMP)
	$(PY) -m exgen.cli.reference > docs/reference.md
	$(PY) -m exgen.cli.codes docs/diagnostics.md > exgen/data/diagnostic_codes.json

# Time validate/build at 100, 1,000 and 10,000 injects against check-jsonschema (its own venv,
# so it never touches exgen's). Prints figures and PASS/MISS per target; never fails on them.
# Pass options with BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 100,1000 --runs 3".
# Then the live server (exgen serve): 50 SSE listeners, 20 writes/s for 60 s on a 10,000-inject
# package; options with SERVE_BENCH_ARGS, e.g. SERVE_BENCH_ARGS="--seconds 10". Then the import of a
# 10,000-row MEL/MIL workbook against validating its definition (IMPORT_BENCH_ARGS="--runs 1").
BENCH_VENV := benchmarks/.venv-bench
bench: $(STAMP)
	@test -x $(BENCH_VENV)/bin/check-jsonschema || { $(PYTHON) -m venv $(BENCH_VENV) \
	    && $(BENCH_VENV)/bin/python -m pip install -q check-jsonschema==0.39.0; }
	$(PY) benchmarks/run.py --exgen $(VENV)/bin/exgen \
	    --check-jsonschema $(BENCH_VENV)/bin/check-jsonschema $(BENCH_ARGS)
	$(PY) benchmarks/serve_load.py --exgen $(VENV)/bin/exgen $(SERVE_BENCH_ARGS)
	$(PY) benchmarks/import_bench.py --exgen $(VENV)/bin/exgen $(IMPORT_BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
