"""A Flask view that writes `Access-Control-Allow-Origin` by hand under a Flask-CORS
`@cross_origin()` that admits every origin: every answer the view writes the header on
carries two Allow-Origin values, so browsers reject it (sweep 12 Y4: alerta/alerta
alerta/views/oembed.py, `@cross_origin()` over a view returning `'Access-Control-Allow-Origin':
'*'`).

flask-cors 6.0.5 (measured in tests/test_differential_flask_view_doubled_origin.py): the
decorator calls the view, then `set_cors_headers` `add`s its own headers to the response;
with the default origins (`*`) it adds an Allow-Origin for every request (the Origin
reflected, or `*` without one), so the view's value is never sent alone. Its preflights are
the decorator's own (automatic_options: the view does not run).

Only for a decorator call without arguments that choose origins (no positional argument,
no `origins` / `resources` keyword, no `**`), listed below a route decorator (applied to the
view before the route registers it). Anything else: no evidence."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.model import Evidence

CROSS_ORIGIN = "flask_cors.cross_origin"
# the evidence kind CORS105 / CORS101 read: this layer's Allow-Origin is never sent alone
ORIGIN_DOUBLED = "origin-doubled"
_ROUTE_DECORATORS = ("route", "get", "post", "put", "patch", "delete")


def doubled_origin_evidence(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[Evidence, ...]:
    """`origin-doubled` evidence for a view under an every-origin `@cross_origin()`."""
    decorators = function.decorator_list
    for index, decorator in enumerate(decorators):
        if not isinstance(decorator, ast.Call) or module.qualified_name(decorator.func) != CROSS_ORIGIN:
            continue
        if decorator.args or any(k.arg in (None, "origins", "resources") for k in decorator.keywords):
            return ()
        routed = any(
            isinstance(above, ast.Call)
            and isinstance(above.func, ast.Attribute)
            and above.func.attr in _ROUTE_DECORATORS
            for above in decorators[:index]
        )
        if not routed:
            return ()
        detail = (
            "`@cross_origin()` adds its own `Access-Control-Allow-Origin` for every origin after "
            "the view returns: the view's value is never sent alone"
        )
        return (Evidence(ORIGIN_DOUBLED, detail, module.location(decorator)),)
    return ()
