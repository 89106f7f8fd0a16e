"""Flask-CORS under an app's own `after_request` hook that writes Allow-Origin on every
response, registered after `CORS(app)` (census 10 C4): the extension never decides any
response (CORS303, whole layer). How such a hook is read: extractors/python/overriding_hooks.py."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python.overriding_hooks import overriding_hook as _overriding_detail
from corslint.model import Evidence


def overriding_hook(module: PythonModule, call: ast.Call) -> Evidence | None:
    """The evidence that a later hook of the same app writes Allow-Origin first on every
    response, where `call` is a module-level `CORS(app, ...)`; None otherwise."""
    detail = _overriding_detail(module, call)
    if detail is None:
        return None
    return Evidence("not-applied", detail, module.location(call), whole_layer=True)
