"""Cornice (Pyramid) service CORS."""
