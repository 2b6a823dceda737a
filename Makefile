# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test check-resilience audit screenshots lint format clean bench messages

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The browser makers' checking tools (axe-core, the Nu HTML validator, Lighthouse), pinned
# in package-lock.json. Install scripts stay off: vnu runs on the system's Java. Without
# npm the page checks skip with the reason (CI installs Node.js and requires them).
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --ignore-scripts && touch $(NODE_STAMP); \
	else echo "npm not found: the page checks (axe-core, Nu validator) will be skipped."; fi

run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) import_seeds
	$(MANAGE) create_local_editor
	@echo "Admin: http://$(HOST):$(PORT)/admin/ (the account printed above)."
	$(MANAGE) runserver $(HOST):$(PORT)

# The production setup on this machine: debug off, gunicorn, compressed static files.
# A secret key is made once and kept in .secret_key (not in git).
SERVE_ENV = DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$(cat .secret_key)" \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 \
	NEWSROOM_SERVE_MEDIA=1

serve: $(STAMP)
	@test -s .secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) import_seeds
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(MANAGE) create_local_editor
	@echo "Serving with gunicorn, debug off: http://$(HOST):$(PORT)/"
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py newsroom.wsgi

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

# After changing interface text: update locale/*/LC_MESSAGES/django.po, translate the new
# entries, then run it again to compile them (needs GNU gettext: apt-get install gettext).
MESSAGES_IGNORE = --ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests --ignore=staticfiles --ignore=media
messages: $(STAMP)
	$(MANAGE) makemessages -l fr -l ar --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(MANAGE) compilemessages --ignore=.venv

# Slow checks, kept out of `make test`: import beside an editor and under Ctrl-C (whole
# processes on an SQLite file; skipped when DATABASE_URL is set), then readers and editors
# against gunicorn (tests/resilience/load.py; on PostgreSQL and Redis when DATABASE_URL
# and REDIS_URL are set).
check-resilience: $(STAMP)
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/pytest -m resilience tests/resilience; \
	else echo "Import process checks run on SQLite only (DATABASE_URL is set)."; fi
	$(BIN)/python -m tests.resilience.load

# Lighthouse (mobile) on every kind of reader's page, served as in production (gunicorn,
# debug off, compressed static files) from a throwaway database; fails under 95.
audit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/lighthouse.py

# The phone screenshots of a story in docs/screenshots/ (README: What it looks like).
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

# Benchmarks on a throwaway SQLite file (bench/README.md: 100,000 stories, PostgreSQL).
BENCH_STORIES ?= 10000
BENCH_DB ?= /tmp/newsroom-bench.sqlite3
BENCH_IMPORT_FILES ?= 2000
BENCH_ENV = NEWSROOM_SQLITE_PATH=$(BENCH_DB) PYTHON=$(BIN)/python

bench: $(STAMP)
	rm -f $(BENCH_DB) $(BENCH_DB)-wal $(BENCH_DB)-shm
	$(BENCH_ENV) $(BIN)/python bench/generate.py --stories $(BENCH_STORIES)
	$(BENCH_ENV) $(BIN)/python bench/pages.py
	$(BENCH_ENV) bench/throughput.sh
	$(BIN)/python bench/import_speed.py --files $(BENCH_IMPORT_FILES) --twice

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
