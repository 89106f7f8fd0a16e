"""The fallback of a `${NAME:default}` placeholder that a project's `re.sub` callback
fills from the environment: `PATTERN.sub(lambda m: os.getenv(m.group(1), m.group(2) or
""), text)`, `os.environ.get(m.group(1)) or m.group(2)`, or a module-level `def` whose
one statement returns that. A scalar the pattern matches whole, with its default group
present, is that default "when NAME is unset" (what PY10C's YAML loaders get); anything
else the pattern matches stays unknown.

Substituted in the raw text, the default is parsed again by YAML or JSON: it is taken
only inside quotes (JSON, TOML, quoted YAML) when it holds no quote or backslash, or as a
plain YAML scalar when YAML reads it back as the same text (no number, boolean, null,
`*`, flow or comment characters). Substituted in loaded data (a walker), it is the text."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from corslint.model import Location, Provenance, Value

ENV_READS = frozenset({"os.getenv", "os.environ.get"})
_FLOW = re.compile(r"[,\[\]{}#\"'\\\n]|: |^[\s*&!|>%@`-]|\s$")


def default_groups(
    qualified_name: Callable[[ast.AST], str | None], repl: ast.expr, tree: ast.Module
) -> tuple[int, int] | None:
    """(name group, default group) when `repl` is such a callback; None otherwise."""
    if isinstance(repl, ast.Lambda):
        arguments, body = repl.args, repl.body
    elif isinstance(repl, ast.Name):
        found = [s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == repl.id]
        if len(found) != 1 or found[0].decorator_list or len(found[0].body) != 1:
            return None
        statement = found[0].body[0]
        if not isinstance(statement, ast.Return) or statement.value is None:
            return None
        arguments, body = found[0].args, statement.value
    else:
        return None
    if len(arguments.args) != 1 or arguments.vararg or arguments.kwarg or arguments.kwonlyargs:
        return None
    return _groups(qualified_name, body, arguments.args[0].arg)


def _groups(
    qualified_name: Callable[[ast.AST], str | None], body: ast.expr, match: str
) -> tuple[int, int] | None:
    # `os.getenv(G1) or G2` (an `or ""` after it changes nothing for a present default)
    if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.Or) and len(body.values) in (2, 3):
        read, fallback = body.values[0], body.values[1]
        if len(body.values) == 3 and not _empty(body.values[2]):
            return None
        if isinstance(read, ast.Call) and len(read.args) == 1 and not read.keywords:
            name, default = _group(read.args[0], match), _group(fallback, match)
            if (qualified_name(read.func) or "") in ENV_READS and name and default:
                return (name, default)
        return None
    # `os.environ.get(G1, G2)`, `os.getenv(G1, G2 or "")`
    if not (isinstance(body, ast.Call) and len(body.args) == 2 and not body.keywords):
        return None
    if (qualified_name(body.func) or "") not in ENV_READS:
        return None
    fallback = body.args[1]
    if isinstance(fallback, ast.BoolOp) and isinstance(fallback.op, ast.Or) and len(fallback.values) == 2:
        if not _empty(fallback.values[1]):
            return None
        fallback = fallback.values[0]
    name, default = _group(body.args[0], match), _group(fallback, match)
    return (name, default) if name and default else None


def _group(node: ast.expr, match: str) -> int | None:
    """`m.group(k)` or `m[k]` of the callback's match parameter: k."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "group"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == match
        and len(node.args) == 1
        and not node.keywords
    ):
        index = node.args[0]
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == match:
        index = node.slice
    else:
        return None
    if isinstance(index, ast.Constant) and type(index.value) is int and index.value > 0:
        return index.value
    return None


def _empty(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == ""


def default_value(
    text: str,
    location: Location,
    pattern: str,
    groups: tuple[int, int],
    context: str,
    related: tuple[Location, ...],
) -> Value | None:
    """The scalar `text` as the callback makes it while NAME is unset, when it is whole a
    placeholder with a default that survives `context` ("walked", "quoted", "plain")."""
    try:
        match = re.fullmatch(pattern, text)
    except re.error:
        return None
    if match is None or max(groups) > (match.re.groups or 0):
        return None
    name, default = match.group(groups[0]), match.group(groups[1])
    if not name or default is None or not _survives(default, context):
        return None
    return Value(default, location, Provenance.ENV_DEFAULT, env_var=name, description=text, related=related)


def _survives(default: str, context: str) -> bool:
    if context == "walked":
        return True
    if context == "quoted":
        return not any(character in default for character in "\"'\\\n")
    if context != "plain" or not default or _FLOW.search(default):
        return False
    import yaml

    try:
        read = yaml.safe_load(f"k: {default}")
    except yaml.YAMLError:
        return False
    return bool(read == {"k": default})
