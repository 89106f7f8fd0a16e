"""Litestar `CORSConfig(...)` configurations (corslint.frameworks.litestar models them)."""
