# proofolio — the two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORTFOLIO := examples/portfolio
# Fixed time for reproducible example reports (SOURCE_DATE_EPOCH convention).
EXAMPLE_EPOCH := 1798761600

.PHONY: demo test reports docs clean fuzz bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "proofolio needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP) system-deps
	@mkdir -p out
	$(BIN)/proofolio analyze $(PORTFOLIO) -o out/report.md -o out/report.json \
		-o out/report.html -o out/report.pdf --format terminal

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

# Regenerate examples/reports (a test fails when they are stale).
reports: $(STAMP) system-deps
	SOURCE_DATE_EPOCH=$(EXAMPLE_EPOCH) $(BIN)/proofolio analyze $(PORTFOLIO) --quiet \
		-o examples/reports/report.md -o examples/reports/report.json \
		-o examples/reports/report.html -o examples/reports/report.pdf

# System packages the PDF (pango, fonts) and browser tests (chromium) need; installs only
# what is missing, as root (or through sudo), without questions.
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
.PHONY: system-deps
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		command -v apt-get >/dev/null || { echo "install these packages: $$missing" >&2; exit 1; }; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		export DEBIAN_FRONTEND=noninteractive; \
		echo "installing $$missing"; \
		$$sudo apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 || \
		{ $$sudo apt-get update -q >/dev/null && $$sudo apt-get install -y -q --no-install-recommends $$missing; }; \
	fi

# Measured accuracy on the labelled corpus (docs/eval.md); fails when a target is missed.
.PHONY: eval
eval: $(STAMP)
	$(BIN)/python -m proofolio.evaluation fixtures/eval

# Regenerate docs/detectors.md, skills.md, problems.md and limits.md (a test fails when stale).
docs: $(STAMP)
	$(BIN)/python -m proofolio.docgen docs

clean:
	rm -rf $(VENV) out .pytest_cache

# Time-boxed mutation fuzzing of the readers, seeded from fixtures/: make fuzz SECONDS=60
SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/python fuzz/run.py $(SECONDS)

# Speed and memory against the floor (json.loads + ast.parse), cold/warm, --jobs 1/N:
# make bench [SCALE=4] [REPEAT=3] [CORPUS=path]; prints a table, writes bench/results*.json
bench: $(STAMP)
	cd bench && SCALE=$(or $(SCALE),1) $(abspath $(BIN))/python run.py
