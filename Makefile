# lawtrace — the two commands of the README:
#   make run    create .venv, install, migrate, load the demo, serve on http://127.0.0.1:8000
#   make test   install what tests need, then ruff, mypy and pytest on SQLite and on PostgreSQL
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The demo's heads, administrators, supervisors and publishers sign in without a second factor unless
# LAWTRACE_REQUIRE_OTP=true is given (`make run LAWTRACE_REQUIRE_OTP=true`); see the README's 两步验证 section.
LAWTRACE_REQUIRE_OTP ?= false
run: install
	bash scripts/install-system-deps --runtime || echo "Debian packages for documents (fonts-noto-cjk, Pango) not installed: printing will fail." >&2
	LAWTRACE_REQUIRE_OTP=$(LAWTRACE_REQUIRE_OTP) $(BIN)/lawtrace run --port $(PORT)

test: install
	bash scripts/test

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var
