"""CORS headers in hosting configuration: ``vercel.json`` (``headers``), ``netlify.toml``
(``[[headers]]``) and Netlify's ``_headers`` file (Cloudflare Pages' when the project is a
Pages project, `pages_headers`), judged as hand-written headers (`config_headers`)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from corslint.extractors.config_files.json_reader import read_json
from corslint.extractors.config_files.toml_reader import read_toml
from corslint.extractors.context import ProjectContext
from corslint.extractors.express.config_headers import HeaderRule, header_policies, header_rules
from corslint.extractors.express.netlify_functions import unsent_on_functions
from corslint.extractors.express.pages_headers import pages_root, pages_rules
from corslint.extractors.express.vercel_functions import with_functions
from corslint.extractors.express.vercel_routes import legacy_route_rules
from corslint.extractors.express.vercel_sveltekit import kit_options_answers
from corslint.model import CorsPolicy, Extraction, Location, Provenance, Value

FILE_NAMES = frozenset({"vercel.json", "netlify.toml", "_headers"})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    name = PurePosixPath(path).name
    policies: list[CorsPolicy] = []
    if name not in FILE_NAMES:  # any other data file that mentions Access-Control-
        return Extraction()
    if name == "vercel.json":
        data = read_json(path, text)
        if data.known and isinstance(data.raw, dict) and ("headers" in data.raw or "routes" in data.raw):
            rules = header_rules(data.raw["headers"]) if "headers" in data.raw else []
            rules += legacy_route_rules(data.raw.get("routes"))  # the legacy `routes[].headers`
            answers = kit_options_answers(Path(path), data.raw) if rules else None
            policies = header_policies("vercel_headers", path, rules, "vercel.json headers", answers)
            policies = with_functions(path, data.raw, policies)
    elif name == "netlify.toml":
        data = read_toml(path, text)
        if data.known and isinstance(data.raw, dict) and "headers" in data.raw:
            policies = header_policies(
                "netlify_headers", path, _netlify_toml_rules(data.raw["headers"]), "netlify.toml headers"
            )
            policies = unsent_on_functions(data.raw, policies)
    elif name == "_headers" and (pages := pages_root(path)) is not None:  # Cloudflare Pages' rules
        rules = pages_rules(_headers_file_rules(path, text), pages)
        policies = header_policies("cloudflare_pages_headers", path, rules, "_headers", joined=True)
    elif name == "_headers":
        policies = header_policies("netlify_headers", path, _headers_file_rules(path, text), "_headers")
        policies = unsent_on_functions({}, policies)
    return Extraction(policies=tuple(policies))


_COMMAS = re.compile(r"\s*,\s*")


def _netlify_value(value: Value) -> Value | None:
    """A header value as @netlify/headers-parser normalises it: trimmed, commas followed by
    one space (`GET,POST` -> `GET, POST`), an array's items joined with `, `; None for a
    value it refuses (not a string)."""
    if not value.known:
        return value
    if isinstance(value.raw, str):
        return Value(", ".join(_COMMAS.split(value.raw.strip())), value.location)
    if isinstance(value.raw, tuple):
        if not all(item.known for item in value.raw):
            return Value(None, value.location, Provenance.UNKNOWN, description="a header value list")
        if not all(isinstance(item.raw, str) for item in value.raw):
            return None
        return Value(", ".join(item.raw.strip() for item in value.raw), value.location)
    return None


def _netlify_toml_rules(entries: Value) -> list[HeaderRule]:
    """`[[headers]] for = "/api/*"` with `[headers.values]`. Netlify's parser reads `for`
    and `values` only (a `conditions` table there has no effect)."""
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
        pairs = []
        for key, value in values.raw.items():
            normalised = _netlify_value(value)
            if normalised is None:
                break  # the parser refuses the whole entry
            pairs.append((Value(key.strip(), value.location), normalised))
        else:
            rules.append(HeaderRule(source.raw.strip(), tuple(pairs), entry.location))
    return rules


def _headers_file_rules(path: str, text: str) -> list[HeaderRule]:
    """Netlify's `_headers`, read as @netlify/headers-parser reads it: a line starting with
    `/` (after any indentation) starts a rule; any other line with a colon is a header of
    the current rule (`Name: value`), a name repeated within a rule joining its values
    with `, `; a header with an empty name or value is refused."""
    rules: list[HeaderRule] = []
    source: str | None = None
    start = Location.point(path, 1)
    values: dict[str, tuple[Value, Value]] = {}

    def close() -> None:
        if source is not None:
            pairs = tuple((key, _netlify_value(value) or value) for key, value in values.values())
            rules.append(HeaderRule(source, pairs, start))

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("/"):
            close()
            source, start, values = stripped, Location.point(path, number), {}
            continue
        key, colon, value = stripped.partition(":")
        if source is None or not colon or not key.strip() or not value.strip():
            continue
        indent = len(line) - len(line.lstrip())
        key_at = Location(path, number, indent + 1, number, indent + len(key.rstrip()) + 1)
        value_column = line.index(":", indent) + 2 + (len(value) - len(value.lstrip()))
        value_at = Location(path, number, value_column, number, len(line.rstrip()) + 1)
        name = key.strip()
        if name in values:  # the same name again: one header, the values joined
            earlier = values[name][1]
            joined = Value(f"{earlier.raw}, {value.strip()}", earlier.location)
            values[name] = (values[name][0], joined)
        else:
            values[name] = (Value(name, key_at), Value(value.strip(), value_at))
    close()
    return rules
