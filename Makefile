# evreview — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
STAMP   = $(VENV)/.installed
PORT   ?= 8501

.PHONY: run test test-slow lint e2e bench bench-batch samples clean venv

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install when the project metadata changes.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

samples: $(STAMP)
	@$(PY) -m sample_docs.generate --check || $(PY) -m sample_docs.generate

run: samples
	EVREVIEW_SAMPLES=sample_docs/applications $(VENV)/bin/streamlit run app.py \
	  --server.port $(PORT) --server.headless true

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

# Fast suite: everything except tests marked slow (heavy OCR). Exit code 5
# ("no tests collected") is an error here: an empty suite must not look green.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -m "not slow and not e2e" -q; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test-slow: $(STAMP)
	$(PY) -m pytest -m "slow" -q

e2e: $(STAMP)
	PY=$(PY) bash scripts/e2e.sh

bench: $(STAMP)
	$(PY) bench/read.py
	$(PY) bench/extract.py
	$(PY) bench/seals.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

bench-batch: $(STAMP)
	$(PY) bench/batch.py --quick
