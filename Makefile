# The front door: `make run` opens the app on the demo database, `make test` runs every test.
# Only Python >= 3.11, pip and make are needed; everything else goes into .venv.

PYTHON ?= python3
VENV   ?= .venv
# test processes (pytest-xdist): one per core; `make test WORKERS=0` runs them in this one
WORKERS ?= auto
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench bench-big bench-search bench-allocate bench-documents clean setup \
	i18n i18n-extract i18n-update i18n-compile

LOCALE := oms_tui/locale
POT    := build/oms.pot

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("oms needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m oms_tui.reports.fonts >/dev/null  # the PDFs' Chinese font, made once
	$(BIN)/pybabel -q compile -D oms -d $(LOCALE)  # the catalogs (.mo, also committed)
	touch $(STAMP)

# Translations (docs/i18n.md): extract the marked texts, merge them into each language's
# .po (a translator fills in the new ones), compile the .po into the .mo the package ships.
i18n: i18n-extract i18n-update i18n-compile

i18n-extract: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg -k tr --add-location=file --sort-output --no-wrap \
		--project=oms --copyright-holder="oms" -o $(POT) .

i18n-update: $(STAMP)
	$(BIN)/pybabel -q update -D oms -i $(POT) -d $(LOCALE) --no-wrap --no-fuzzy-matching \
		--ignore-obsolete --ignore-pot-creation-date  # no churn: the .po changes with its texts

i18n-compile: $(STAMP)
	$(BIN)/pybabel compile -D oms -d $(LOCALE) --statistics

run: $(STAMP)
	$(BIN)/oms

test: $(STAMP)
	$(BIN)/ruff check oms_tui tests bench
	$(BIN)/ruff format --check oms_tui tests bench
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

bench-search: $(STAMP)
	$(BIN)/python bench/search.py

bench-allocate: $(STAMP)
	$(BIN)/python bench/allocate.py

bench-documents: $(STAMP)
	$(BIN)/python bench/documents.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
