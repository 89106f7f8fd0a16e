"""An Origin picked from an allow-list into a variable that is then tested and written:
`const origin = SITES.has(o) ? o : ""` (`o` the request's Origin), or the same ternary
returned by a same-file helper, `const origin = matchingOrigin(req)`; then `if (origin)
res.setHeader("Access-Control-Allow-Origin", origin)`. The test is the allow-list check, the
value the request's Origin when it passes. Seen in: 11degenerates/breakupbot `lib/cors.ts`
(`pickOrigin`-style helper returning `SET.has(o) ? o : ""`, called by `applyCors(req, res)`
in Next.js pages API routes)."""

from __future__ import annotations

import re

from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap

_ORIGIN_READ = re.compile(
    r"""^\w+\.headers(?:\.origin|\[\s*['"`]origin['"`]\s*\]|\.get\(\s*['"`]origin['"`]\s*\))"""
    r"""(?:\s*(?:\|\||\?\?)\s*(?:['"`]{2}|null|undefined))?$""",
    re.IGNORECASE,
)
_FALSY = frozenset({'""', "''", "``", "null", "undefined", "false"})


def picked_origin(module: JsModule, use: Node) -> tuple[Node, str] | None:
    """For a variable holding such a pick: the allow-list test, and the name under which
    it reads the Origin (both in `module`); None for anything else."""
    if use.type != "identifier":
        return None
    bound = declared_value(module, module.text(use), use)
    if bound is None:
        return None
    bound = unwrap(bound)
    if bound.type == "ternary_expression":
        return _pick(module, bound)
    if bound.type != "call_expression":
        return None
    callee = bound.child_by_field_name("function")
    helper = (
        module.top_function(module.text(callee))
        if callee is not None and callee.type == "identifier"
        else None
    )
    body = helper.child_by_field_name("body") if helper is not None else None
    if body is None:
        return None
    if body.type != "statement_block":
        return _pick(module, unwrap(body)) if unwrap(body).type == "ternary_expression" else None
    statements = [s for s in body.named_children if s.type != "comment"]
    if not statements or statements[-1].type != "return_statement":
        return None
    returned = [c for c in statements[-1].named_children if c.type != "comment"]
    if len(returned) != 1 or unwrap(returned[0]).type != "ternary_expression":
        return None
    return _pick(module, unwrap(returned[0]))


def picked_value(module: JsModule, use: Node) -> bool:
    """Whether `use` names a pick made by a helper call (its value is the Origin when the
    test passes; a ternary in place is read arm by arm by the interpreter itself)."""
    if picked_origin(module, use) is None:
        return False
    bound = declared_value(module, module.text(use), use)
    return bound is not None and unwrap(bound).type == "call_expression"


def _pick(module: JsModule, ternary: Node) -> tuple[Node, str] | None:
    condition = ternary.child_by_field_name("condition")
    chosen = ternary.child_by_field_name("consequence")
    other = ternary.child_by_field_name("alternative")
    if condition is None or chosen is None or other is None:
        return None
    other = unwrap(other)
    if not (module.text(other) in _FALSY or string_value(other) == ""):
        return None
    chosen = unwrap(chosen)
    if chosen.type != "identifier":
        return None
    name = module.text(chosen)
    read = declared_value(module, name, chosen)
    if read is None or not _ORIGIN_READ.match(module.text(unwrap(read)).strip()):
        return None
    return condition, name
