"""Tests of brochures.html."""
