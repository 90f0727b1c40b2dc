# Katve: two commands do all set-up on a fresh machine.
#   make run   - create .venv if missing, install, fetch Leaflet, start the app on the embedded Vihti data
#   make test  - create/update .venv and run the tests
#   make lint  - ruff (the project's config) and mypy on the library
#   make lock  - re-resolve the dependencies of pyproject.toml into requirements.lock (then commit it)
PYTHON   ?= python3
VENV     ?= .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.katve-installed
LEAFLET_VERSION := 1.9.4
LEAFLET  := static/leaflet/leaflet.js
AXE_VERSION := 4.14.1
AXE      := static/axe/axe.min.js
PORT     ?= 8501

PIP_TOOLS := pip-tools==7.6.2

.PHONY: run test test-fast bench lint lock clean help

help:
	@echo "make run    start the app (http://localhost:$(PORT))"
	@echo "make test   run the test suite"
	@echo "make lint   ruff and mypy"
	@echo "make bench  run the benchmarks (prints figures)"
	@echo "make lock   refresh requirements.lock from pyproject.toml"

# Exactly the versions of requirements.lock (CI and a new machine get the same), then Katve itself.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The lock is resolved in a throw-away venv with pip-tools (never installed into .venv).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet $(PIP_TOOLS)
	.lock-venv/bin/pip-compile --quiet --upgrade --extra test --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
	rm -rf .lock-venv

# Leaflet for offline maps, from the npm registry at set-up time (never committed: static/ is git-ignored).
$(LEAFLET):
	rm -rf static/leaflet static/.leaflet-pack && mkdir -p static/.leaflet-pack
	cd static/.leaflet-pack && npm pack --silent leaflet@$(LEAFLET_VERSION) >/dev/null
	tar -xzf static/.leaflet-pack/leaflet-$(LEAFLET_VERSION).tgz -C static/.leaflet-pack
	mv static/.leaflet-pack/package/dist static/leaflet
	rm -rf static/.leaflet-pack

# axe-core for the accessibility test (tests/test_browser_a11y.py), from the npm registry like Leaflet
# (never committed: static/ is git-ignored).
$(AXE):
	rm -rf static/axe static/.axe-pack && mkdir -p static/.axe-pack static/axe
	cd static/.axe-pack && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	tar -xzf static/.axe-pack/axe-core-$(AXE_VERSION).tgz -C static/.axe-pack
	mv static/.axe-pack/package/axe.min.js static/.axe-pack/package/LICENSE static/axe/
	rm -rf static/.axe-pack

run: $(STAMP) $(LEAFLET)
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: $(STAMP) $(LEAFLET) $(AXE)
	$(PY) -m pytest

test-fast: $(STAMP) $(LEAFLET) $(AXE)
	$(PY) -m pytest -m "not slow and not e2e"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) static .pytest_cache
