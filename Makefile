# exgen — the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FLAGSHIP := scenarios/adriatic-shield/exercise.yaml

.PHONY: install test demo bench golden docs clean

$(STAMP): pyproject.toml
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

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
