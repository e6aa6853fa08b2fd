"""Tests of brochures.preview."""
