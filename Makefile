# The two commands of the quick start are `make run` and `make test`; the rest serve them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
ARGS ?=

.PHONY: install run test lint bench messages lock clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  COORACE Formation: http://127.0.0.1:$(PORT)/"
	@echo "  Comptes de démonstration (mot de passe « demo ») :"
	@echo "    admin, formation, formateur, finance, adherent, adherent2"
	@echo ""
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Runs the whole suite; on a throwaway PostgreSQL cluster whenever initdb and pg_ctl are found.
test: install
	$(PY) tests/run_with_postgres.py $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) bench/run.py $(ARGS)

messages: install
	$(PY) manage.py makemessages --locale fr --ignore '.venv/*' --no-obsolete
	$(PY) manage.py compilemessages --locale fr --ignore '.venv/*'

# Regenerates the lock file from pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
