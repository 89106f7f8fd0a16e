"""Quart-CORS `cors(app, ...)` and `@route_cors(...)` (corslint.frameworks.quart_cors models them)."""
