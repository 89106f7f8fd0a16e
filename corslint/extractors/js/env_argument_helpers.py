"""A project helper handed one environment read that returns a literal when it is unset:
`parseOrigins(process.env.CLIENT_ORIGIN)` with `if (!value) return ["http://localhost:5173",
...]` first (0oLeono0/SkillSwap `backend/src/config/env.ts`), or an arrow `(env) => env ?
env.split(",") : [...]` (find_string `const parseOrigins = (` hit 715309880). When the variable is unset
the parameter is `undefined`, so that early exit is what the helper returns: judged as the
default of that variable, as `process.env.X || [...]` is."""

from __future__ import annotations

from typing import Any

from corslint.extractors.js.syntax import Node, single_parameter, unwrap, walk
from corslint.model import Location, Provenance, Value

_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


def env_argument_result(
    module: Any, found: tuple[Any, Node] | None, arguments: list[Node], use: Location, depth: int
) -> Value | None:
    """What `helper(process.env.X)` returns when X is unset, or None when not known so."""
    if found is None or len(arguments) != 1:
        return None
    argument = module.resolve(arguments[0], depth)
    if argument.known or not argument.env_var:
        return None
    home, function = found
    parameter = single_parameter(function)
    body = function.child_by_field_name("body")
    if parameter is None or body is None:
        return None
    exit_value = _when_missing(home, body, parameter)
    if exit_value is None or any(
        node.type == "identifier" and home.text(node) == parameter for node in walk(exit_value)
    ):
        return None
    value = home.resolve(exit_value, depth)
    if not value.known:
        return None
    return Value(
        value.raw, use, Provenance.ENV_DEFAULT, argument.env_var, value.description, (value.location,)
    )


def _when_missing(module: Any, body: Node, parameter: str) -> Node | None:
    """What the helper returns for a missing argument: the first statement's early exit, or
    the arm of an expression body `value ? value.split(",") : [...]` taken then."""
    if body.type != "statement_block":
        body = unwrap(body)
        if body.type != "ternary_expression":
            return None
        test = module.text(unwrap(body.child_by_field_name("condition"))).replace(" ", "")
        arm = {parameter: "alternative", f"!{parameter}": "consequence"}.get(test)
        return body.child_by_field_name(arm) if arm is not None else None
    for statement in (child for child in body.named_children if child.type != "comment"):
        if statement.type not in _DECLARATIONS:
            return _missing_exit(module, statement, parameter)
    return None


def _missing_exit(module: Any, statement: Node, parameter: str) -> Node | None:
    """X of `if (!parameter) return X;` (also in a block), the helper's first test."""
    if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
        return None
    condition = statement.child_by_field_name("condition")
    if condition is None or module.text(unwrap(condition)).replace(" ", "") != f"!{parameter}":
        return None
    consequence = statement.child_by_field_name("consequence")
    if consequence is not None and consequence.type == "statement_block":
        inner = [c for c in consequence.named_children if c.type != "comment"]
        consequence = inner[0] if len(inner) == 1 else None
    if consequence is None or consequence.type != "return_statement":
        return None
    returned = [c for c in consequence.named_children if c.type != "comment"]
    return returned[0] if len(returned) == 1 else None
