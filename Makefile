# proofolio — the two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORTFOLIO := examples/portfolio
# Fixed time for reproducible example reports (SOURCE_DATE_EPOCH convention).
EXAMPLE_EPOCH := 1798761600

.PHONY: demo test reports docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "proofolio needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/proofolio analyze $(PORTFOLIO) -o out/report.md -o out/report.json --format terminal

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerate examples/reports (a test fails when they are stale).
reports: $(STAMP)
	SOURCE_DATE_EPOCH=$(EXAMPLE_EPOCH) $(BIN)/proofolio analyze $(PORTFOLIO) --quiet \
		-o examples/reports/report.md -o examples/reports/report.json

# Regenerate docs/detectors.md and docs/skills.md (a test fails when they are stale).
docs: $(STAMP)
	$(BIN)/python -m proofolio.docgen docs

clean:
	rm -rf $(VENV) out .pytest_cache
