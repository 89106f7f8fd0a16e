"""Origin functions that answer with a value (Hono's `(origin, c) => string`) and return
the request's own Origin outside production:

    function pickOrigin(origin: string): string {
      if (process.env.NODE_ENV === "production") {
        return LIVE_SITES.includes(origin) ? origin : LIVE_SITES[0];
      }
      return origin || "http://localhost:5173";
    }

(devMultibax/hono-test `server/src/middleware/cors.ts`, census 5 sample 205; also written
as `NODE_ENV === "production" ? listed(o) : o || dev`). Node sets no NODE_ENV of its own,
so a server started without it reflects every Origin (measured with hono 4.13). As for
`unset_stage` (the callback form): judged both ways, as two configurations that never run
together, unless the project sets NODE_ENV to production for its deployment."""

from __future__ import annotations

from corslint.extractors.express.origin_function_nodes import parameter_names, written_function
from corslint.extractors.express.unset_stage import STAGE_VARIABLE, holds_when_unset, production_declared
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import FunctionValue, Provenance, Value


def unset_stage_return_variant(
    module: JsModule, options: dict[str, Value]
) -> tuple[str, dict[str, Value]] | None:
    """(the branch of the unset case, the options as they run while NODE_ENV is unset), for
    an origin function whose NODE_ENV test sends the request's own Origin when unset."""
    origin = options.get("origin")
    if origin is None or not origin.known or not isinstance(origin.raw, FunctionValue):
        return None
    if origin.raw.kind == "reflect-all":
        return None
    found = written_function(module, origin)
    if found is None:
        return None
    home, function = found
    parameters = parameter_names(home, function)
    body = function.child_by_field_name("body")
    if not parameters or body is None or production_declared(home):
        return None
    split = _stage_split(home, body, parameters[0])
    if split is None:
        return None
    where = f"{split.start_point[0] + 1}:{split.start_point[1]}"
    unset = Value(
        FunctionValue("reflect-all"),
        origin.location,
        Provenance.ENV_DEFAULT,
        STAGE_VARIABLE,
        origin.description,
        origin.related,
    )
    return f"if@{where}", {**options, "origin": unset}


def _stage_split(module: JsModule, body: Node, origin_name: str) -> Node | None:
    """The `if` or `?:` whose NODE_ENV test leads, while unset, to returning the Origin."""
    body = unwrap(body)
    if body.type == "ternary_expression":
        return _ternary_split(module, body, origin_name)
    if body.type != "statement_block":
        return None
    statements = [c for c in body.named_children if c.type != "comment"]
    for index, statement in enumerate(statements):
        if statement.type == "return_statement":
            value = statement.named_children[0] if statement.named_children else None
            if value is not None and unwrap(value).type == "ternary_expression":
                return _ternary_split(module, unwrap(value), origin_name)
            return None
        if statement.type != "if_statement":
            if statement.type in {"lexical_declaration", "variable_declaration"}:
                continue
            return None
        condition = statement.child_by_field_name("condition")
        if statement.child_by_field_name("alternative") is not None or condition is None:
            return None
        if holds_when_unset(module, condition) is not False or not _always_returns(
            statement.child_by_field_name("consequence")
        ):
            return None
        following = statements[index + 1] if index + 1 < len(statements) else None
        if following is None or following.type != "return_statement" or not following.named_children:
            return None
        return statement if _sends_origin(module, following.named_children[0], origin_name) else None
    return None


def _ternary_split(module: JsModule, ternary: Node, origin_name: str) -> Node | None:
    condition = ternary.child_by_field_name("condition")
    when_unset = holds_when_unset(module, condition) if condition is not None else None
    if when_unset is None:
        return None
    taken = ternary.child_by_field_name("consequence" if when_unset else "alternative")
    return ternary if taken is not None and _sends_origin(module, taken, origin_name) else None


def _always_returns(node: Node | None) -> bool:
    if node is None:
        return False
    if node.type == "return_statement":
        return True
    parts = [c for c in node.named_children if c.type != "comment"] if node.type == "statement_block" else []
    return bool(parts) and parts[-1].type == "return_statement"


def _sends_origin(module: JsModule, node: Node, origin_name: str) -> bool:
    """`origin`, or `origin || fallback` / `origin ?? fallback`: the Origin whenever one is sent."""
    node = unwrap(node)
    if node.type == "identifier":
        return module.text(node) == origin_name
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) in {"||", "??"}:
        left = unwrap(node.child_by_field_name("left"))
        return left.type == "identifier" and module.text(left) == origin_name
    return False
