PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench shapes docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

demo: setup
	MPLBACKEND=Agg $(BIN)/spatialccd demo -o out/demo --overwrite

test: setup
	MPLBACKEND=Agg $(BIN)/python -m pytest -q

bench: setup
	MPLBACKEND=Agg $(BIN)/python benchmarks/run.py

docs: setup
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	NO_MKDOCS_2_WARNING=1 MPLBACKEND=Agg $(BIN)/python -m mkdocs build --strict

shapes: setup
	$(BIN)/python shapes/build_shapes.py --out spatialccd/data/china_provinces.geojson

clean:
	rm -rf $(VENV) out .pytest_cache site
