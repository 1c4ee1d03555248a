# lai-chau: `make reports` and `make test` set up everything on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := lai-chau
SERVER_CONFIG := jupyter-config/jupyter_server_config.d/lai-chau.json
TEMPLATES := $(VENV)/share/jupyter/nbconvert/templates
# `make lab`: extra JupyterLab arguments (LAB_ARGS="--port 8899 --no-browser") and the directory
# it opens (LAB_DIR, default notebooks/)
LAB_ARGS ?=
LAB_DIR  ?= notebooks

.DEFAULT_GOAL := help
.PHONY: help install browser test lint reports notebooks lab bench clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP) browser ## create .venv, install the package with its dev and dask extras (pinned), register the kernel, chromium

# The browser tests need Debian's chromium (Playwright cannot download a browser here). Installed
# when missing and we are root; otherwise the exact command is printed and make stops: the
# browser tests are never skipped silently.
browser: ## install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing and the browser tests need it; run:" >&2; \
	    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2; \
	    echo "then make test again" >&2; exit 1; \
	  fi; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium still missing after apt-get" >&2; exit 1; }

$(STAMP): pyproject.toml constraints.txt $(SERVER_CONFIG)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,dask]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (lai-chau)" >/dev/null
	@# An editable install leaves out pyproject's data-files: put them in the venv by hand, the
	@# template as a link so edits show at once (lai_chau/render/lab.py, README "JupyterLab").
	install -D -m 644 $(SERVER_CONFIG) $(VENV)/etc/$(SERVER_CONFIG:jupyter-config/%=jupyter/%)
	mkdir -p $(TEMPLATES)
	ln -sfn $(CURDIR)/lai_chau/templates/lai-chau $(TEMPLATES)/lai-chau
	touch $@

lint: $(STAMP) ## ruff over the package, tests and notebooks
	$(BIN)/ruff check lai_chau tests benchmarks notebooks conftest.py

test: $(STAMP) browser lint ## run every test: pytest, hypothesis, nbval, the browser
	$(BIN)/python -m pytest

reports: $(STAMP) ## render every report (vi and en) and reports/index.html
	$(BIN)/lai-chau render

notebooks: $(STAMP) ## re-execute notebooks in place to refresh their stored outputs
	$(BIN)/python -m lai_chau.render.notebooks refresh

lab: $(STAMP) ## start JupyterLab on notebooks/ with the lai-chau kernel (LAB_ARGS="--port 8899 --no-browser")
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) \
	  --MappingKernelManager.default_kernel_name=$(KERNEL) \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(STAMP) ## measure render time against the kernel-start floor
	$(BIN)/python benchmarks/bench.py

clean: ## remove the environment, caches and executed notebooks
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find reports -name '*.ipynb' -delete 2>/dev/null || true
