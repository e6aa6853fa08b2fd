"""Tests of brochures.builders."""
