# Neural Networks from Scratch: every task is one `make` target.
#   make book   set up .venv, execute every chapter and build the site in _build/html
#   make test   set up .venv, run the unit tests and nbval on every chapter
#   make lab    open the chapters in JupyterLab
# Everything runs from the pinned requirements.txt in a local virtual environment.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHAPTERS := $(sort $(wildcard notebooks/[0-9][0-9]_*.md))
NOTEBOOKS := $(CHAPTERS:.md=.ipynb)
# A cell that runs longer than this fails instead of hanging (widget cells can hang without it).
CELL_TIMEOUT ?= 600

export KERAS_BACKEND := jax
export PYTHONHASHSEED := 0

.PHONY: help setup book test unit nbval lab export notebooks bench clean

help:
	@echo "make book | make test | make lab | make notebooks | make export | make bench | make clean"

# The virtual environment, rebuilt when the requirements change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(STAMP)

# Write nnlib's generated modules from the chapters' #@save cells.
export: $(STAMP)
	$(BIN)/python tools/export.py

# Refresh every .ipynb from its .md and store fresh outputs (for authors; see README).
notebooks: export
	$(BIN)/jupytext --sync $(CHAPTERS)
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/jupyter execute --inplace --timeout=$(CELL_TIMEOUT) $$nb || exit 1; \
	done

unit: $(STAMP)
	$(BIN)/python -m pytest tests

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval $(NOTEBOOKS) \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=$(CELL_TIMEOUT)

test: unit nbval

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The site is in _build/html/index.html"

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf _build .jupyter_cache
