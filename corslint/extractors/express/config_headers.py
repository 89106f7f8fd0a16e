"""CORS headers written by hand in configuration: Next.js ``headers()`` in ``next.config.*``,
and (`static_headers`) ``vercel.json``, ``netlify.toml`` and Netlify's ``_headers``.

Each rule (a ``source`` path pattern and the headers sent on responses it matches) with
Access-Control-* headers becomes one policy of hand-written steps, replayed by
`frameworks.express_headers`: the headers are sent as written, whatever the request, and
no OPTIONS request is answered by the configuration itself: what answers it is the route
or middleware behind it, which the model does not guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.frameworks.express_headers import HEADERS
from corslint.model import CorsPolicy, Location, Provenance, Value

NEXT_CONFIG_NAMES = frozenset(f"next.config.{suffix}" for suffix in ("js", "mjs", "cjs", "ts", "mts", "cts"))
_CANONICAL = {name.lower(): name for name in HEADERS}
_PATTERN_PIECE = re.compile(r":[A-Za-z0-9_]+(?:\([^)]*\))?[*+?]?|\(\.\*\)|\*")


@dataclass(frozen=True)
class HeaderRule:
    """One `source` and the headers sent on the responses it matches."""

    source: str
    headers: tuple[tuple[Value, Value], ...]  # (key, value), as written
    location: Location  # the rule, for findings about what it lacks
    # `has` / `missing` (Next.js, Vercel) or `conditions` (Netlify): when it applies
    condition: Value | None = None


def probe_path(source: str) -> str:
    """A path the pattern matches (`/api/:path*` -> `/api/x`)."""
    if not source.startswith("/"):
        return "/"
    return _PATTERN_PIECE.sub("x", source)


def header_policies(framework: str, path: str, rules: list[HeaderRule], label: str) -> list[CorsPolicy]:
    policies = []
    for rule in rules:
        options: dict[str, Value] = {}
        keys: dict[str, Location] = {}
        for key, value in rule.headers:
            if not (key.known and isinstance(key.raw, str)):
                continue
            name = _CANONICAL.get(key.raw.strip().lower())
            if name is None:
                continue
            step: dict[str, Value] = {"value": value, "writer": Value("set", value.location)}
            if rule.condition is not None:
                step["when"] = Value((Value("?", value.location),), value.location)
            slot = next(n for n in (name, *(f"{name} #{i}" for i in range(2, 6))) if n not in options)
            options[slot] = Value(step, value.location)
            keys.setdefault(name, key.location)
        if not any(name.startswith("Access-Control-") for name in options):
            continue
        if rule.condition is not None:
            options["condition"] = Value(
                None,
                rule.condition.location,
                Provenance.UNKNOWN,
                description="the request conditions (`has` / `missing`) under which these headers are sent",
            )
        policies.append(
            CorsPolicy(
                framework=framework,
                location=keys.get("Access-Control-Allow-Origin") or next(iter(keys.values())),
                options=options,
                development_only=is_development_path(path),
                label=f"{label} for {rule.source}",
                scope=rule.source if rule.source not in {"/(.*)", "/:path*", "/*", "/**"} else "",
                probe_path=probe_path(rule.source),
                app=f"{path}::{rule.source}",
            )
        )
    return policies


def header_rules(entries: Value) -> list[HeaderRule]:
    """Rules from the `[{source, headers: [{key, value}], has, missing}]` shape Next.js and
    Vercel share."""
    rules: list[HeaderRule] = []
    if not (entries.known and isinstance(entries.raw, tuple)):
        return rules
    for entry in entries.raw:
        if not (entry.known and isinstance(entry.raw, dict)):
            continue
        source, headers = entry.raw.get("source"), entry.raw.get("headers")
        if source is None or not isinstance(source.raw, str) or headers is None:
            continue
        if not (headers.known and isinstance(headers.raw, tuple)):
            continue
        pairs = []
        for header in headers.raw:
            if (
                header.known
                and isinstance(header.raw, dict)
                and "key" in header.raw
                and "value" in header.raw
            ):
                pairs.append((header.raw["key"], header.raw["value"]))
        condition = entry.raw.get("has") or entry.raw.get("missing")
        rules.append(HeaderRule(source.raw, tuple(pairs), entry.location, condition))
    return rules


# -- Next.js --------------------------------------------------------------------------


def is_next_config(path: str) -> bool:
    return PurePosixPath(path).name in NEXT_CONFIG_NAMES


def next_config_policies(module: JsModule) -> list[CorsPolicy]:
    """The rules `headers()` returns in a next.config file."""
    policies: list[CorsPolicy] = []
    for function in _headers_functions(module):
        for returned in _returned(function):
            rules = header_rules(module.resolve(returned))
            policies += header_policies("nextjs_headers", module.path, rules, "Next.js headers()")
    return policies


def _headers_functions(module: JsModule) -> list[Node]:
    found = []
    for node in module.of_kind("method_definition", "pair"):
        name = node.child_by_field_name("name") or node.child_by_field_name("key")
        if name is None or module.text(name).strip("'\"") != "headers":
            continue
        if node.type == "method_definition":
            found.append(node)
            continue
        value = node.child_by_field_name("value")
        function = module.function_node(value) if value is not None else None
        if function is not None:
            found.append(function)
    return found


def _returned(function: Node) -> list[Node]:
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [unwrap(body)]
    returned = []
    for node in walk(body):
        if node.type == "return_statement" and node.named_children:
            returned.append(node.named_children[0])
    return returned
