"""CORS headers from Nitro's ``routeRules`` (``nitro.config.*`` ``defineNitroConfig``,
``nuxt.config.*`` ``defineNuxtConfig`` at the top level or under ``nitro``), judged as
hand-written headers configured for a path pattern (`config_headers.header_policies`).

What nitropack 2.13.6 does with them (read from the npm tarball):

- ``normalizeRouteRules`` (dist/core/index.mjs) gives every key a leading slash and turns a
  truthy ``cors`` into the headers ``access-control-allow-origin: *``,
  ``access-control-allow-methods: *``, ``access-control-allow-headers: *`` and
  ``access-control-max-age: 0``, the rule's own ``headers`` spread after them;
- the route-rules handler (dist/runtime/internal/route-rules.mjs) runs first on every
  request, OPTIONS included: radix3's ``toRouteMatcher(...).matchAll(path)`` lists the
  matching rules (``/x/**`` wildcards by key length, shortest first, then the exact path;
  a trailing slash of the path dropped), ``defu({}, ...matches.reverse())`` merges them (the
  more specific rule's value of a key wins, the keys of the less specific rule first) and
  ``setHeaders`` sets each header in that order (names compared without regard to case:
  a later key replaces an earlier one).

Each rule that sends Access-Control-* headers becomes one policy: the headers a request for
its probe path gets, every matching rule merged in. What answers OPTIONS is the route
behind the path (not read: left unresolved). A header a server middleware sets on every
request the rule covers is replaced there (`nitro_middleware_overrides`): it is left out. Only literal objects are read; a rule, a
``headers`` object or the ``routeRules`` object the module cannot read leaves the file
without policies (any rule could then add headers to any path); keys with ``:name`` or a
``*`` other than a trailing ``/**`` are not matched here, and a file with such a rule
that sends headers gets no policies either."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from corslint.extractors.express.config_headers import HeaderRule, header_policies
from corslint.extractors.express.nitro_middleware_overrides import replaced_headers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import CorsPolicy, Value

_CONFIG_NAME = re.compile(r"(nitro|nuxt)\.config\.(?:js|mjs|cjs|ts|mts|cts)")
_DEFINERS = {"nitro": "defineNitroConfig", "nuxt": "defineNuxtConfig"}
CORS_DEFAULTS = (
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "*"),
    ("access-control-allow-headers", "*"),
    ("access-control-max-age", "0"),
)
_SUPPORTED_KEY = re.compile(r"/(?:[^*:]*?)(?:/\*\*)?|/\*\*")


def is_nitro_config(path: str) -> bool:
    return _CONFIG_NAME.fullmatch(PurePosixPath(path).name) is not None


def nitro_config_policies(module: JsModule) -> list[CorsPolicy]:
    match = _CONFIG_NAME.fullmatch(PurePosixPath(module.path).name)
    if match is None:
        return []
    config = _config_object(module, match.group(1))
    if config is None:
        return []
    resolved = module.resolve(config)
    if not (resolved.known and isinstance(resolved.raw, dict)) or "**" in resolved.raw:
        return []  # an unread spread may hold (or replace) the rules
    holders = [resolved]
    if match.group(1) == "nuxt" and "nitro" in resolved.raw:
        holders.append(resolved.raw["nitro"])
    rules: dict[str, dict[str, Value]] = {}
    for holder in holders:
        if not (holder.known and isinstance(holder.raw, dict)):
            return []  # `nitro:` not read: it may hold rules
        table = holder.raw.get("routeRules")
        if table is None:
            continue
        read = _rules(table)
        if read is None:
            return []
        for key, rule in read.items():
            # Nuxt merges `nitro.routeRules` under its own `routeRules` (not read: precision)
            if key in rules:
                return []
            rules[key] = rule
    return _policies(module, match.group(1), rules)


def _config_object(module: JsModule, kind: str) -> Node | None:
    """The object passed to `defineNitroConfig` / `defineNuxtConfig` (or exported as the
    default when there is no such call)."""
    found = None
    for call in module.of_kind("call_expression"):
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if function is None or arguments is None or module.text(function) != _DEFINERS[kind]:
            continue
        if found is not None or not arguments.named_children:
            return None  # two configurations: which one is used is not read
        found = unwrap(arguments.named_children[0])
    if found is not None:
        return found if found.type == "object" else None
    for statement in module.of_kind("export_statement"):
        value = statement.child_by_field_name("value")
        if value is not None and unwrap(value).type == "object":
            return unwrap(value)
    return None


def _rules(table: Value) -> dict[str, dict[str, Value]] | None:
    """Each rule's path (with its leading slash) and its normalised entries (`headers`
    as an ordered dict of name -> value, `cors` defaults first); None when a rule cannot
    be read."""
    if not (table.known and isinstance(table.raw, dict)):
        return None
    rules: dict[str, dict[str, Value]] = {}
    for key, rule in table.raw.items():
        if not (rule.known and isinstance(rule.raw, dict)):
            return None  # an unknown rule (or an unread spread into the table)
        path = key if key.startswith("/") else f"/{key}"
        headers: dict[str, Value] = {}
        cors = rule.raw.get("cors")
        if cors is not None and not cors.known:
            return None
        if cors is not None and _truthy(cors.raw):
            headers = {name: Value(value, cors.location) for name, value in CORS_DEFAULTS}
        own = rule.raw.get("headers")
        if own is not None:
            if not (own.known and isinstance(own.raw, dict)) or ("**" in own.raw and not own.raw["**"].known):
                return None
            for name, value in own.raw.items():
                if value.known and value.raw is None:
                    continue  # defu skips null / undefined
                headers.pop(name, None)  # a spread re-inserts a key where it was
                headers[name] = value
        if headers:
            rules[path] = headers
    return rules


def _truthy(raw: object) -> bool:
    return raw not in (None, False, 0, "")


def _key_of(path: str) -> tuple[str, str] | None:
    """("wildcard", prefix) for `/x/**`, ("static", path) for a plain path; None for a
    pattern not matched here."""
    if _SUPPORTED_KEY.fullmatch(path) is None:
        return None
    if path.endswith("/**"):
        return "wildcard", path[: -len("/**")]
    return "static", path.rstrip("/") or "/"


def _matching(rules: dict[str, dict[str, Value]], path: str) -> list[str]:
    """The rules radix3's `matchAll` lists for `path`, in its order."""
    path = path[:-1] or "/" if path.endswith("/") else path
    wildcards = []
    statics = []
    for key in rules:
        kind, prefix = _key_of(key) or ("", "")
        if kind == "wildcard" and (path == prefix or path.startswith(prefix + "/")):
            wildcards.append((len(prefix), key))
        elif kind == "static" and prefix == path:
            statics.append(key)
    return [key for _, key in sorted(wildcards, key=lambda item: item[0])] + statics[-1:]


def merged_headers(rules: dict[str, dict[str, Value]], path: str) -> list[tuple[str, Value]]:
    """The headers `setHeaders` sets for `path`, in order: `defu` over the matching rules,
    the more specific first."""
    merged: dict[str, Value] = {}
    for key in _matching(rules, path):  # least specific first: defu keeps its key order
        for name, value in rules[key].items():
            merged[name] = value  # a more specific value replaces it in place
    return list(merged.items())


def _probe(key: str) -> str:
    return f"{key[: -len('/**')]}/x" if key.endswith("/**") else key


def _policies(module: JsModule, kind: str, rules: dict[str, dict[str, Value]]) -> list[CorsPolicy]:
    path = module.path
    sending = {key: headers for key, headers in rules.items() if _cors(headers)}
    if any(_key_of(key) is None for key in rules):
        return []  # a pattern not matched here may add headers to these paths
    policies: list[CorsPolicy] = []
    for key, own in sending.items():
        replaced = replaced_headers(module, kind, key)  # a later middleware's value is sent instead
        pairs = tuple(
            (Value(name, value.location), value)
            for name, value in merged_headers(rules, _probe(key))
            if name.lower() not in replaced
        )
        rule = HeaderRule(key, pairs, next(iter(own.values())).location)
        policies += header_policies("nitro_route_rules", path, [rule], "Nitro routeRules")
    return policies


def _cors(headers: dict[str, Value]) -> bool:
    return any(name.lower().startswith("access-control-") for name in headers)
