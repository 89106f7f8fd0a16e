"""A Django class view that serves GET and HEAD alone: `View.dispatch` (and DRF's
`APIView.dispatch`) answers every method the class defines no handler for with 405, so
its CORS headers only ever reach simple reads, which are never preflighted (CORS206's
`reads-only`, as for a Tornado handler defining `get` only). Only where every base is
Django's `View` or DRF's `APIView`, which define no handler of their own but `options`
(a mixin or a generic view may bring `post`)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.unit import HTTP_VERBS
from corslint.model import Evidence

_BARE_BASES = frozenset(
    {
        "django.views.View",
        "django.views.generic.View",
        "django.views.generic.base.View",
        "rest_framework.views.APIView",
    }
)


def get_only_view(module: PythonModule, node: ast.ClassDef) -> tuple[Evidence, ...]:
    if not node.bases or any((module.qualified_name(base) or "") not in _BARE_BASES for base in node.bases):
        return ()
    if any(
        isinstance(item, ast.Assign | ast.AnnAssign) and "http_method_names" in ast.unparse(item)
        for item in node.body
    ):
        return ()  # an own list of methods: left as it was
    verbs = {
        item.name for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    } & set(HTTP_VERBS)
    if "get" not in verbs or not verbs <= {"get", "head", "options"}:
        return ()
    return (Evidence("reads-only", f"view {node.name} serves GET and HEAD only", module.location(node)),)
