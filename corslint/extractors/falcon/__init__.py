"""Falcon `CORSMiddleware(...)` and `falcon.App(cors_enable=True)` (corslint.frameworks.falcon models them)."""
