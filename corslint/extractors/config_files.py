"""JSON / YAML / TOML files holding the ``cors`` package's options, with line numbers.

A mapping is a CORS configuration when it sits under a key named ``cors`` (or
``corsOptions``), or fills a file named for CORS, and its keys include the package's
option names. Such a file is a policy of its own until JavaScript in the same Node
project reads it (``require("./cors.json")``, ``import c from "./cors.yaml"``, node-config's
``config.get("cors")``); the Express extractor then reports the options at the file's own
lines, and this extractor stays silent so nothing is judged twice.

JSON is read by a small position-keeping reader (the standard library drops positions),
YAML with ``yaml.compose`` on ``SafeLoader`` (no tags beyond the safe ones, no objects) and
a bound on alias expansion, TOML with tomllib/tomli.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from corslint.extractors import ProjectContext
from corslint.frameworks.express import OPTION_NAMES  # the cors package's options
from corslint.model import CorsPolicy, Extraction, Location, Provenance, SourceError, Value

NEEDLES = (b"origin", b"Origin", b"cors", b"CORS", b"Cors")
SUFFIXES = frozenset({".json", ".yaml", ".yml", ".toml"})
CORS_KEYS = frozenset({"cors", "corsoptions", "cors_options"})
# files that are never application configuration
IGNORED_NAMES = frozenset(
    {
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "composer.json",
        "composer.lock",
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        ".eslintrc.json",
        "renovate.json",
    }
)
MAX_YAML_NODES = 20_000
SAFE_COLLECTION_TAGS = frozenset(
    {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:set"}
)
NODE_CONFIG_FILES = ("default", "production")
NODE_CONFIG_SUFFIXES = (".json", ".yaml", ".yml")


# -- JSON with positions -------------------------------------------------------------


class _JsonReader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.index = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> tuple[int, int]:
        low, high = 0, len(self.line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.line_starts[middle] <= index:
                low = middle
            else:
                high = middle - 1
        return low + 1, index - self.line_starts[low] + 1

    def error(self, message: str) -> SourceError:
        line, column = self.position(min(self.index, len(self.text)))
        return SourceError(f"invalid JSON: {message}", line, column)

    def skip(self) -> None:
        text = self.text
        while self.index < len(text) and text[self.index] in " \t\r\n":
            self.index += 1

    def location(self, start: int, end: int) -> Location:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Location(self.path, line, column, end_line, end_column)

    def value(self, depth: int = 0) -> Value:
        if depth > 200:
            raise self.error("nested too deeply")
        self.skip()
        if self.index >= len(self.text):
            raise self.error("unexpected end of file")
        start = self.index
        char = self.text[start]
        raw: Any
        if char == "{":
            raw = self.object(depth)
        elif char == "[":
            raw = self.array(depth)
        elif char == '"':
            raw = self.string()
        else:
            match = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null").match(
                self.text, start
            )
            if match is None:
                raise self.error(f"unexpected character {char!r}")
            self.index = match.end()
            token = match.group()
            literals: dict[str, Any] = {"true": True, "false": False, "null": None}
            if token in literals:
                raw = literals[token]
            elif any(c in token for c in ".eE"):
                raw = float(token)
            else:
                raw = int(token)
        return Value(raw, self.location(start, self.index), Provenance.CONFIG_FILE)

    def string(self) -> str:
        import json

        match = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"', re.DOTALL).match(self.text, self.index)
        if match is None:
            raise self.error("unterminated string")
        self.index = match.end()
        try:
            decoded: str = json.loads(match.group())
        except ValueError as error:
            raise self.error(str(error)) from None
        return decoded

    def expect(self, char: str) -> None:
        self.skip()
        if self.index >= len(self.text) or self.text[self.index] != char:
            raise self.error(f"expected {char!r}")
        self.index += 1

    def object(self, depth: int) -> dict[str, Value]:
        self.index += 1
        entries: dict[str, Value] = {}
        self.skip()
        if self.text.startswith("}", self.index):
            self.index += 1
            return entries
        while True:
            self.skip()
            if not self.text.startswith('"', self.index):
                raise self.error("expected a property name")
            key = self.string()
            self.expect(":")
            entries[key] = self.value(depth + 1)
            self.skip()
            if self.text.startswith(",", self.index):
                self.index += 1
                continue
            self.expect("}")
            return entries

    def array(self, depth: int) -> tuple[Value, ...]:
        self.index += 1
        items: list[Value] = []
        self.skip()
        if self.text.startswith("]", self.index):
            self.index += 1
            return ()
        while True:
            items.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.index):
                self.index += 1
                continue
            self.expect("]")
            return tuple(items)


def read_json(path: str, text: str) -> Value:
    reader = _JsonReader(path, text.lstrip("\ufeff"))
    value = reader.value()
    reader.skip()
    if reader.index != len(reader.text):
        raise reader.error("extra data after the value")
    return value


# -- YAML through SafeLoader nodes ---------------------------------------------------


def read_yaml(path: str, text: str) -> Value | None:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        documents = []
        while loader.check_node():
            documents.append(loader.get_node())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise SourceError(f"invalid YAML: {getattr(error, 'problem', None) or error}", line, column) from None
    finally:
        loader.dispose()
    if not documents:
        return None
    budget = [MAX_YAML_NODES]

    def convert(node: Any, depth: int) -> Value:
        budget[0] -= 1
        if budget[0] < 0 or depth > 200:
            raise SourceError(
                "YAML alias expansion or nesting too large to analyse (a possible alias bomb)",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        location = Location(
            path,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            node.end_mark.line + 1,
            node.end_mark.column + 1,
        )
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in SAFE_COLLECTION_TAGS:
            raise SourceError(
                f"YAML tag {node.tag} is not allowed by safe loading", location.line, location.column
            )
        if isinstance(node, yaml.MappingNode):
            entries: dict[str, Value] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = convert(value_node, depth + 1)
                    for part in merged.raw if isinstance(merged.raw, tuple) else (merged,):
                        if isinstance(part.raw, dict):
                            for key, item in part.raw.items():
                                entries.setdefault(key, item)
                    continue
                key = convert(key_node, depth + 1)
                entries[str(key.raw)] = convert(value_node, depth + 1)
            return Value(entries, location, Provenance.CONFIG_FILE)
        if isinstance(node, yaml.SequenceNode):
            return Value(
                tuple(convert(item, depth + 1) for item in node.value), location, Provenance.CONFIG_FILE
            )
        constructor = yaml.SafeLoader("")
        try:
            raw = constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise SourceError(f"invalid YAML value: {error}", location.line, location.column) from None
        finally:
            constructor.dispose()
        if not isinstance(raw, (str, int, float, bool)) and raw is not None:
            raw = str(raw)  # timestamps, binary: nothing CORS reads
        return Value(raw, location, Provenance.CONFIG_FILE)

    return convert(documents[0], 0)


# -- TOML -----------------------------------------------------------------------------


def read_toml(path: str, text: str) -> Value:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"invalid TOML: {error}") from None
    lines = text.splitlines()

    def find(key: str, after: int) -> Location:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(after, len(lines)):
            if pattern.match(lines[number]):
                column = len(lines[number]) - len(lines[number].lstrip()) + 1
                return Location(path, number + 1, column, number + 1, len(lines[number]) + 1)
        return Location.point(path, after + 1 if after < len(lines) else 1)

    def table_line(keys: list[str]) -> int:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(k) for k in keys) + r"\s*\]")
        for number, line in enumerate(lines):
            if header.match(line):
                return number
        return 0

    def convert(raw: Any, location: Location, keys: list[str]) -> Value:
        if isinstance(raw, dict):
            start = table_line(keys) if keys else 0
            return Value(
                {k: convert(v, find(k, start), [*keys, k]) for k, v in raw.items()},
                location,
                Provenance.CONFIG_FILE,
            )
        if isinstance(raw, list):
            return Value(
                tuple(convert(item, location, keys) for item in raw), location, Provenance.CONFIG_FILE
            )
        if not isinstance(raw, (str, int, float, bool)):
            raw = str(raw)
        return Value(raw, location, Provenance.CONFIG_FILE)

    return convert(data, Location.point(path, 1), [])


def read_data(path: str, text: str) -> Value | None:
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".json":
        return read_json(path, text)
    if suffix in {".yaml", ".yml"}:
        return read_yaml(path, text)
    if suffix == ".toml":
        return read_toml(path, text)
    return None


def load_data_file(file: Path, display: str, cache: dict[str, Value | None]) -> Value | None:
    """A data file imported by code, read once per run; unreadable files give None."""
    key = os.path.realpath(file)
    if key not in cache:
        try:
            cache[key] = read_data(display, file.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, SourceError, RecursionError):
            cache[key] = None
    return cache[key]


# -- node-config --------------------------------------------------------------------


def _merge(base: Value, override: Value) -> Value:
    """node-config's deep merge: objects merge key by key, anything else replaces."""
    if isinstance(base.raw, dict) and isinstance(override.raw, dict):
        entries = dict(base.raw)
        for key, value in override.raw.items():
            entries[key] = _merge(entries[key], value) if key in entries else value
        return Value(entries, override.location, Provenance.CONFIG_FILE)
    return override


def _environment_overrides(value: Value, mapping: Value) -> Value:
    """custom-environment-variables: each named leaf is an environment variable's default."""
    if not (isinstance(value.raw, dict) and isinstance(mapping.raw, dict)):
        return value
    entries = dict(value.raw)
    for key, target in mapping.raw.items():
        named = target.raw.get("__name") if isinstance(target.raw, dict) else None
        if named is not None and isinstance(named.raw, str):
            # `{"__name": "VAR", "__format": "json"}`: the variable, read through a parser
            target = named
        if isinstance(target.raw, str) and key in entries:
            current = entries[key]
            entries[key] = Value(
                current.raw, current.location, Provenance.ENV_DEFAULT, target.raw, current.description
            )
        elif isinstance(target.raw, dict) and key in entries:
            entries[key] = _environment_overrides(entries[key], target)
        elif isinstance(target.raw, str):
            entries[key] = Value(
                None, target.location, Provenance.UNKNOWN, target.raw, f"process.env.{target.raw}"
            )
    return Value(entries, value.location, value.provenance)


def node_config_files(root: Path) -> list[Path]:
    directory = root / "config"
    found = []
    for name in (*NODE_CONFIG_FILES, "custom-environment-variables"):
        for suffix in NODE_CONFIG_SUFFIXES:
            if (directory / f"{name}{suffix}").is_file():
                found.append(directory / f"{name}{suffix}")
                break
    return found


def node_config_value(root: Path, display: Any, cache: dict[str, Value | None]) -> Value | None:
    """config/default merged with config/production, environment mappings applied.

    `display` maps a file to the path reported for it."""
    merged: Value | None = None
    environment: Value | None = None
    for file in node_config_files(root):
        value = load_data_file(file, display(file), cache)
        if value is None or not isinstance(value.raw, dict):
            continue
        if file.stem == "custom-environment-variables":
            environment = value
        else:
            merged = value if merged is None else _merge(merged, value)
    if merged is not None and environment is not None:
        merged = _environment_overrides(merged, environment)
    return merged


# -- standalone policies --------------------------------------------------------------


def cors_mappings(value: Value, named_for_cors: bool) -> list[Value]:
    """Mappings holding the package's options: under a `cors` key, or the whole file."""
    found: list[Value] = []

    def is_options(candidate: Value) -> bool:
        return (
            isinstance(candidate.raw, dict)
            and bool(candidate.raw)
            and not OPTION_NAMES.isdisjoint(candidate.raw)
        )

    def visit(node: Value, depth: int) -> None:
        if depth > 20 or not isinstance(node.raw, dict):
            return
        for key, item in node.raw.items():
            if key.lower() in CORS_KEYS and is_options(item):
                found.append(item)
            else:
                visit(item, depth + 1)

    if named_for_cors and is_options(value) and "origin" in value.raw:
        return [value]
    visit(value, 0)
    return found


def _used_files(root: Path, context: ProjectContext) -> set[str]:
    """Real paths of the data files the project's JavaScript reads."""
    key = f"config_files.used:{root}"
    cached = context.shared.get(key)
    if isinstance(cached, set):
        return cached
    from corslint.extractors.js_source import JsModule, JsProject

    project = context.shared.get("js_project")
    if not isinstance(project, JsProject):
        project = JsProject(context)
        context.shared["js_project"] = project
    used: set[str] = set()
    for file in _project_sources(root):
        try:
            module: JsModule = project.module(os.path.relpath(file), file.read_text("utf-8"), file)
        except (OSError, UnicodeDecodeError, SourceError):
            continue
        for specifier, _ in module.imports.values():
            if specifier == "config":
                used.update(os.path.realpath(f) for f in node_config_files(root))
                continue
            target = project.resolve_specifier(module, specifier)
            if target is not None:
                used.add(os.path.realpath(target))
        for node in module.nodes:
            if node.type == "call_expression":
                target = module.read_file_target(node)
                if target is not None:
                    used.add(os.path.realpath(target))
    context.shared[key] = used
    return used


def _project_sources(root: Path) -> list[Path]:
    from corslint.extractors.js_source import project_files

    return list(project_files(root))


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    name = os.path.basename(path)
    if name in IGNORED_NAMES or name.startswith("tsconfig") or name.endswith(".lock"):
        return Extraction()
    named_for_cors = "cors" in name.lower()
    try:
        value = read_data(path, text)
    except SourceError:
        if named_for_cors:
            raise
        return Extraction()  # a data file that is not ours to judge
    if value is None:
        return Extraction()
    mappings = cors_mappings(value, named_for_cors)
    if not mappings:
        return Extraction()
    from corslint.extractors.js_source import is_development_path, project_root

    root = project_root(Path(path))
    if root is not None and os.path.realpath(path) in _used_files(root, context):
        return Extraction()
    policies = [
        CorsPolicy(
            framework="express",
            location=mapping.location,
            options={key: item for key, item in mapping.raw.items() if key in OPTION_NAMES},
            development_only=is_development_path(path),
            label=f"cors options in {path}",
        )
        for mapping in mappings
    ]
    return Extraction(policies=tuple(policies))
