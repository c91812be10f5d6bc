# exgen — the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FLAGSHIP := scenarios/adriatic-shield/exercise.yaml

.PHONY: install test demo bench golden docs clean

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
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || (echo "python3 with venv is required" && exit 1)
	$(PYTHON) -m venv $(VENV) || (apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV))
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q

demo: $(STAMP)
	$(VENV)/bin/exgen validate $(FLAGSHIP)
	$(VENV)/bin/exgen build $(FLAGSHIP) -o build/adriatic-shield
	@echo "Open build/adriatic-shield/index.html"

# Regenerate the golden files from the current templates; review the diff like code.
golden: $(STAMP)
	EXGEN_UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_build.py -k golden
	git diff --stat tests/golden

# Regenerate the definition format reference from the JSON Schemas (tests fail when it is stale).
docs: $(STAMP)
	$(PY) -m exgen.reference > docs/reference.md

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
