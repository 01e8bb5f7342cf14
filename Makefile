# Recurrent Neural Networks, executable: build, test and run the course.
#   make book     build the website into _build/html (from the notebooks' stored outputs),
#                 with live code in the browser (JupyterLite + Pyodide); LIVE=0 make book without
#   make test     run every test (rnnlib, nbval over every notebook, strict build, hygiene, browser)
#   make execute  re-execute every notebook in place and store its outputs (NB=chapters/x.ipynb for one)
#   make serve    serve the built website on http://localhost:8000
#   make lab      open the notebooks in JupyterLab with the course's kernel
#   make pdf      print the built website as one PDF of the whole course: _build/pdf/book.pdf
#   make bench    run the speed benchmarks in benchmarks/
# Every target sets itself up (.venv from requirements.txt, rnnlib in editable mode) and is safe to rerun.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SETUP  := $(VENV)/.setup-done
VENDOR := vendor/.vendor-done
NB     ?= chapters/*.ipynb
PYTEST_ARGS ?=
LAB_ARGS ?=
PORT   ?= 8000
# Live code on the site (JupyterLite + Pyodide, tools/live_assets.py); LIVE=0 builds without it.
LIVE   ?= 1
export LIVE

# One BLAS thread: bit-identical reruns (two threads changed training results in the 9th digit).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test unit notebooks build hygiene site execute serve lab bench setup vendor browser clean pdf

setup: $(SETUP)
# Supported: CPython 3.11 (any patch release), 3.12 and 3.13; said in one line before anything is installed.
$(SETUP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; ok = (3, 11) <= v[:2] <= (3, 13); sys.exit(0 if ok else "Python %d.%d.%d found ($(PYTHON)), but the course supports CPython 3.11, 3.12 and 3.13: run e.g. make PYTHON=python3.12 ..." % v[:3])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Local copies of MathJax and the ipywidgets embed scripts (pinned, from the npm registry).
vendor: $(VENDOR)
$(VENDOR): tools/vendor.sh
	bash tools/vendor.sh vendor
	touch $@

book: setup vendor
	rm -rf _build/html _build/lite_dir
	$(BIN)/python tools/execution_report.py
	if [ "$(LIVE)" != 0 ]; then PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python tools/live_assets.py _build/lite_dir; fi
	$(BIN)/jupyter-book build . -W -n --keep-going
	touch _build/html/.nojekyll   # served as is by a gh-pages branch too (no Jekyll: _static/ stays)

# Three stages; each runs even if an earlier one failed, and the last line says what passed.
# PYTEST_ARGS=... goes to both pytest runs (e.g. PYTEST_ARGS=-vv for nbval's full diff).
# playwright-core (pinned in tests/live_browser/package-lock.json) drives Chromium through the
# live code in tests/site/test_live_browser.py.
LIVE_BROWSER := tests/live_browser/node_modules/.package-lock.json
$(LIVE_BROWSER): tests/live_browser/package-lock.json
	npm ci --prefix tests/live_browser --no-audit --no-fund --ignore-scripts

test: setup vendor browser $(LIVE_BROWSER)
	@unit=passed; build=passed; site=passed; \
	echo "==> [1/3] rnnlib unit tests, notebook hygiene, nbval over every notebook"; \
	$(BIN)/python tools/nbval_hidden.py; \
	$(BIN)/python -m pytest -n 2 --dist loadfile --ignore=tests/site tests \
	  --nbval --nbval-current-env --nbval-cell-timeout=300 --nbval-sanitize-with tests/sanitize.cfg \
	  --junitxml=_build/reports/pytest.xml $(PYTEST_ARGS) chapters || unit=FAILED; \
	echo "==> [2/3] strict build of the website, and its PDF"; \
	{ $(MAKE) --no-print-directory book && $(BIN)/python tools/pdf.py; } || build=FAILED; \
	echo "==> [3/3] the built site in headless Chromium (no network), the PDF, the live code (Chromium, and rnnlib's tests in Pyodide in Node)"; \
	if [ $$build = passed ]; then \
	  $(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS) tests/site || site=FAILED; \
	else site="not run (no site)"; fi; \
	echo "make test: unit+hygiene+nbval $$unit; build+pdf $$build; browser $$site"; \
	test $$unit = passed && test $$build = passed && test "$$site" = passed

# Two runs in a row must store the same bytes. The second nbconvert merges each cell's
# consecutive stdout outputs into one (the kernel splits a cell's printing into messages by
# timing, differently from run to run); widget state is not stored (saved controls cannot work
# on the static page) and tools/stable_widget_ids.py replaces the random ids of widget views.
execute: setup
	$(BIN)/python tools/install_cell.py
	for nb in $(NB); do \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
	    --ExecutePreprocessor.record_timing=False \
	    --ExecutePreprocessor.store_widget_state=False "$$nb" || exit 1; \
	  $(BIN)/jupyter nbconvert --to notebook --inplace --log-level=WARN \
	    --CoalesceStreamsPreprocessor.enabled=True "$$nb" || exit 1; \
	  $(BIN)/python tools/stable_widget_ids.py "$$nb" || exit 1; \
	done

pdf: book browser
	$(BIN)/python tools/pdf.py

serve:
	@test -d _build/html || $(MAKE) book
	$(BIN)/python -m http.server --directory _build/html $(PORT)

# LAB_ARGS=... goes to JupyterLab (e.g. LAB_ARGS="--no-browser --port=8890"); as root (a
# container) --allow-root is added, since JupyterLab refuses to start as root without it.
lab: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lab.txt
	$(BIN)/jupyter lab $$(test "$$(id -u)" = 0 && echo --allow-root) $(LAB_ARGS) chapters

bench: setup
	$(BIN)/python benchmarks/bench_lstm.py
	$(BIN)/python benchmarks/bench_charrnn.py
	$(BIN)/python benchmarks/bptt_time.py
	$(BIN)/python benchmarks/bench_charlm.py

# Headless Chromium for the browser check and the PDF, poppler-utils to join and read PDFs
# (Debian's packages); Node.js 20 or later with npm (for playwright-core and Pyodide in Node),
# which Debian 12's nodejs (18, no npm) is not, so it is checked, not installed.
browser:
	@{ command -v chromium && command -v pdfunite; } >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null \
	  && command -v npm >/dev/null || { echo "make test needs Node.js 20 or later with npm," \
	  "found node $$(node --version 2>/dev/null || echo none), npm $$(npm --version 2>/dev/null \
	  || echo none): install it (nodejs.org, or nvm)" >&2; exit 1; }

clean:
	rm -rf _build .pytest_cache tests/live_browser/node_modules
