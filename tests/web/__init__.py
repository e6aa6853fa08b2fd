"""Tests of brochures.web: the web edition, in a real headless Chromium."""
