"""Config text the project expands from the environment before parsing it:
`yaml.safe_load(os.path.expandvars(f.read()))`, `re.sub(r"\\$\\{(\\w+)\\}", repl, text)` (or a
compiled `PATTERN.sub(repl, text)`), `string.Template(text).safe_substitute(os.environ)`,
then `yaml.safe_load` / `json.loads` / `tomllib.loads` of the result.

The expansion works on the raw text, so quoting does not protect a placeholder: every
scalar the expansion can touch is unknown once loaded (`os.path.expandvars` leaves an
unset `${NAME}` as written, `Template.substitute` raises, a `re.sub` callback decides),
while the other scalars are read as written. Which scalars are touched: a `$` before a
name or `{` for `os.path.expandvars`, `$$`, `$name` or `${name}` for `string.Template`, a search of the
`re.sub` pattern itself (known patterns containing `\\$` only; any other pattern leaves
the loaded file unknown, as before). A `re.sub` callback that reads the environment with
the placeholder's default as fallback gives that default "when NAME is unset"
(`substitution_defaults`).
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from corslint.extractors.python.scope import Scope
from corslint.extractors.python.substitution_defaults import default_groups, default_value
from corslint.extractors.python.values import FileRef
from corslint.model import Location, Provenance, Regex, Value

_EXPANDVARS = re.compile(r"\$(\w|\{)")
_TEMPLATE_METHODS = frozenset({"substitute", "safe_substitute"})


@dataclass(frozen=True)
class ExpandedText(FileRef):
    """A file's text after an expansion (`how` names it; `pattern`: what `re.sub` replaces);
    `pending`: a `string.Template` over the text, not yet substituted."""

    how: str = ""
    pattern: str = ""
    pending: bool = False
    groups: tuple[int, int] | None = None  # a `re.sub` callback's (name, default) groups


class _Resolver(Protocol):
    tree: ast.Module

    def qualified_name(self, node: ast.AST) -> str | None: ...

    def resolve(self, node: ast.expr, scope: Scope) -> Value: ...

    def file_value(self, ref: FileRef, node: ast.AST) -> Value: ...


def expansion_call(resolver: _Resolver, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    """The expanded text of an open file's contents, or None for any other call."""
    args = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(args) != len(call.args):
        return None
    if qualified == "os.path.expandvars" and len(args) == 1 and not call.keywords:
        text = _text_of(resolver, args[0], scope)
        return _made(resolver, call, text, "os.path.expandvars") if text is not None else None
    if qualified == "string.Template" and len(args) == 1 and not call.keywords:
        text = _text_of(resolver, args[0], scope)
        if text is None:
            return None
        return resolver.file_value(ExpandedText(text.path, False, "string.Template", pending=True), call)
    if qualified == "re.sub" and len(args) >= 3:
        text = _text_of(resolver, args[2], scope)
        if text is None:
            return None
        pattern = resolver.resolve(args[0], scope)
        raw = pattern.raw.pattern if isinstance(pattern.raw, Regex) else pattern.raw
        return _substituted(resolver, call, text, raw if pattern.known else None, args[1])
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in {"sub", *_TEMPLATE_METHODS}:
        return None
    receiver = resolver.resolve(call.func.value, scope)
    if isinstance(receiver.raw, ExpandedText) and receiver.raw.pending:
        if call.func.attr in _TEMPLATE_METHODS:
            return _made(resolver, call, receiver.raw, "string.Template")
        return None
    if call.func.attr == "sub" and isinstance(receiver.raw, Regex) and len(args) >= 2:
        text = _text_of(resolver, args[1], scope)
        if text is None:
            return None
        return _substituted(resolver, call, text, receiver.raw.pattern, args[0])
    return None


def _text_of(resolver: _Resolver, node: ast.expr, scope: Scope) -> FileRef | None:
    value = resolver.resolve(node, scope)
    ref = value.raw
    if isinstance(ref, FileRef) and ref.text and not (isinstance(ref, ExpandedText) and ref.pending):
        return ref
    return None


def _made(resolver: _Resolver, call: ast.Call, text: FileRef, how: str) -> Value:
    previous = (text.how, text.pattern) if isinstance(text, ExpandedText) else ("", "")
    if previous[0] and previous[0] != how:  # two different expansions: leave it unknown
        return Value(None, resolver.file_value(text, call).location, Provenance.UNKNOWN)
    return resolver.file_value(ExpandedText(text.path, True, how, previous[1]), call)


def _substituted(
    resolver: _Resolver, call: ast.Call, text: FileRef, pattern: object, repl: ast.expr
) -> Value:
    if not isinstance(pattern, str) or "\\$" not in pattern or isinstance(text, ExpandedText):
        return Value(None, resolver.file_value(text, call).location, Provenance.UNKNOWN)
    try:
        re.compile(pattern)
    except re.error:
        return Value(None, resolver.file_value(text, call).location, Provenance.UNKNOWN)
    groups = default_groups(resolver.qualified_name, repl, resolver.tree)
    return resolver.file_value(ExpandedText(text.path, True, "re.sub", pattern, groups=groups), call)


def with_placeholders_unknown(loaded: Value, text: ExpandedText, file: Path) -> Value:
    """The loaded file (`file`) with every scalar the expansion can change made unknown
    (a `re.sub` default the file keeps as text: that default, when its variable is unset)."""
    if file.suffix.lower() in {".json", ".toml"}:
        return placeholders_unknown(loaded, text.how, text.pattern, text.groups, lambda _: "quoted")
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []

    def context(location: Location) -> str:
        line = lines[location.line - 1] if 1 <= location.line <= len(lines) else ""
        first = line[location.column - 1 : location.column]
        return "quoted" if first in {'"', "'"} else "plain" if first and first not in "|>" else "other"

    return placeholders_unknown(loaded, text.how, text.pattern, text.groups, context)


def placeholders_unknown(
    value: Value,
    how: str,
    pattern: str = "",
    groups: tuple[int, int] | None = None,
    context: Callable[[Location], str] | None = None,
) -> Value:
    """`value` with every string `how` (`os.path.expandvars`, `string.Template`, `re.sub`
    of `pattern`) can change made unknown; with `groups`, a `re.sub` placeholder's
    default where `context` (None: loaded data, no parsing after) keeps it as text."""
    touched: Callable[[str], object]
    if how == "os.path.expandvars":
        touched = _EXPANDVARS.search
    elif how == "string.Template":
        touched = _template_placeholder
    else:
        touched = re.compile(pattern).search

    def expand(item: Value) -> Value:
        if not isinstance(item.raw, str) or not touched(item.raw):
            return item
        if groups is not None:
            where = "walked" if context is None else context(item.location)
            default = default_value(item.raw, item.location, pattern, groups, where, item.related)
            if default is not None:
                return default
        return _unknown(item.location, f"{item.raw} (expanded from the environment by {how})")

    return _walk(value, expand)


def _template_placeholder(text: str) -> bool:
    """Whether `string.Template` changes `text`: `$$`, `$name`, `${name}` (a `$` before
    anything else is left as written by `safe_substitute`)."""
    return any(
        match.group("escaped") is not None
        or match.group("named") is not None
        or match.group("braced") is not None
        for match in string.Template.pattern.finditer(text)
    )


def _walk(value: Value, expand: Callable[[Value], Value]) -> Value:
    raw = value.raw
    if isinstance(raw, dict):
        return _with_raw(value, {key: _walk(item, expand) for key, item in raw.items()})
    if isinstance(raw, tuple):
        return _with_raw(value, tuple(_walk(item, expand) for item in raw))
    return expand(value)


def _with_raw(value: Value, raw: object) -> Value:
    return Value(raw, value.location, value.provenance, value.env_var, value.description, value.related)


def _unknown(location: Location, why: str) -> Value:
    return Value(None, location, Provenance.UNKNOWN, description=why)
