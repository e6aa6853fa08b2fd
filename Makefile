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
# their output intent; ghostscript to print filled forms in the tests; chromium and chromium-driver for
# the browser tests of the web edition and the screenshots; openssl for the certificates of the mail
# server the kit-mailing tests start. axe-core, pdfjs-dist and commonmark-spec come from the npm
# registry with the npm of the machine's Node.js (Debian's npm package would conflict with it).
DEBIAN_PACKAGES := libharfbuzz-subset0 poppler-utils zbar-tools qpdf libgs-common ghostscript chromium chromium-driver \
                   openssl
AXE := node_modules/axe-core/axe.min.js

.PHONY: all build test wheel system-deps readme-picture screenshots clean

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The package's modules compiled ahead (as pip does for an installed package): each run of build.py
# would otherwise compile them again where PYTHONDONTWRITEBYTECODE is set, a tenth of a second or more.
build: $(STAMP) system-deps
	$(BIN)/python -m compileall -q brochures
	$(BIN)/python build.py

system-deps:
	@command -v pdftoppm >/dev/null && command -v pdffonts >/dev/null && command -v zbarimg >/dev/null \
	  && command -v qpdf >/dev/null && command -v gs >/dev/null && command -v openssl >/dev/null \
	  && test -f /usr/share/color/icc/ghostscript/default_cmyk.icc \
	  && [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
	  && /sbin/ldconfig -p | grep -q libharfbuzz-subset || { \
	  echo "installing Debian packages: $(DEBIAN_PACKAGES)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES); }

# axe-core, pdfjs-dist and commonmark-spec (the CommonMark examples the corpus test builds) for the
# accessibility, form, reader and corpus tests, from the npm registry at install time (never at test time).
$(AXE): package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

test: $(STAMP) system-deps $(AXE)
	$(BIN)/python -m pytest

# The sdist and the wheel a clinic installs with pip, into wheelhouse/ (dist/ holds the brochures).
# -P: the checkout's build.py must not stand in for the `build` package.
wheel: $(STAMP)
	$(BIN)/python -P -m build --outdir wheelhouse .

readme-picture: $(STAMP) system-deps
	$(BIN)/python scripts/readme_picture.py

screenshots: $(STAMP) system-deps
	$(BIN)/python scripts/web_screenshots.py

clean:
	rm -rf dist wheelhouse $(VENV) node_modules
