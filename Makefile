# lai-chau: `make reports` and `make test` set up everything on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := lai-chau

.DEFAULT_GOAL := help
.PHONY: help install test lint reports notebooks lab bench clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv, install the package with its dev extra (pinned), register the kernel

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (lai-chau)" >/dev/null
	touch $@

lint: $(STAMP) ## ruff over the package, tests and notebooks
	$(BIN)/ruff check lai_chau tests benchmarks notebooks

test: $(STAMP) lint ## run every test: pytest, hypothesis, nbval, the browser
	$(BIN)/python -m pytest

reports: $(STAMP) ## render every report (vi and en) and reports/index.html
	$(BIN)/lai-chau render

notebooks: $(STAMP) ## re-execute notebooks in place to refresh their stored outputs
	$(BIN)/python -m lai_chau.notebooks refresh

lab: $(STAMP) ## start JupyterLab on notebooks/ with the lai-chau kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks \
	  --MappingKernelManager.default_kernel_name=$(KERNEL) \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## measure render time against the kernel-start floor
	$(BIN)/python benchmarks/bench.py

clean: ## remove the environment, caches and executed notebooks
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find reports -name '*.ipynb' -delete 2>/dev/null || true
