# exgen — the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FLAGSHIP := scenarios/adriatic-shield/exercise.yaml

.PHONY: install lint test demo bench golden docs clean

# System libraries WeasyPrint (exercise-book PDF) loads, and the fonts the book's CSS names.
SYSPKGS := libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-liberation fonts-dejavu-core

$(STAMP): pyproject.toml
	@if ldconfig -p | grep -q 'libpango-1\.0\.so' && ldconfig -p | grep -q 'libpangoft2-1\.0\.so' \
	    && fc-list 2>/dev/null | grep -qi 'DejaVu Sans' && fc-list 2>/dev/null | grep -qi 'Liberation Sans'; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages for PDF output: $(SYSPKGS)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSPKGS) >/dev/null; \
	else \
	    echo "exgen needs these system packages for PDF output (WeasyPrint): $(SYSPKGS)" >&2; \
	    echo "Install them with: sudo apt-get install -y $(SYSPKGS)   (or run make as root)" >&2; \
	    exit 1; \
	fi
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the EXCON console browser test (tests/render/test_console.py)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	    echo "Note: the EXCON console browser test needs Debian's chromium (sudo apt-get install -y chromium);" >&2; \
	    echo "      without it tests/render/test_console.py is skipped." >&2; \
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
	@echo "Open build/adriatic-shield/index.html"

# Regenerate the golden files from the current templates; review the diff like code.
golden: $(STAMP)
	EXGEN_UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_pipeline.py -k golden
	git diff --stat tests/golden

# Regenerate the definition format reference from the JSON Schemas (tests fail when it is stale).
docs: $(STAMP)
	$(PY) -m exgen.cli.reference > docs/reference.md

# Time validate/build at 100, 1,000 and 10,000 injects against check-jsonschema (its own venv,
# so it never touches exgen's). Prints figures and PASS/MISS per target; never fails on them.
# Pass options with BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 100,1000 --runs 3".
BENCH_VENV := benchmarks/.venv-bench
bench: $(STAMP)
	@test -x $(BENCH_VENV)/bin/check-jsonschema || { $(PYTHON) -m venv $(BENCH_VENV) \
	    && $(BENCH_VENV)/bin/python -m pip install -q check-jsonschema==0.39.0; }
	$(PY) benchmarks/run.py --exgen $(VENV)/bin/exgen \
	    --check-jsonschema $(BENCH_VENV)/bin/check-jsonschema $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
