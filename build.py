#!/usr/bin/env python3
"""Build the brochures: see `python build.py --help`."""

from brochures.cli import run

if __name__ == "__main__":
    run()
