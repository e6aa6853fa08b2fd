"""Tests of brochures.build."""
