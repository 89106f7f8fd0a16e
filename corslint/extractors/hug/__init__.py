"""hug (`hug.middleware.CORSMiddleware`)."""
