#!/usr/bin/env python3
"""Build the brochures: see `python build.py --help`."""

import sys

from brochures.cli import main

if __name__ == "__main__":
    sys.exit(main())
