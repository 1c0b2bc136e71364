# Paddock. `make demo` serves the demo site; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint bench install messages translations clean serve

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,lint]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Compiling catalogues needs settings but no secret: the development settings will do.
translations messages: export DJANGO_DEBUG = 1
translations: install
	$(PY) manage.py compiletranslations

# The demo is a development server: debug mode on (it is off unless asked for), demo secret key.
demo: export DJANGO_DEBUG = 1
# Seeding mails receipts too: their links follow the port (config/settings.py PADDOCK_SITE_URL).
demo: export PORT := $(PORT)
demo: install translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Paddock demo on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py demo_serve --port $(PORT)

test: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

bench: install translations
	$(PY) bench/run_all.py

# Re-extract translatable strings (needs GNU gettext; only for developers adding strings).
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='bench/*' --ignore='tests/*'
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --ignore='.venv/*' --ignore='staticfiles/*'

clean:
	rm -rf $(VENV) staticfiles
