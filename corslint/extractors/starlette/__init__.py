"""FastAPI / Starlette `CORSMiddleware`: the extractor (`extractor`), the app each layer is
attached to (`pipelines`), and the routes and authentication the rules weigh (`routes`)."""
