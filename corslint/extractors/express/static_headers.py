"""CORS headers in hosting configuration: ``vercel.json`` (``headers``), ``netlify.toml``
(``[[headers]]``) and Netlify's ``_headers`` file, judged as hand-written headers
(`config_headers`)."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.config_files.json_reader import read_json
from corslint.extractors.config_files.toml_reader import read_toml
from corslint.extractors.context import ProjectContext
from corslint.extractors.express.config_headers import HeaderRule, header_policies, header_rules
from corslint.model import CorsPolicy, Extraction, Location, Value

FILE_NAMES = frozenset({"vercel.json", "netlify.toml", "_headers"})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    name = PurePosixPath(path).name
    policies: list[CorsPolicy] = []
    if name not in FILE_NAMES:  # any other data file that mentions Access-Control-
        return Extraction()
    if name == "vercel.json":
        data = read_json(path, text)
        if data.known and isinstance(data.raw, dict) and "headers" in data.raw:
            policies = header_policies(
                "vercel_headers", path, header_rules(data.raw["headers"]), "vercel.json headers"
            )
    elif name == "netlify.toml":
        data = read_toml(path, text)
        if data.known and isinstance(data.raw, dict) and "headers" in data.raw:
            policies = header_policies(
                "netlify_headers", path, _netlify_toml_rules(data.raw["headers"]), "netlify.toml headers"
            )
    elif name == "_headers":
        policies = header_policies("netlify_headers", path, _headers_file_rules(path, text), "_headers")
    return Extraction(policies=tuple(policies))


def _netlify_toml_rules(entries: Value) -> list[HeaderRule]:
    """`[[headers]] for = "/api/*"` with `[headers.values]`; `conditions` make it conditional."""
    rules: list[HeaderRule] = []
    if not (entries.known and isinstance(entries.raw, tuple)):
        return rules
    for entry in entries.raw:
        if not (entry.known and isinstance(entry.raw, dict)):
            continue
        source, values = entry.raw.get("for"), entry.raw.get("values")
        if source is None or not isinstance(source.raw, str) or values is None:
            continue
        if not (values.known and isinstance(values.raw, dict)):
            continue
        pairs = tuple((Value(key, value.location), value) for key, value in values.raw.items())
        rules.append(HeaderRule(source.raw, pairs, entry.location, entry.raw.get("conditions")))
    return rules


def _headers_file_rules(path: str, text: str) -> list[HeaderRule]:
    """Netlify's `_headers`: a path at the start of a line, its `Name: value` lines indented."""
    rules: list[HeaderRule] = []
    source: str | None = None
    start = Location.point(path, 1)
    pairs: list[tuple[Value, Value]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[:1].isspace():
            if source is not None:
                rules.append(HeaderRule(source, tuple(pairs), start))
            source, start, pairs = stripped, Location.point(path, number), []
            continue
        key, colon, value = stripped.partition(":")
        if source is None or not colon:
            continue
        indent = len(line) - len(line.lstrip())
        key_at = Location(path, number, indent + 1, number, indent + len(key) + 1)
        value_column = line.index(":", indent) + 2 + (len(value) - len(value.lstrip()))
        value_at = Location(path, number, value_column, number, len(line.rstrip()) + 1)
        pairs.append((Value(key.strip(), key_at), Value(value.strip(), value_at)))
    if source is not None:
        rules.append(HeaderRule(source, tuple(pairs), start))
    return rules
