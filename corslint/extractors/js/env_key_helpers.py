"""A project's thin wrapper around one environment read, called with the variable's name
and a fallback:

    function fromEnv(key: string, fallback: string): string {
      return process.env[key] || fallback;
    }
    export const config = { web: { origin: fromEnv("WEB_ORIGIN", "http://localhost:5173") } };

(0019-KDU/three-tier-app-devops-platform `backend/src/config/index.ts`, census 5 sample 230;
also `optional(key, fallback)`). The call reads the named variable and falls back to its
second argument, as `process.env.WEB_ORIGIN || "http://localhost:5173"` does: the fallback
is judged "when WEB_ORIGIN is unset"."""

from __future__ import annotations

from typing import Any

from corslint.extractors.js.dotenv_values import committed_env_value
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location, Provenance, Value


def env_key_result(
    module: Any, found: tuple[Any, Node] | None, arguments: list[Node], use: Location, depth: int
) -> Value | None:
    """What `helper("X", fallback)` returns with X unset, when the helper is such a wrapper."""
    if found is None or len(arguments) != 2:
        return None
    key = string_value(unwrap(arguments[0]))
    home, function = found
    parameters = _plain_parameters(home, function)
    if key is None or parameters is None or len(parameters) != 2:
        return None
    returned = _returned(function)
    if returned is None or returned.type != "binary_expression":
        return None
    if home.text(returned.child_by_field_name("operator")) not in {"||", "??"}:
        return None
    read, fallback = (
        unwrap(returned.child_by_field_name("left")),
        unwrap(returned.child_by_field_name("right")),
    )
    if home.text(fallback) != parameters[1] or not _reads_env_by(home, read, parameters[0]):
        return None
    committed: Value | None = committed_env_value(module, key, use)
    if committed is not None:
        return committed
    value: Value = module.resolve(arguments[1], depth)
    if not value.known:
        unknown: Value = module.unknown(arguments[1], key)
        return unknown
    return Value(
        value.raw, value.location, Provenance.ENV_DEFAULT, key, f"{key} (its fallback)", value.related
    )


def _plain_parameters(module: Any, function: Node) -> list[str] | None:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return None
    names = []
    for parameter in parameters.named_children:
        if parameter.type == "comment":
            continue
        target = (
            parameter.child_by_field_name("pattern") if parameter.type == "required_parameter" else parameter
        )
        if target is None or target.type != "identifier":
            return None
        names.append(module.text(target))
    return names


def _returned(function: Node) -> Node | None:
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return unwrap(body)
    statements = [c for c in body.named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement" or not statements[0].named_children:
        return None
    return unwrap(statements[0].named_children[0])


def _reads_env_by(module: Any, node: Node, parameter: str) -> bool:
    """`process.env[key]`."""
    if node.type != "subscript_expression":
        return False
    holder, index = node.child_by_field_name("object"), node.child_by_field_name("index")
    return (
        holder is not None
        and index is not None
        and module.text(holder).replace(" ", "") == "process.env"
        and module.text(unwrap(index)) == parameter
    )
