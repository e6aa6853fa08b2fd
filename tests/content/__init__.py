"""Tests of brochures.content."""
