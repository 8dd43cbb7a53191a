# Two commands: `make run` and `make test`. Both set everything up on a fresh machine
# that has only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup migrate demo lint format chromium check-deploy bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --or-skip

run: demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Leads CRM:    http://$(HOST):$(PORT)/"
	@echo "  API:          http://$(HOST):$(PORT)/v2/leads"
	@echo "  API docs:     http://$(HOST):$(PORT)/v2/docs/"
	@echo "  Admin:        http://$(HOST):$(PORT)/admin/"
	@$(BIN)/python manage.py seed_demo --print-logins
	@echo ""
	@# One background worker beside the server, stopped with it.
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

check-deploy: setup
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=crm.example.com \
		SECURE_SSL_REDIRECT=1 $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
