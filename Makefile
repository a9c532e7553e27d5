# tensorlift — the two set-up commands are `make demo` and `make test`.
#
# `make install` (run by every target below) creates .venv and installs tensorlift into it
# (editable, with the test tools). Before that, once, it checks for the system packages it uses:
#   - Singular: the optional fast Gröbner backend of algebra/fibres.py (without it the sympy and
#     python-flint routes are used, and the fibre tests run on those only); the tests also run the
#     Singular scripts of `tensorlift export`;
#   - texlive-latex-base (pdflatex, ~55 MB): the tests compile LaTeX reports (without it they check
#     the LaTeX structurally);
#   - pythonX.Y-venv: needed to create .venv where Debian/Ubuntu split venv out of Python.
# When one is missing it prints what it installs and why, then runs apt-get (as root only), and
# records in .venv/.system-packages that it ran, so a failed apt-get is not retried on every
# make (`make system-packages` retries). SYSTEM_PACKAGES=no skips the step entirely, e.g.
# `make demo SYSTEM_PACKAGES=no`.
PYTHON          ?= python3
SYSTEM_PACKAGES ?= yes
VENV            := .venv
PY              := $(VENV)/bin/python
STAMP           := $(VENV)/.installed
SYSTEM_STAMP    := $(VENV)/.system-packages

ifeq ($(SYSTEM_PACKAGES),no)
SYSTEM_STEP :=
else
SYSTEM_STEP := $(SYSTEM_STAMP)
endif

.PHONY: install system-packages demo test test-slow bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py | $(SYSTEM_STEP)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The Debian package that gives the system Python (prefix /usr) its `venv`, printed when missing.
VENV_PACKAGE_MISSING := import importlib.util as u, sys; \
  print("python%d.%d-venv" % sys.version_info[:2] if sys.base_prefix == "/usr" and u.find_spec("ensurepip") is None else "")

$(SYSTEM_STAMP):
	@mkdir -p $(VENV)
	@packages="$$($(PYTHON) -c '$(VENV_PACKAGE_MISSING)')"; \
	why="$${packages:+$$packages to create $(VENV) (required)}"; \
	if ! command -v Singular >/dev/null 2>&1; then \
	  packages="$${packages:+$$packages }singular"; \
	  why="$${why:+$$why; }singular, the optional fast Gröbner backend of algebra/fibres.py"; \
	fi; \
	if ! command -v pdflatex >/dev/null 2>&1; then \
	  packages="$${packages:+$$packages }texlive-latex-base"; \
	  why="$${why:+$$why; }texlive-latex-base, pdflatex to compile the LaTeX reports in the tests (optional)"; \
	fi; \
	if [ -z "$$packages" ]; then \
	  echo "system packages: none missing (Singular: $$(command -v Singular), pdflatex: $$(command -v pdflatex))"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "system packages: not installing $$packages (no apt-get; install with your package manager): $$why"; \
	elif [ "$$(id -u)" != 0 ]; then \
	  echo "system packages: not installing $$packages (needs root: sudo apt-get install $$packages): $$why"; \
	else \
	  echo "system packages: installing $$packages with apt-get (skip with SYSTEM_PACKAGES=no): $$why"; \
	  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$packages; then \
	    echo "system packages: installed $$packages"; \
	  else \
	    echo "system packages: apt-get failed; continuing without $$packages (retry: make system-packages)"; \
	  fi; \
	fi
	@touch $(SYSTEM_STAMP)

system-packages:
	rm -f $(SYSTEM_STAMP)
	$(MAKE) $(SYSTEM_STAMP)

demo: install
	$(VENV)/bin/tensorlift demo

test: install
	$(PY) -m pytest -q

test-slow: install
	$(PY) -m pytest -q -m slow

# The benchmarks against peers: about 3-4 minutes (measured: 3 min 21 s on a shared 2-core machine;
# each slow peer -- sympy, Singular, Macaulay2 -- is stopped after 12-20 s and reported as a bound).
bench: install
	$(PY) -m pytest -q -s -p no:cacheprovider -m 'slow or not slow' -o python_files='bench_*.py' tests/benchmarks

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
