"""Firebase Functions for Python: `@https_fn.on_request(cors=options.CorsOptions(...))`,
read with `ast` onto the Flask-CORS model (census 12 B3, 2024capstone-LooK/LooK
functions/main.py).

firebase-functions (0.6.0, `firebase_functions/https_fn.py` `on_request`) wraps the handler,
when `cors` is given, in `flask_cors.cross_origin(methods=cors.cors_methods,
origins=cors.cors_origins)`: a route-level Flask-CORS layer with exactly those two options,
each None when left out (Flask-CORS then takes None as written, not its default). The
JavaScript SDK's `onRequest({cors})` is `express/firebase_https.py`'s. A `cors=` value that
is no `CorsOptions(...)` call corslint reads stays unknown (CORS305); `cors=None` adds nothing.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.model import CorsPolicy, Extraction, Provenance, Value

ON_REQUEST = frozenset({"firebase_functions.https_fn.on_request"})
CORS_OPTIONS = frozenset({"firebase_functions.options.CorsOptions"})
# CorsOptions' fields in order, and the cross_origin keyword each is handed as
_FIELDS = (("cors_origins", "origins"), ("cors_methods", "methods"))


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for function in ast.walk(module.tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in function.decorator_list:
            if not isinstance(decorator, ast.Call) or module.qualified_name(decorator.func) not in ON_REQUEST:
                continue
            written = next((kw.value for kw in decorator.keywords if kw.arg == "cors"), None)
            if written is None or (isinstance(written, ast.Constant) and written.value is None):
                continue  # no CORS: the handler alone answers
            options = _options(module, written)
            location = module.location(decorator)
            policies.append(
                CorsPolicy(
                    framework="flask_cors",
                    location=location,
                    options=options,
                    development_only=is_development_path(path),
                    label=f"Firebase `https_fn.on_request(cors=...)` (Flask-CORS) on {function.name}",
                    scope="/",
                    probe_path="/",
                    app=f"{path}::firebase {function.name}",
                    route_level=True,
                )
            )
    return Extraction(policies=tuple(policies))


def _options(module: PythonModule, written: ast.expr) -> dict[str, Value]:
    """The cross_origin keywords the CorsOptions value becomes."""
    use = module.location(written)
    if not isinstance(written, ast.Call) or module.qualified_name(written.func) not in CORS_OPTIONS:
        why = module.source(written)
        return {"**": Value(None, use, Provenance.UNKNOWN, description=why)}
    if any(isinstance(arg, ast.Starred) for arg in written.args) or any(
        kw.arg is None for kw in written.keywords
    ):
        return {"**": Value(None, use, Provenance.UNKNOWN, description=module.source(written))}
    given: dict[str, ast.expr] = {field: arg for (field, _), arg in zip(_FIELDS, written.args, strict=False)}
    given.update({kw.arg: kw.value for kw in written.keywords if kw.arg is not None})
    options: dict[str, Value] = {}
    for field, keyword in _FIELDS:
        node = given.get(field)
        options[keyword] = module.resolve(node) if node is not None else Value(None, use)
    return options
