"""An allow-list test kept in a `let` that a later statement widens only to requests without
an Origin:

    let isAllowed = whitelist.includes("*") || whitelist.includes(origin) || !isProduction;
    if (!originStrict) {
      isAllowed = isAllowed || !origin;
    }
    if (isAllowed) callback(null, true); else callback("Domain not allowed by CORS");

(99percent6/nodejs-skeleton `src/middlewares/cors.ts`). `x = x || !origin` adds no origin a
browser sends, whether or not its `if` runs: the `let`'s first value is the test, and a
missing Origin is taken as admitted (the widest reading of the two). Any other assignment
to the local leaves the test unread."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def widened_let(module: JsModule, local: str, origin: str) -> tuple[Node, bool] | None:
    """The `let`'s initial test, and whether an assignment widens it to a missing Origin;
    None unless `local` is declared once with a value and only ever widened that way."""
    declarators = module.declarators.get(local, [])
    if len(declarators) != 1 or declarators[0].type != "variable_declarator":
        return None
    value = declarators[0].child_by_field_name("value")
    assignments = module.assignments.get(local, [])
    if value is None or not assignments:
        return None
    for assignment in assignments:
        left = unwrap(assignment.child_by_field_name("left"))
        right = unwrap(assignment.child_by_field_name("right"))
        if module.text(left) != local or not _widens_to_missing(module, right, local, origin):
            return None
    return unwrap(value), True


def _widens_to_missing(module: JsModule, right: Node, local: str, origin: str) -> bool:
    """`local || !origin` (either order)."""
    if right.type != "binary_expression" or module.text(right.child_by_field_name("operator")) != "||":
        return False
    sides = {
        module.text(unwrap(right.child_by_field_name("left"))).replace(" ", ""),
        module.text(unwrap(right.child_by_field_name("right"))).replace(" ", ""),
    }
    return sides == {local, f"!{origin}"}
