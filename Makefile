# Katve: two commands do all set-up on a fresh machine.
#   make run   - create .venv if missing, install, fetch Leaflet, start the app on the embedded Vihti data
#   make test  - create/update .venv and run the tests
PYTHON   ?= python3
VENV     ?= .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.katve-installed
LEAFLET_VERSION := 1.9.4
LEAFLET  := static/leaflet/leaflet.js
PORT     ?= 8501

.PHONY: run test test-fast bench lint clean help

help:
	@echo "make run    start the app (http://localhost:$(PORT))"
	@echo "make test   run the test suite"
	@echo "make bench  run the benchmarks (prints figures)"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Leaflet for offline maps, from the npm registry at set-up time (never committed: static/ is git-ignored).
$(LEAFLET):
	rm -rf static/leaflet static/.leaflet-pack && mkdir -p static/.leaflet-pack
	cd static/.leaflet-pack && npm pack --silent leaflet@$(LEAFLET_VERSION) >/dev/null
	tar -xzf static/.leaflet-pack/leaflet-$(LEAFLET_VERSION).tgz -C static/.leaflet-pack
	mv static/.leaflet-pack/package/dist static/leaflet
	rm -rf static/.leaflet-pack

run: $(STAMP) $(LEAFLET)
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: $(STAMP) $(LEAFLET)
	$(PY) -m pytest

test-fast: $(STAMP) $(LEAFLET)
	$(PY) -m pytest -m "not slow and not e2e"

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) static .pytest_cache
