# pressroom's front door. `make demo` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON_VERSION := 3.13
VENV := .venv
BIN := $(VENV)/bin
SAM_ENV := .tools/sam
SAM := $(SAM_ENV)/bin/sam
STACK ?=
# sam build resolves python3.13 on PATH; the project environment provides it.
SAM_PATH := PATH="$(CURDIR)/$(BIN):$$PATH"
export SAM_CLI_TELEMETRY := 0

.PHONY: help setup demo serve test bench integration lint format build validate deploy invoke-validate invoke-render \
        invoke-notify lock clean chromium

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: $(VENV)/.installed $(SAM_ENV)/.installed chromium ## Create .venv (project), .tools/sam (SAM CLI), Chromium

# The browser tests (tests/browser) drive Debian's chromium; Playwright never downloads a browser.
CHROMIUM := /usr/bin/chromium
chromium: ## Install Debian's chromium for the browser tests (apt-get, as root; skipped when present)
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing chromium with apt-get (for tests/browser)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium; } || \
		{ echo "make: could not install Debian's chromium (needs root and apt-get); tests/browser needs $(CHROMIUM)" >&2; \
		  exit 1; }; \
	fi
	@$(CHROMIUM) --version || { echo "make: $(CHROMIUM) is installed but does not run" >&2; exit 1; }

$(VENV)/.installed: pyproject.toml requirements-dev.txt layers/common/requirements.txt
	@python="$$(scripts/find-python $(PYTHON_VERSION))" && echo "Creating $(VENV) with $$python" && \
		"$$python" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(SAM_ENV)/.installed: requirements-tools.txt
	@python="$$(scripts/find-python $(PYTHON_VERSION))" && echo "Creating $(SAM_ENV) with $$python" && \
		"$$python" -m venv $(SAM_ENV)
	$(SAM_ENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_ENV)/bin/python -m pip install --quiet -r requirements-tools.txt
	@touch $@

demo: setup ## Run the whole pipeline on examples/posts locally and write _site/
	$(BIN)/pressroom local --posts examples/posts --out _site --report _site/report.json

serve: setup ## As demo, then serve _site/ on http://127.0.0.1:8000
	$(BIN)/pressroom local --posts examples/posts --out _site --report _site/report.json --serve

# pytest exits 5 when it collects no tests; make treats that as the failure it is.
test: setup ## Run the whole test suite (unit, functional, e2e, built artifacts)
	$(SAM_PATH) $(BIN)/pytest

integration: setup ## Tests against a deployed stack: make integration STACK=<name> (AWS credentials)
	PRESSROOM_STACK=$(or $(STACK),pressroom) $(BIN)/pytest tests/integration -m integration

bench: setup ## Full-size load: 1,000 posts, a republish, fault and disorder tests (several minutes)
	scripts/bench

lint: setup ## ruff, mypy (strict) and the template linters
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy layers/common/pressroom
	@for function in functions/*/; do echo "mypy $$function"; $(BIN)/mypy "$$function/app.py" || exit 1; done
	$(SAM) validate --lint

format: setup ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

validate: setup ## sam validate --lint (cfn-lint included)
	$(SAM) validate --lint

build: setup ## sam build into .aws-sam/build
	$(SAM_PATH) $(SAM) build

deploy: build ## sam deploy with samconfig.toml (first time: make deploy GUIDED=1; STACK=name to override)
	$(SAM) deploy $(if $(GUIDED),--guided) $(if $(STACK),--stack-name $(STACK))

invoke-validate: build ## sam local invoke ValidateFunction (needs Docker and a deployed stack)
	$(SAM) local invoke ValidateFunction -e events/validate.json --env-vars events/env.json

invoke-render: build ## sam local invoke RenderFunction (needs Docker and a deployed stack)
	$(SAM) local invoke RenderFunction -e events/render.json --env-vars events/env.json

invoke-notify: build ## sam local invoke NotifyFunction (needs Docker and a deployed stack)
	$(SAM) local invoke NotifyFunction -e events/notify.json --env-vars events/env.json

invoke-%: build ## sam local invoke for the other functions: make invoke-aggregate, invoke-assets, invoke-republish
	$(SAM) local invoke $(shell echo $* | sed 's/./\U&/')Function -e events/$*.json --env-vars events/env.json

lock: ## Re-resolve layers/common/requirements.txt from requirements.in
	scripts/lock-requirements

clean: ## Remove environments, build outputs and the demo site
	rm -rf $(VENV) .tools .aws-sam _site .pytest_cache .mypy_cache .ruff_cache .hypothesis
