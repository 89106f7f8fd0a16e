"""A test kept in a `const` before the `if` that reads it: `const isPreflight =
/options/i.test(req.method); if (isPreflight)` (Fastify hooks, e.g. find_string ids
13047840647, 43823823900, 627748712), `const known = pattern.test(origin); if (!known)`
(18022682515/server-demo `middleware/cors.js`). The `if` is read as if it held the test."""

from __future__ import annotations

from corslint.extractors.express.flag_tests import flag_test
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_TESTS = frozenset({"call_expression", "binary_expression", "unary_expression"})


def copied_test(module: JsModule, use: Node) -> Node | None:
    """The test a `const` named by `use` holds, when it is bound once and never reassigned."""
    value = module.binding(module.text(use))
    if value is None:
        return flag_test(module, use)  # `let ok = false; if (test) ok = true;`
    declarator = value.parent
    declaration = declarator.parent if declarator is not None else None
    if declaration is None or declaration.type != "lexical_declaration":
        return None
    if module.text(declaration).split(None, 1)[0] != "const":
        return None
    value = unwrap(value)
    return value if value.type in _TESTS else None
