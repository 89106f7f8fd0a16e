"""Flask-CORS configurations; the registry loads `corslint.extractors.flask.extractor`."""
