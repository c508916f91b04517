# evreview — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
STAMP   = $(VENV)/.installed
RAY_STAMP = $(VENV)/.installed-ray
PORT   ?= 8501

.PHONY: run test test-slow test-ray lint e2e bench bench-batch samples clean venv structure

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install when the project metadata changes.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e ".[dev]"
	@touch $(STAMP)

# The scale-out path (Ray) is an optional extra; CI (CI=true) installs it so that the Ray
# tests run in `make test` instead of skipping (tests/test_ray_engine.py fails without Ray there).
$(RAY_STAMP): pyproject.toml | $(STAMP)
	$(PIP) install --quiet -e ".[dev,ray]"
	@touch $(RAY_STAMP)

ifeq ($(CI),true)
TEST_DEPS = $(STAMP) $(RAY_STAMP)
else
TEST_DEPS = $(STAMP)
endif

venv: $(STAMP)

samples: $(STAMP)
	@$(PY) -m sample_docs.generate --check || $(PY) -m sample_docs.generate

run: samples
	EVREVIEW_SAMPLES=sample_docs/applications $(VENV)/bin/streamlit run app.py \
	  --server.port $(PORT) --server.headless true

# The format check fails on any unformatted file except the ones still listed in
# pyproject.toml's [tool.ruff.format] exclude (formatted by their owners, then removed from the list).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Fast suite: everything except tests marked slow (heavy OCR). Exit code 5
# ("no tests collected") is an error here: an empty suite must not look green.
test: $(TEST_DEPS)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -m "not slow and not e2e" -q; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# The Ray engine's tests alone, on a local Ray instance with 2 worker CPUs (never skipped).
test-ray: $(RAY_STAMP)
	EVREVIEW_REQUIRE_RAY=1 $(PY) -m pytest tests/test_ray_engine.py -q -p no:cacheprovider --durations=3

test-slow: $(STAMP)
	$(PY) -m pytest -m "slow" -q

e2e: $(STAMP)
	$(PIP) install --quiet -e ".[dev,e2e]"
	PY=$(PY) bash scripts/e2e.sh

bench: $(STAMP)
	$(PY) bench/read.py
	$(PY) bench/extract.py
	$(PY) bench/signature.py
	$(PY) bench/seals.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

bench-batch: $(STAMP)
	$(PY) bench/batch.py --quick

# Import circles inside a package and modules over ~800 lines (scripts/structure.py).
structure: $(STAMP)
	$(PY) scripts/structure.py
