# Two commands matter: `make run` (the app on its embedded default, with demo data) and
# `make test` (the whole suite). Both create the virtual environment on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint dist clean translations

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	scripts/run-app.sh $(VENV)/bin/cvi-desktop-gui --demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen scripts/with-keyring.sh --optional $(PY) -m pytest -q

bench: $(STAMP)
	scripts/with-keyring.sh --optional $(PY) bench/store_bench.py
	scripts/with-keyring.sh --optional $(PY) bench/sync_bench.py
	scripts/with-keyring.sh --optional $(PY) bench/team_bench.py
	QT_QPA_PLATFORM=offscreen scripts/with-keyring.sh --optional $(PY) bench/ui_bench.py

# A one-folder app in dist/cvi-desktop/ (see build.spec); check it with
# `scripts/with-keyring.sh dist/cvi-desktop/cvi-desktop --self-test`.
# The .qm translations are compiled from their .ts first (the same bytes as the committed ones).
dist: $(STAMP)
	PYTHON=$(PY) scripts/build-translations.sh
	$(PY) -m PyInstaller --noconfirm build.spec

# The app's translations: lupdate brings resources/translations/cvi_desktop_{en,es}.ts up to date
# with ui/ (new strings unfinished, gone ones dropped), lrelease compiles them into the .qm files
# that are committed beside them (tests/ui/test_translations.py fails when either is stale).
translations: $(STAMP)
	PYTHON=$(PY) scripts/build-translations.sh --update

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
