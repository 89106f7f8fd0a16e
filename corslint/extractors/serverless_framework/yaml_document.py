"""``serverless.yml`` read with positions, CloudFormation tags (``!Ref``, ``!GetAtt``,
``!Sub``) kept as undetermined values, and the framework's ``${...}`` variables resolved
where they are simple.

Resolved: ``${self:a.b}`` (a path in this file, including ``custom.*``),
``${env:X, 'default'}`` (the default, "when X is unset"), ``${opt:x, 'default'}`` and
``${sls:x, 'default'}`` (the default), a fallback that is itself such a source, and
strings that embed them (``https://${self:custom.domain}``). Anything else (``${file(...)}``,
``${ssm:...}``, ``${env:X}`` without a default, nested variables) is an unknown value:
CORS305 says what was not checked.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from corslint.extractors.config_files.yaml_lists import BoundedLoader
from corslint.model import Location, Provenance, SourceError, Value

MAX_NODES = 20_000
MAX_DEPTH = 10  # variables referring to variables
_VARIABLE = re.compile(r"\$\{([^${}]*)\}")
_BLANK_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)
_QUOTED = re.compile(r"""^\s*(['"])(.*)\1\s*$""")
_CORE_TAGS = frozenset(
    {
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq",
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    }
)


def read_document(path: str, text: str, keys: dict[Location, Location] | None = None) -> Value | None:
    """The first document, every node a `Value` (tagged nodes: unknown); `keys` is
    filled with the location of each mapping value's key."""
    # a tab on a blank line stops PyYAML but not js-yaml, which the framework reads with
    text = _BLANK_LINE.sub("", text)
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise SourceError(f"invalid YAML: {getattr(error, 'problem', None) or error}", line, column) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    budget = [MAX_NODES]
    return _convert(path, node, budget, 0, {} if keys is None else keys)


def _convert(path: str, node: Any, budget: list[int], depth: int, keys: dict[Location, Location]) -> Value:
    budget[0] -= 1
    location = Location(
        path,
        node.start_mark.line + 1,
        node.start_mark.column + 1,
        node.end_mark.line + 1,
        node.end_mark.column + 1,
    )
    if budget[0] < 0 or depth > 100:
        raise SourceError("YAML too large or too deeply nested to analyse", location.line, location.column)
    if node.tag not in _CORE_TAGS:  # `!Ref X`, `!GetAtt`: CloudFormation decides at deploy time
        return Value(None, location, Provenance.UNKNOWN, description=f"{node.tag} {_source(node)}")
    if isinstance(node, yaml.MappingNode):
        entries: dict[str, Value] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                entries[str(key_node.value)] = _convert(path, value_node, budget, depth + 1, keys)
                keys[entries[str(key_node.value)].location] = _location(path, key_node)
        return Value(entries, location, Provenance.CONFIG_FILE)
    if isinstance(node, yaml.SequenceNode):
        return Value(
            tuple(_convert(path, item, budget, depth + 1, keys) for item in node.value),
            location,
            Provenance.CONFIG_FILE,
        )
    constructor = yaml.SafeLoader("")
    try:
        raw = constructor.construct_object(node, deep=True)
    except yaml.YAMLError:
        return Value(None, location, Provenance.UNKNOWN, description=str(node.value))
    finally:
        constructor.dispose()
    return Value(raw, location, Provenance.CONFIG_FILE)


def _location(path: str, node: Any) -> Location:
    start, end = node.start_mark, node.end_mark
    return Location(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _source(node: Any) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "(a mapping or list)"


def lookup(root: Value, dotted: str) -> Value | None:
    """The value at `a.b.c` in the document, or None."""
    node: Value | None = root
    for part in dotted.split("."):
        if node is None or not node.known:
            return None
        if isinstance(node.raw, dict):
            node = node.raw.get(part)
        elif isinstance(node.raw, tuple) and part.isdigit() and int(part) < len(node.raw):
            node = node.raw[int(part)]
        else:
            return None
    return node


class Variables:
    """Resolves the framework's variables in values read from one document."""

    def __init__(self, root: Value) -> None:
        self.root = root

    def resolve(self, value: Value, depth: int = 0) -> Value:
        """`value` with its variables resolved (recursively into lists and mappings)."""
        if not value.known or depth > MAX_DEPTH:
            return value
        raw = value.raw
        if isinstance(raw, tuple):
            return Value(tuple(self.resolve(item, depth) for item in raw), value.location, value.provenance)
        if isinstance(raw, dict):
            return Value(
                {k: self.resolve(v, depth) for k, v in raw.items()}, value.location, value.provenance
            )
        if not isinstance(raw, str) or "${" not in raw:
            return value
        whole = _VARIABLE.fullmatch(raw.strip())
        if whole is not None:
            resolved = self._source(whole.group(1), value, depth)
            if resolved is None:
                return _unknown(value, raw)
            return resolved
        return self._embedded(value, raw, depth)

    def _embedded(self, value: Value, raw: str, depth: int) -> Value:
        """Innermost variables first (`${self:custom.origins.${opt:stage, 'dev'}}`), until
        none is left or what is left is one variable (whose value may be a list)."""
        env_var: str | None = None
        text = raw
        for _ in range(MAX_DEPTH):
            whole = _VARIABLE.fullmatch(text.strip())
            if whole is not None and text != raw:
                resolved = self._source(whole.group(1), value, depth)
                if resolved is None or not resolved.known:
                    return _unknown(value, raw)
                env_var = env_var or resolved.env_var
                provenance = Provenance.ENV_DEFAULT if env_var else Provenance.CONSTANT
                return Value(
                    resolved.raw, value.location, provenance, env_var=env_var, related=resolved.related
                )
            parts: list[str] = []
            at = 0
            for match in _VARIABLE.finditer(text):
                resolved = self._source(match.group(1), value, depth)
                if resolved is None or not resolved.known or not isinstance(resolved.raw, (str, int, float)):
                    return _unknown(value, raw)
                env_var = env_var or resolved.env_var
                parts += [text[at : match.start()], str(resolved.raw)]
                at = match.end()
            text = "".join(parts) + text[at:]
            if "${" not in text:
                provenance = Provenance.ENV_DEFAULT if env_var else Provenance.CONSTANT
                return Value(text, value.location, provenance, env_var=env_var)
        return _unknown(value, raw)

    def _source(self, inner: str, at: Value, depth: int) -> Value | None:
        """One variable's value (`self:custom.x, 'fallback'`), None when undetermined."""
        source, _, fallback = inner.partition(",")
        source = source.strip()
        kind, _, address = source.partition(":")
        if kind == "self" and address:
            found = lookup(self.root, address.strip())
            if found is not None:
                resolved = self.resolve(found, depth + 1)
                if not resolved.known:
                    return None
                return Value(
                    resolved.raw,
                    at.location,
                    resolved.provenance if resolved.env_var else Provenance.CONSTANT,
                    env_var=resolved.env_var,
                    related=(found.location,),
                )
        if not fallback.strip():
            return None
        quoted = _QUOTED.match(fallback)
        if quoted is not None:
            env_var = address.strip() if kind == "env" else None
            provenance = Provenance.ENV_DEFAULT if env_var else Provenance.CONSTANT
            return Value(quoted.group(2), at.location, provenance, env_var=env_var)
        return self._source(fallback, at, depth + 1)  # `${opt:stage, self:provider.stage}`


def _unknown(value: Value, raw: str) -> Value:
    return Value(None, value.location, Provenance.UNKNOWN, description=raw)
