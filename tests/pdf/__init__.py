"""Tests of brochures.pdf."""
