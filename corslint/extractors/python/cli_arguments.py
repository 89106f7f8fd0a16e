"""Command-line defaults: `args.allowed_origins` where `args = parser.parse_args()` and
`parser.add_argument("--allowed-origins", type=json.loads, default=["*"])`.

The default is what the server runs with unless the option is given, as an environment
default is; it is judged and named ("when --allowed-origins is unset"). argparse passes
a string default through `type` (and only a string), `store_true` defaults to False and
`store_false` to True, an option without a default is None.
"""

from __future__ import annotations

import ast
import json

from corslint.extractors.python.functions import CallResolver
from corslint.extractors.python.scope import Scope
from corslint.model import Provenance, Value

PARSERS = frozenset({"argparse.ArgumentParser"})
_PARSE = frozenset({"parse_args", "parse_known_args", "parse_intermixed_args"})


def option_default(module: CallResolver, node: ast.Attribute, scope: Scope) -> Value | None:
    """The default of the option `node.attr` of the namespace `node.value` stands for, or
    None when `node.value` is no parsed namespace."""
    parser = _parser_of(module, node.value, scope)
    if parser is None:
        return None
    receivers = {parser.id} | _groups(module, parser)
    for call in module.calls:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "add_argument"
            and isinstance(func.value, ast.Name)
            and func.value.id in receivers
            and _dest(call) == node.attr
        ):
            return _default(module, call, scope)
    return None


def _parser_of(module: CallResolver, namespace: ast.expr, scope: Scope) -> ast.Name | None:
    """`parser` of `args = parser.parse_args()` (or `parser.parse_known_args()[0]`)."""
    if not isinstance(namespace, ast.Name):
        return None
    found = module.lookup(namespace.id, namespace, scope)
    made = found.node if found.kind == "value" else None
    if isinstance(made, ast.Subscript):  # parse_known_args()[0]
        made = made.value
    if not (
        isinstance(made, ast.Call)
        and isinstance(made.func, ast.Attribute)
        and made.func.attr in _PARSE
        and isinstance(made.func.value, ast.Name)
    ):
        return None
    parser = made.func.value
    bound = module.lookup(parser.id, parser, scope)
    if (
        bound.kind == "value"
        and isinstance(bound.node, ast.Call)
        and (module.qualified_name(bound.node.func) or "") in PARSERS
    ):
        return parser
    return None


def _groups(module: CallResolver, parser: ast.Name) -> set[str]:
    """Names bound to `parser.add_argument_group(...)` / `add_mutually_exclusive_group`."""
    names: set[str] = set()
    for node in module.nodes:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in {"add_argument_group", "add_mutually_exclusive_group"}
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id == parser.id
        ):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _dest(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "dest" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    long = next((f for f in flags if f.startswith("--")), None)
    chosen = long or next((f for f in flags if f.startswith("-")), None)
    if chosen is None:
        return None  # a positional argument: always given
    return chosen.lstrip("-").replace("-", "_")


def _default(module: CallResolver, call: ast.Call, scope: Scope) -> Value:
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    flag = next((a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)), "")
    location = module.location(call)
    action = module.resolve(keywords["action"], scope) if "action" in keywords else None
    if "default" in keywords:
        value = module.resolve(keywords["default"], scope)
    elif action is not None and action.raw in ("store_true", "store_false"):
        value = Value(action.raw == "store_false", location)
    else:
        value = Value(None, location)
    if not value.known:
        return value
    if isinstance(value.raw, str) and "type" in keywords:
        value = _typed(module, keywords["type"], value, call)
        if not value.known:
            return value
    return Value(
        value.raw, location, Provenance.ENV_DEFAULT, str(flag), related=(value.location, *value.related)
    )


def _typed(module: CallResolver, kind: ast.expr, value: Value, call: ast.Call) -> Value:
    """argparse converts a string default with `type`."""
    name = module.qualified_name(kind) or ""
    text = value.raw
    try:
        if name == "json.loads":
            decoded = json.loads(text)
            if isinstance(decoded, list) and all(isinstance(item, str) for item in decoded):
                return Value(tuple(Value(item, value.location) for item in decoded), value.location)
            if isinstance(decoded, (str, int, bool)):
                return Value(decoded, value.location)
        elif name in {"int", "float", "str"}:
            return Value({"int": int, "float": float, "str": str}[name](text), value.location)
    except ValueError:
        pass
    return module.unknown(
        call, f"{module.source(call)} (its default goes through type={module.source(kind)})"
    )
