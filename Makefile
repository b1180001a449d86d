# Two commands on a fresh machine with only Python 3.11+ and make:
#   make demo   set up .venv with jwtool, validate the bundled catalogue and print an overview
#   make test   add the test tools to .venv and run the test suite (in a random order; see README)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# jwtool and what it needs to run, nothing more
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

# plus pytest, playwright, hypothesis, pre-commit, ...
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	$(BIN)/jwtool validate
	$(BIN)/jwtool list
	$(BIN)/jwtool elements

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
