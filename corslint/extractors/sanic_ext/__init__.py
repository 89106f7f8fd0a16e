"""Sanic Extensions built-in CORS: `sanic_ext.Config(cors_*=...)`."""
