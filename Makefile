# The two commands: `make demo` and `make test`. Each sets up everything it needs on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
EXAMPLE  := examples/municipality

.PHONY: demo test install install-test chromium java bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# The demo installs ona and what it runs on; the tests add their own tools (pytest, hypothesis,
# playwright, PySpark) on top.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

demo: install
	$(VENV)/bin/ona analyze --roster $(EXAMPLE)/roster.xlsx --ties $(EXAMPLE)/ties.xlsx --out $(EXAMPLE)/report
	@echo
	@echo "The report is in $(EXAMPLE)/report/ -- open $(EXAMPLE)/report/index.html in a browser."

# Browser tests drive Debian's chromium; never a browser downloaded at run time.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	@test -x $(CHROMIUM) || { echo "chromium is not installed at $(CHROMIUM)" >&2; exit 1; }

# The Spark tests run PySpark in local mode, which needs a Java runtime (Debian's, 17 or later).
java:
	@command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; fi; }
	@command -v java >/dev/null || { echo "no Java runtime: apt-get install default-jre-headless" >&2; exit 1; }

# Two pytest runs side by side: the Spark tests (one JVM) and all the others, the latter at a lower
# priority (nice), since the Spark run is the longer; the Spark run's output follows the others'.
# The target fails when either run fails or runs no test (pytest exits 5). bench/RESULTS.md has the
# timings. PYTEST_ARGS and SPARK_PYTEST_ARGS pass options to each run (--durations=20).
test: install-test chromium java
	@log=$$(mktemp); \
	$(PY) -m pytest -q -p no:cacheprovider -m spark $(SPARK_PYTEST_ARGS) >"$$log" 2>&1 & spark=$$!; \
	nice -n 10 $(PY) -m pytest -q -m "not spark" $(PYTEST_ARGS); others=$$?; \
	wait $$spark; sparked=$$?; \
	echo; echo "The Spark tests (-m spark), run beside the others:"; cat "$$log"; rm -f "$$log"; \
	echo "pytest exit codes: $$others (the others), $$sparked (Spark)"; \
	test $$others -eq 0 && test $$sparked -eq 0

bench: install-test
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(EXAMPLE)/report .pytest_cache
