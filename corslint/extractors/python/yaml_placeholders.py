"""YAML read through a loader object the project builds itself, as zylon-ai/private-gpt's
`load_yaml_with_envvars` does (copied by its forks): `loader = SafeLoader(stream)`,
`loader.add_implicit_resolver("env_var_replacer", re.compile(r"\\$\\{(\\w|_)+:?.*}"), None)`,
`loader.add_constructor("env_var_replacer", expand)`, `return loader.get_single_data()`,
where `expand` takes `${NAME:default}` apart (`.split(":", 1)`) and returns
`environ.get(NAME) or default`.

PyYAML consults implicit resolvers for plain scalars only: a quoted `"${NAME:x}"` stays
that text (measured, tests/test_differential_yaml_placeholders.py). A plain `${NAME:x}`
is what the constructor returns: read here as `x` "when NAME is unset" only when the
constructor is visibly that shape (it splits on ":" and reads the environment); `${NAME}`
with no default, or any other constructor, is unknown (CORS305). A loader the function
adds nothing to reads the file as `yaml.safe_load` does.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from corslint.extractors.python.values import FileRef
from corslint.model import Location, Provenance, Value

LOADER_CLASSES = frozenset(
    {
        "yaml.SafeLoader",
        "yaml.CSafeLoader",
        "yaml.loader.SafeLoader",
        "yaml.cyaml.CSafeLoader",
    }
)
LOADING_METHODS = frozenset({"get_single_data"})
_PLACEHOLDER = re.compile(r"\$\{(\w+)(?::(.*))?\}\Z", re.S)


@dataclass(frozen=True)
class LoaderRef(FileRef):
    """A YAML loader made over an open file; `expansion` is what its constructors do with a
    plain `${...}` scalar: "" (none registered), "default" (the environment, else the text
    after ":"), "unknown" (anything else)."""

    expansion: str = ""


def expansion_of(tree: ast.Module, call: ast.Call) -> str:
    """How the function holding `loader = SafeLoader(stream)` (`call`) customises it."""
    holder = _innermost_function(tree, call)
    if holder is None:
        return "unknown"
    registered: list[tuple[str, list[ast.expr]]] = [
        (node.func.attr, node.args)
        for node in ast.walk(holder)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr
        in {"add_constructor", "add_implicit_resolver", "add_multi_constructor", "add_path_resolver"}
    ]
    if not registered:
        return ""
    if {method for method, _ in registered} != {"add_constructor", "add_implicit_resolver"}:
        return "unknown"
    handlers = [args[1] for method, args in registered if method == "add_constructor" and len(args) == 2]
    patterns = [
        args[1] for method, args in registered if method == "add_implicit_resolver" and len(args) >= 2
    ]
    if len(handlers) != 1 or len(patterns) != 1 or not isinstance(handlers[0], ast.Name):
        return "unknown"
    if not _dollar_brace_pattern(tree, holder, patterns[0]):
        return "unknown"
    handler = next(
        (
            node
            for node in ast.walk(holder)
            if isinstance(node, ast.FunctionDef) and node.name == handlers[0].id
        ),
        None,
    )
    return "default" if handler is not None and _splits_and_reads_environment(handler) else "unknown"


def registers_globally(tree: ast.Module) -> bool:
    """Whether the module adds a resolver or constructor to PyYAML's own loaders
    (`yaml.add_implicit_resolver("!env", PATTERN, Loader=yaml.SafeLoader)`,
    `yaml.SafeLoader.add_constructor(...)`): `yaml.safe_load` then expands what it matches."""
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"add_implicit_resolver", "add_constructor", "add_multi_constructor"}
        ):
            continue
        receiver = node.func.value
        while isinstance(receiver, ast.Attribute):
            if receiver.attr.endswith("Loader"):
                return True
            receiver = receiver.value
        if isinstance(receiver, ast.Name) and (
            receiver.id in {"yaml", "oyaml"} or receiver.id.endswith("Loader")
        ):
            return True
    return False


def _innermost_function(tree: ast.Module, target: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found = None
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        inside = any(inner is target for inner in ast.walk(node))
        if inside and (found is None or any(inner is node for inner in ast.walk(found))):
            found = node
    return found


def _dollar_brace_pattern(tree: ast.Module, holder: ast.AST, pattern: ast.expr) -> bool:
    """`re.compile(r"\\$\\{...")` written there or bound to a module-level name."""
    if isinstance(pattern, ast.Name):
        for statement in tree.body:
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == pattern.id
            ):
                pattern = statement.value
                break
    if isinstance(pattern, ast.Call) and pattern.args:
        pattern = pattern.args[0]
    return (
        isinstance(pattern, ast.Constant)
        and isinstance(pattern.value, str)
        and pattern.value.startswith("\\$\\{")
    )


def _splits_and_reads_environment(handler: ast.FunctionDef) -> bool:
    splits = reads = False
    for node in ast.walk(handler):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            first = node.args[0] if node.args else None
            colon = isinstance(first, ast.Constant) and first.value == ":"
            if node.func.attr in {"split", "partition"} and colon:
                splits = True
            if node.func.attr == "get" or node.func.attr == "getenv":
                reads = True
    return splits and reads


def expanded(loaded: Value, file: Path, expansion: str) -> Value:
    """The loaded file with each plain `${...}` scalar as the loader's constructor makes it."""
    if not expansion:
        return loaded
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return loaded
    return _walk(loaded, lines, expansion)


def _walk(value: Value, lines: list[str], expansion: str) -> Value:
    raw = value.raw
    if isinstance(raw, dict):
        return _with_raw(value, {key: _walk(item, lines, expansion) for key, item in raw.items()})
    if isinstance(raw, tuple):
        return _with_raw(value, tuple(_walk(item, lines, expansion) for item in raw))
    if not (isinstance(raw, str) and "${" in raw and _plain(value.location, lines)):
        return value
    if raw.startswith("${") or expansion == "unknown":  # a resolver's pattern is matched from the start
        return _placeholder(value, expansion)
    return value


def _with_raw(value: Value, raw: object) -> Value:
    return Value(raw, value.location, value.provenance, value.env_var, value.description, value.related)


def _plain(location: Location, lines: list[str]) -> bool:
    if not 1 <= location.line <= len(lines):
        return False
    line = lines[location.line - 1]
    start = location.column - 1
    return 0 <= start < len(line) and line[start] not in "\"'|>"


def _placeholder(value: Value, expansion: str) -> Value:
    match = _PLACEHOLDER.match(value.raw)
    why = f"{value.raw} (expanded from the environment by the project's YAML loader)"
    if expansion != "default" or match is None or match.group(2) is None:
        return Value(None, value.location, Provenance.UNKNOWN, description=why, related=value.related)
    if not _text_as_written(match.group(2)):  # `${ENABLED:false}`: the constructor gives the
        why = f"{value.raw} (the text {match.group(2)!r}, which its consumer may convert)"  # string
        return Value(None, value.location, Provenance.UNKNOWN, description=why, related=value.related)
    return Value(
        match.group(2),
        value.location,
        Provenance.ENV_DEFAULT,
        env_var=match.group(1),
        description=value.raw,
        related=value.related,
    )


def _text_as_written(text: str) -> bool:
    """Whether YAML itself would read `text` as a string (not true/false/null/a number),
    so that a settings model keeps it as the same text the constructor returns."""
    import yaml

    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(text) and tag.rsplit(":", 1)[-1] not in {"bool", "null", "int", "float", "timestamp"}
