"""The name of hand-written CORS code in a nameko HTTP entrypoint: a subclass of nameko's
`HttpRequestHandler` writing headers on the Werkzeug `Response` it makes
(`response.headers.add("Access-Control-Allow-Origin", ...)`, tyler46/nameko-http
nameko_http/http_api.py; SWEEP13 M5). The code is read as Flask's (the same Werkzeug
`Headers`), but the findings named it "Flask" code in a project without Flask: its policies
are named for nameko instead (`nameko_headers`, frameworks/python_headers.py)."""

from __future__ import annotations

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.unit import Unit, import_roots

NAMEKO_FRAMEWORK = "nameko_headers"
_FLASK_ROOTS = frozenset({"flask", "flask_restful", "flask_restx", "flask_smorest", "quart"})


def nameko_units(module: PythonModule, units: list[Unit]) -> set[int]:
    """The ids of the units read as Flask code in a module that imports nameko and no Flask."""
    roots = import_roots(module)
    if "nameko" not in roots or roots & _FLASK_ROOTS:
        return set()
    return {id(unit) for unit in units if unit.kind == "flask"}
