# pressroom's front door. `make demo` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON_VERSION := 3.13
VENV := .venv
BIN := $(VENV)/bin
SAM_ENV := .tools/sam
SAM := $(SAM_ENV)/bin/sam
SCAN_ENV := .tools/checkov
STACK ?=
# sam build resolves python3.13 on PATH; the project environment provides it.
SAM_PATH := PATH="$(CURDIR)/$(BIN):$$PATH"
export SAM_CLI_TELEMETRY := 0

.PHONY: help setup tools demo serve test test-later bench integration lint format build validate deploy lock clean chromium \
        docker sam-demo sam-local sam-local-stop bench-tools load deploy-env destroy scan mutate mutate-changed

help: ## List the targets
	@grep -E '^[a-z%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: tools chromium docker ## Create .venv, .tools/sam (SAM CLI); Chromium, Docker (for the tests and demos)

# What building and deploying need, on any OS and as any user: Python 3.13 and the SAM CLI.
tools: $(VENV)/.installed $(SAM_ENV)/.installed ## Create .venv and .tools/sam only (no root, no Docker, no browser)

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

# sam local and tests/containers run the functions in Lambda containers: Debian's docker.io (the
# engine) and debootstrap (which builds the stand-in Lambda image when no registry is reachable).
DOCKERD_LOG := /var/log/pressroom-dockerd.log
docker: ## Install Debian's docker.io and debootstrap and start dockerd (apt-get, as root; skipped when present)
	@if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then \
		echo "Installing docker.io and debootstrap with apt-get (for sam local and tests/containers)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends docker.io debootstrap; } || \
		{ echo "make: could not install docker.io and debootstrap (needs root and apt-get)" >&2; exit 1; }; \
	fi
	@if ! docker info >/dev/null 2>&1; then \
		echo "Starting dockerd in the background (its log: $(DOCKERD_LOG))"; \
		nohup dockerd >$(DOCKERD_LOG) 2>&1 & \
		for attempt in $$(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done; \
		docker info >/dev/null 2>&1 || { echo "make: dockerd did not start; see $(DOCKERD_LOG)" >&2; exit 1; }; \
	fi

$(VENV)/.installed: pyproject.toml requirements-dev.txt layers/core/requirements.txt layers/render/requirements.txt \
		layers/images/requirements.txt
	@python="$$(scripts/find-python $(PYTHON_VERSION))" && echo "Creating $(VENV) with $$python" && \
		"$$python" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# A tool in an environment of its own, from the requirements file the target depends on.
define install_tool_environment
	@python="$$(scripts/find-python $(PYTHON_VERSION))" && echo "Creating $(@D) with $$python" && \
		"$$python" -m venv $(@D)
	$(@D)/bin/python -m pip install --quiet --upgrade pip
	$(@D)/bin/python -m pip install --quiet -r $<
	@touch $@
endef

$(SAM_ENV)/.installed: requirements-tools.txt
	$(install_tool_environment)

$(SCAN_ENV)/.installed: requirements-scan.txt
	$(install_tool_environment)

demo: setup ## Run the whole pipeline on examples/ (posts and pages) locally and write _site/
	$(BIN)/pressroom local --site examples --out _site --report _site/report.json

serve: setup ## As demo, then serve _site/ on http://127.0.0.1:8000
	$(BIN)/pressroom local --site examples --out _site --report _site/report.json --serve

sam-demo: setup ## As demo, with every function in a Lambda container (Docker, sam local); writes _site-sam/
	$(BIN)/pressroom local --sam --posts examples/posts --out _site-sam --report _site-sam/report.json

sam-local: setup ## Keep an emulated stack running in Docker for sam local invoke (then: make invoke-<name>)
	$(BIN)/pressroom sam-local start

sam-local-stop: ## Remove make sam-local's container and Docker network
	$(BIN)/pressroom sam-local stop

# pytest exits 5 when it collects no tests; make treats that as the failure it is. The suite records
# every AWS call the functions make (PRESSROOM_AWS_CALLS); tests/permissions then checks each one
# against the function's role in template.yaml, as IAM would on AWS.
AWS_CALLS := $(CURDIR)/.pytest_cache/aws-calls
test: setup ## Run the whole test suite on every core, then check every AWS call it made against the roles
	rm -rf $(AWS_CALLS)
	PRESSROOM_AWS_CALLS=$(AWS_CALLS) $(SAM_PATH) $(BIN)/pytest -n auto --dist loadfile
	PRESSROOM_AWS_CALLS=$(AWS_CALLS) $(BIN)/pytest tests/permissions

# The suite again as if it were two later dates (the local stacks, the functions and the tools
# read PRESSROOM_NOW's clock): nothing may depend on the calendar year. CI runs it after `make test`.
LATER_DATES := 2031-01-01T00:00:00Z 2040-01-01T00:00:00Z
test-later: setup ## Run `make test` with the clock moved to 2031-01-01 and to 2040-01-01
	@for date in $(LATER_DATES); do \
		echo "== make test, as if it were $$date"; \
		PRESSROOM_NOW=$$date $(MAKE) --no-print-directory test || exit 1; \
	done

# Mutation testing (mutmut 3) of the modules listed in pyproject.toml's [tool.mutmut]: every mutant
# the unit suite lets live is killed by a test or listed in tests/equivalent_mutants.toml.
mutate: $(VENV)/.installed ## Mutation testing of the modules where a mistake hurts (30-50 min on 2 cores); updates docs/TESTING.md
	$(BIN)/python scripts/mutate

mutate-changed: $(VENV)/.installed ## As mutate, only the modules the branch and uncommitted changes touch: run before committing
	$(BIN)/python scripts/mutate --changed

integration: tools ## Tests against a deployed stack: make integration STACK=<name> (AWS credentials)
	PRESSROOM_STACK=$(or $(STACK),pressroom) $(BIN)/pytest tests/integration -m integration

bench: setup bench-tools ## Every speed and cost budget, side by side, into docs/BENCHMARKS.md (QUICK=1: 100 posts)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

load: setup ## Full-size load: 1,000 posts, a republish, fault and disorder tests (several minutes)
	scripts/load

# bench/site_generators.py builds the same posts with Hugo and Pelican too: Debian's hugo, and
# Pelican (with its Markdown reader) in its own environment, .tools/bench.
BENCH_ENV := .tools/bench
bench-tools: $(BENCH_ENV)/.installed ## Install hugo (apt-get) and Pelican (.tools/bench) for make bench
	@if ! command -v hugo >/dev/null; then \
		echo "Installing hugo with apt-get (for bench/site_generators.py)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends hugo; } || \
		{ echo "make: could not install Debian's hugo (needs root and apt-get)" >&2; exit 1; }; \
	fi
	@hugo version || { echo "make: hugo is installed but does not run" >&2; exit 1; }

$(BENCH_ENV)/.installed: bench/requirements.txt
	$(install_tool_environment)

lint: tools ## ruff, mypy (strict) and the template linters
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy runtime/pressroom tooling/pressroom_tools bench
	@for function in functions/*/; do echo "mypy $$function"; $(BIN)/mypy "$$function/app.py" || exit 1; done
	@# Tests are strict too, but may leave test functions unannotated; each folder is checked on
	@# its own, as pytest imports it (its conftest and helpers beside it).
	@for suite in tests/*/; do echo "mypy $$suite"; MYPYPATH=tests:$$suite $(BIN)/mypy --allow-untyped-defs \
		--allow-incomplete-defs "$$suite" || exit 1; done
	$(SAM) validate --lint
	@$(MAKE) --no-print-directory scan

# Every check checkov fails is either fixed or skipped in the resource's Metadata, with the reason.
scan: $(SCAN_ENV)/.installed ## checkov on template.yaml: zero failures (skips carry their reasons)
	$(SCAN_ENV)/bin/checkov --file template.yaml --framework cloudformation --skip-download --compact --quiet

format: tools ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

validate: tools ## sam validate --lint (cfn-lint included)
	$(SAM) validate --lint

build: tools ## sam build into .aws-sam/build
	$(SAM_PATH) $(SAM) build

ENV ?= default
deploy: deploy-env build ## sam deploy with samconfig.toml's ENV section (ENV=dev|prod; first time: GUIDED=1; STACK=name to override)
	$(SAM) deploy --config-env $(ENV) $(if $(GUIDED),--guided) $(if $(STACK),--stack-name $(STACK))

destroy: tools deploy-env ## Take ENV's stack down: empty the site, delete the stack, keep the uploads (YES=1 to go ahead; DELETE_UPLOADS=1 too)
	@stack="$$($(BIN)/python -c "import tomllib; print(tomllib.load(open('samconfig.toml', 'rb'))['$(ENV)']['global']['parameters']['stack_name'])")" && \
		$(BIN)/pressroom destroy --stack "$(or $(STACK),$$stack)" $(if $(DELETE_UPLOADS),--delete-uploads) $(if $(YES),--yes)

deploy-env: # ENV must name a section of samconfig.toml, before anything is built
	@grep -q '^\[$(ENV)\.deploy\.parameters\]' samconfig.toml || \
		{ echo "make: samconfig.toml has no [$(ENV).deploy.parameters]; ENV is one of:" \
			$$(sed -n 's/^\[\([a-z]*\)\.deploy\.parameters\]/\1/p' samconfig.toml) >&2; exit 2; }

# After make sam-local, against its emulated stack; otherwise against a deployed stack, with the
# events in events/ and your copy of events/env.example.json as events/env.json.
SAM_LOCAL_STATE := .aws-sam/local/stack/state.json
invoke-%: setup ## Run one function in a Lambda container: make invoke-validate (render, notify, aggregate, assets, images, republish)
	@if [ -f $(SAM_LOCAL_STATE) ]; then \
		$(BIN)/pressroom sam-local invoke $*; \
	else \
		echo "No make sam-local stack is running: invoking against the deployed stack in events/env.json"; \
		[ -f events/env.json ] || { echo "make: copy events/env.example.json to events/env.json and fill in \
your stack's outputs, or run make sam-local first" >&2; exit 1; }; \
		$(SAM_PATH) $(SAM) build && \
		$(SAM) local invoke $$(echo $* | sed 's/./\U&/')Function -e events/$*.json --env-vars events/env.json; \
	fi

lock: ## Re-resolve layers/{core,render,images}/requirements.txt from their requirements.in
	scripts/lock-requirements

clean: ## Remove environments, build outputs and the demo site
	rm -rf $(VENV) .tools .aws-sam _site _site-sam .pytest_cache .mypy_cache .ruff_cache .hypothesis .mutmut
