"""Where a call's options come from a named mapping written in another statement
(`add_middleware(CORSMiddleware, **cors_settings)`, `CORS(app, **cors_config)`): that
mapping is where a missing option would be written, so findings caused by one (the
library's default origins) name it beside the call (rules.probe `related`)."""

from __future__ import annotations

import ast

from corslint.model import Evidence, Value


def options_object(node: ast.expr, value: Value) -> tuple[Evidence, ...]:
    """`options-object` evidence for a `**node` argument that resolved to `value`, a known
    mapping defined in another statement (not `**{...}` written in the call)."""
    if isinstance(node, ast.Dict) or not value.known or not isinstance(value.raw, dict):
        return ()
    if not value.related:
        return ()
    return (Evidence("options-object", "the options are defined here", value.related[0]),)
