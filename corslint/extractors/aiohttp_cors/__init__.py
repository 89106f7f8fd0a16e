"""aiohttp-cors `setup(app, defaults={...})` and `cors.add(route, {...})` (corslint.frameworks.aiohttp_cors models them)."""
