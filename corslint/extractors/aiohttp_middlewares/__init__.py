"""aiohttp-middlewares (`cors_middleware(...)`)."""
