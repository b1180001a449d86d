# Two commands on a fresh machine with only Python 3.11+ and make:
#   make demo   set up .venv with jwtool, validate the bundled catalogue and print an overview
#   make test   add the test tools to .venv and run the test suite (in a random order; see README)
#   make check  the inner loop: the tests not marked slow or browser (the rule: tests/README.md),
#               on every core (pytest-xdist)
# Dependencies install at the versions in constraints.txt (the tested set); CONSTRAINTS= installs
# the newest versions instead (.github/workflows/newest.yml).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip --quiet --disable-pip-version-check
CONSTRAINTS ?= constraints.txt
PIN     = $(if $(CONSTRAINTS),-c $(CONSTRAINTS))

.PHONY: demo test check bench constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# jwtool and what it needs to run, nothing more
$(VENV)/.installed-run: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install $(PIN) -e .
	touch $@

# plus pytest, playwright, hypothesis, pre-commit, ...
$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install $(PIN) -e '.[test]'
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	$(BIN)/jwtool validate
	$(BIN)/jwtool list
	$(BIN)/jwtool elements

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# PYTHONDONTWRITEBYTECODE= : pytest keeps the test modules it rewrites (and Python jwtool's) in __pycache__
# even where the environment says not to, so the inner loop does not compile them on every run.
check: $(VENV)/.installed-test
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto -m 'not slow and not browser' $(PYTEST_ARGS)

# Write the versions installed in .venv (after a passing `make test`) into constraints.txt.
constraints: $(VENV)/.installed-test
	{ sed -n '/^#/p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^jwtool=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
