# Quick start: `make` installs everything into .venv and builds the sample catalogue into dist/;
# `make test` runs the test suite. Both install what they need themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages: HarfBuzz's subsetter (WeasyPrint subsets fonts with it) and poppler-utils
# (pdftoppm, pdffonts) for the tests and the README picture; zbar-tools (zbarimg) to decode the
# printed QR code in the tests; qpdf to check the structure of print-only booklets in the tests;
# libgs-common for the CMYK printer profile (default_cmyk.icc) that print-shop PDF/X files carry as
# their output intent.
DEBIAN_PACKAGES := libharfbuzz-subset0 poppler-utils zbar-tools qpdf libgs-common

.PHONY: all build test system-deps readme-picture clean

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP) system-deps
	$(BIN)/python build.py

system-deps:
	@command -v pdftoppm >/dev/null && command -v pdffonts >/dev/null && command -v zbarimg >/dev/null \
	  && command -v qpdf >/dev/null \
	  && test -f /usr/share/color/icc/ghostscript/default_cmyk.icc \
	  && /sbin/ldconfig -p | grep -q libharfbuzz-subset || { \
	  echo "installing Debian packages: $(DEBIAN_PACKAGES)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES); }

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

readme-picture: $(STAMP) system-deps
	$(BIN)/python scripts/readme_picture.py

clean:
	rm -rf dist $(VENV)
