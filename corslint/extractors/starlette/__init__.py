"""FastAPI / Starlette `CORSMiddleware`: the extractor (`extractor`; the app each layer is
attached to is the shared reader `python/app_layers`), and the routes and authentication the rules weigh (`routes`)."""
