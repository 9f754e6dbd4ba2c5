# The front door: `make run` opens the app on the demo database, `make test` runs every test.
# Only Python >= 3.11, pip and make are needed; everything else goes into .venv.

PYTHON ?= python3
VENV   ?= .venv
# test processes (pytest-xdist): one per core; `make test WORKERS=0` runs them in this one
WORKERS ?= auto
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench bench-big bench-allocate bench-documents clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("oms needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m oms_tui.reports.fonts >/dev/null  # the PDFs' Chinese font, made once
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/oms

test: $(STAMP)
	$(BIN)/ruff check oms_tui tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check oms_tui tests bench
	$(BIN)/ruff format --check oms_tui tests bench
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py --orders 1000

bench-big: $(STAMP)
	$(BIN)/python bench/big_db.py

bench-allocate: $(STAMP)
	$(BIN)/python bench/allocate.py

bench-documents: $(STAMP)
	$(BIN)/python bench/documents.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
