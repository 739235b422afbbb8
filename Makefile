# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(VENV)/bin/vendordd db upgrade
	$(VENV)/bin/vendordd questionnaires publish
	$(VENV)/bin/vendordd demo --if-empty
	$(VENV)/bin/flask --app wsgi run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check vendordd tests wsgi.py
	$(VENV)/bin/ruff format --check vendordd tests wsgi.py
	$(VENV)/bin/pytest

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix vendordd tests wsgi.py
	$(VENV)/bin/ruff format vendordd tests wsgi.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
