# tensorlift — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install install-singular demo test test-slow bench clean

install: $(STAMP) install-singular

# Optional fast Gröbner backend of algebra/fibres.py (Debian package `singular`). Runs only when
# Singular is missing and apt-get exists; never fails `make install` (the sympy and
# python-flint routes work without it, and a non-root user just gets a note).
install-singular:
	@if ! command -v Singular >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends singular; } >/dev/null 2>&1 \
	      && echo "installed Singular (optional fibre backend)" \
	      || echo "note: could not install Singular with apt-get (optional; needs root)"; \
	  else echo "note: Singular not found and apt-get unavailable (optional fibre backend)"; fi; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(VENV)/bin/tensorlift demo

test: install
	$(PY) -m pytest -q

test-slow: install
	$(PY) -m pytest -q -m slow

bench: install
	$(PY) -m pytest -q -s -p no:cacheprovider -m 'slow or not slow' -o python_files='bench_*.py' tests/benchmarks

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
