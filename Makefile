# Neural Networks from Scratch: every task is one `make` target.
#   make book   set up .venv, execute every chapter and build the site in _build/html
#   make test   set up .venv, run the unit tests, the playground's JavaScript against nnlib, nbval
#               on every chapter (with the CPU pins and without them) and the site in a browser
#   make lab    open the chapters in JupyterLab
# Everything runs from the pinned requirements.txt in a local virtual environment.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The site's npm packages (below); defined up here because rules expand it where they are read.
NODE_STAMP := node_modules/.installed
CHAPTERS := $(sort $(wildcard notebooks/[0-9][0-9]_*.md))
NOTEBOOKS := $(CHAPTERS:.md=.ipynb)
# A cell that runs longer than this fails instead of hanging (widget cells can hang without it).
CELL_TIMEOUT ?= 600

export KERAS_BACKEND := jax
export PYTHONHASHSEED := 0
# One BLAS thread: the stored outputs and nbval's run then do the same arithmetic in the same
# order, and OpenBLAS's threads stall on a busy machine. (Override: make test OPENBLAS_NUM_THREADS=2.)
export OPENBLAS_NUM_THREADS ?= 1
# The same kernels on every x86-64 machine: OpenBLAS, numpy and XLA pick their matrix kernels
# by CPU (AVX2 or AVX-512), and float32 training turns their different rounding into different
# last digits. Pinned to AVX2, which every x86-64 CPU of the last ten years has, the stored
# outputs come out the same on most machines. The pins are a convenience, not a condition:
# numbers downstream of float32 training or a clock sit in `measured` cells, which nbval checks
# by value within a band (tools/nbval_measured.py), and `make nbval-unpinned` proves that the
# tests pass without any pin, on other kernels.
export OPENBLAS_CORETYPE ?= Haswell
export NPY_DISABLE_CPU_FEATURES ?= X86_V4 AVX512_ICL AVX512_SPR
export XLA_FLAGS ?= --xla_cpu_max_isa=AVX2
PINS := OPENBLAS_CORETYPE NPY_DISABLE_CPU_FEATURES XLA_FLAGS
# The OpenBLAS kernels of the unpinned run: other than the pinned Haswell ones (x86-64 only).
OTHER_CORETYPE ?= Sandybridge
# MNIST from ../shared/data/mnist when it is there (as .ci/run does), unless NNLIB_DATA says
# otherwise; elsewhere nnlib.load_mnist uses its per-user cache (downloading once).
MNIST_SHARED := $(wildcard $(abspath ../shared/data/mnist))
ifneq ($(MNIST_SHARED),)
export NNLIB_DATA ?= $(MNIST_SHARED)
endif

.PHONY: help setup book pdf site chromium browser lab-test test unit playground nbval nbval-unpinned lab export notebooks bench clean

help:
	@echo "make book | make test | make lab | make pdf | make notebooks | make export | make bench | make playground | make clean"

# The virtual environment, rebuilt when the requirements change.
# JupyterLab's settings for the course (lab/overrides.json: no news pop-up) go with it.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
$(STAMP): requirements.txt pyproject.toml lab/overrides.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	mkdir -p $(dir $(LAB_SETTINGS)) && cp lab/overrides.json $(LAB_SETTINGS)
	touch $@

setup: $(STAMP)

# Write nnlib's generated modules from the chapters' #@save cells.
export: $(STAMP)
	$(BIN)/python tools/export.py

# Refresh every .ipynb from its .md (the source of truth; outputs are kept until re-executed)
# and store fresh outputs. One chapter: make notebooks CHAPTERS=notebooks/04_matrix_layers.md
notebooks: export
	for md in $(CHAPTERS); do \
	  $(BIN)/jupytext --quiet --to ipynb --update $$md && \
	  $(BIN)/jupyter execute --inplace --timeout=$(CELL_TIMEOUT) $${md%.md}.ipynb || exit 1; \
	done

unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest tests

# Every chapter under nbval: exact outputs compared exactly, measured cells by value (conftest.py
# loads tools/nbval_measured.py, which prints what moved). One chapter:
#   make nbval NOTEBOOKS=notebooks/06_mnist_mlp.ipynb
NBVAL = $(BIN)/python -m pytest --nbval $(NOTEBOOKS) \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=$(CELL_TIMEOUT)
nbval: $(STAMP)
	$(NBVAL)

# The same with every CPU pin lifted and other OpenBLAS kernels: the verdict must not change.
nbval-unpinned: $(STAMP)
	@echo "nbval without CPU pins ($(PINS) unset; OpenBLAS kernels: $(if $(filter x86_64,$(shell uname -m)),$(OTHER_CORETYPE),the machine's own))"
	env $(addprefix -u ,$(PINS)) $(if $(filter x86_64,$(shell uname -m)),OPENBLAS_CORETYPE=$(OTHER_CORETYPE)) $(NBVAL)

# The playground's JavaScript twin of nnlib (book/_ext/playground/nn.js) and its page logic, under
# Node's test runner: nnlib writes the parity fixtures first, so they always come from today's nnlib.
PARITY_FIXTURES := _build/playground/fixtures.json
playground: $(STAMP)
	$(BIN)/python tests/playground/make_fixtures.py $(PARITY_FIXTURES)
	NNBOOK_FIXTURES=$(PARITY_FIXTURES) node --test tests/playground/

test: unit playground nbval nbval-unpinned browser lab-test

# The site's JavaScript (MathJax, require.js, the ipywidgets embed manager), pinned in
# package-lock.json and served by the site itself (book/_ext/nnbook.py), so it works offline.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Execute every chapter (cell timeout in _config.yml) and build the site; warnings are errors.
# Then the book's PDF, which the site links (skipped with a message where there is no Chromium).
book: $(STAMP) $(NODE_STAMP)
	$(BIN)/jupyter-book build . --all --warningiserror --keep-going
	@$(MAKE) --no-print-directory pdf
	@echo "The site is in _build/html/index.html"

# The whole book as one PDF, printed from a built site (default: make book's) by the browser
# test's Chromium, offline, in toc order (tools/pdf.py): PDF_SITE/nn-from-scratch.pdf.
PDF_SITE ?= _build/html
pdf: $(STAMP) chromium
	@if [ -x "$(CHROMIUM)" ]; then \
	  CHROMIUM=$(CHROMIUM) $(BIN)/python tools/pdf.py $(PDF_SITE); \
	else \
	  echo "SKIPPED the PDF: no Chromium at $(CHROMIUM) (apt-get install chromium, or set CHROMIUM=...)"; \
	fi

# The same site from the outputs stored in the .ipynb files (nbval checks them), executing
# nothing: what `make test` checks in a browser.
SITE := _build/stored/_build/html
site: $(STAMP) $(NODE_STAMP)
	NNBOOK_EXECUTE=off $(BIN)/jupyter-book build . --all --warningiserror --keep-going --path-output _build/stored

# Debian's Chromium for the browser tests, installed here when we are root with apt-get.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x "$(CHROMIUM)" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || true; \
	fi

# Every page of that site in headless Chromium; skipped with a message where there is no Chromium.
browser: $(STAMP) chromium
	@if [ -x "$(CHROMIUM)" ]; then \
	  $(MAKE) --no-print-directory site && \
	  $(MAKE) --no-print-directory pdf PDF_SITE=$(SITE) && \
	  NNBOOK_SITE=$(SITE) CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/browser; \
	else \
	  echo "SKIPPED the browser test: no Chromium at $(CHROMIUM) (apt-get install chromium, or set CHROMIUM=...)"; \
	fi

# The chapters in a real JupyterLab, driven by the same Chromium: markup rendered, solutions hidden,
# live sliders that retrain (tests/lab/test_jupyterlab.py).
lab-test: $(STAMP) chromium
	@if [ -x "$(CHROMIUM)" ]; then \
	  NNBOOK_LAB=1 CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/lab -s; \
	else \
	  echo "SKIPPED the JupyterLab test: no Chromium at $(CHROMIUM) (apt-get install chromium, or set CHROMIUM=...)"; \
	fi

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# The benchmark measures the machine's best kernels, so it lifts the AVX2 pins above (and
# OPENBLAS_CORETYPE where the machine itself sets it). Options: make bench ARGS='--threads 1'
bench: $(STAMP)
	env $(addprefix -u ,$(PINS)) $(BIN)/python -m benchmarks $(ARGS)

clean:
	rm -rf _build .jupyter_cache
