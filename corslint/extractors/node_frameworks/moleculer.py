"""moleculer-web's CORS: an API gateway service (a file that imports ``moleculer-web``)
whose ``settings`` hold ``routes: [...]``. Each route that has CORS (the service's
``settings.cors``, the route's own ``cors``, or both, merged route over service) is one
policy, scoped to the route's path under ``settings.path``. A gateway without ``cors``
sends no CORS headers and gets nothing; a ``cors`` that cannot be read whole is still
reported (CORS305, or CORS003 where the routes cannot be found)."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.extractors.node_frameworks.config_exports import js_project
from corslint.extractors.node_frameworks.config_options import option_evidence
from corslint.frameworks.moleculer_web_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Diagnostic, Evidence, Extraction, Route, Value

PACKAGE = "moleculer-web"
FRAMEWORK = "moleculer_web_cors"
MESSAGE = (
    "corslint does not model moleculer-web's `cors` settings in this shape yet: the CORS "
    "configuration here was not checked"
)
_VERBS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_CLOSE = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "credential": "credentials",
    "allowHeaders": "allowedHeaders",
    "exposeHeaders": "exposedHeaders",
    "allowMethods": "methods",
    "maxage": "maxAge",
}


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if PACKAGE not in text:  # most files with `cors` are no moleculer-web gateway
        return Extraction()
    module = js_project(context).module(path, text, Path(path))
    if not any(specifier == PACKAGE for specifier, _ in module.imports.values()):
        return Extraction()
    policies: list[CorsPolicy] = []
    understood: set[int] = set()
    for settings in _gateway_settings(module):
        found, keys = _route_policies(module, settings)
        policies += found
        understood |= keys
    notes = [
        Diagnostic("CORS003", MESSAGE, module.location(key))
        for key in _cors_keys(module)
        if key.id not in understood
    ]
    return Extraction(policies=tuple(policies), diagnostics=tuple(notes[:1]))


def _pairs(module: JsModule, node: Node) -> dict[str, Node]:
    """An object literal's `key: value` pairs by key (shorthand and spreads left out)."""
    found: dict[str, Node] = {}
    for pair in node.named_children:
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        name = string_value(key) if key.type == "string" else module.text(key)
        if name is not None:
            found[name] = pair
    return found


def _gateway_settings(module: JsModule) -> list[Node]:
    """The `settings: {...}` objects that hold `routes: [...]`."""
    found: list[Node] = []
    for pair in module.of_kind("pair"):
        key = pair.child_by_field_name("key")
        value = unwrap(pair.child_by_field_name("value"))
        if module.text(key) != "settings" or value.type != "object":
            continue
        routes = _pairs(module, value).get("routes")
        if routes is not None and unwrap(routes.child_by_field_name("value")).type == "array":
            found.append(value)
    return found


def _cors_keys(module: JsModule) -> list[Node]:
    keys = []
    for pair in module.of_kind("pair"):
        key = pair.child_by_field_name("key")
        name = string_value(key) if key.type == "string" else module.text(key)
        if name == "cors":
            keys.append(key)
    return keys


def _route_policies(module: JsModule, settings: Node) -> tuple[list[CorsPolicy], set[int]]:
    pairs = _pairs(module, settings)
    base = _string(module, pairs.get("path")) or ""
    service_cors = pairs.get("cors")
    understood: set[int] = set()
    if service_cors is not None:
        understood.add(service_cors.child_by_field_name("key").id)
    policies: list[CorsPolicy] = []
    routes = unwrap(pairs["routes"].child_by_field_name("value"))
    for route in routes.named_children:
        route = unwrap(route)
        if route.type != "object":
            continue
        route_pairs = _pairs(module, route)
        route_cors = route_pairs.get("cors")
        if route_cors is not None:
            understood.add(route_cors.child_by_field_name("key").id)
        layers = [layer for layer in (service_cors, route_cors) if layer is not None]
        if not layers:
            continue
        values = [module.resolve(layer.child_by_field_name("value")) for layer in layers]
        if not any(value.known and _truthy(value.raw) for value in values) and all(v.known for v in values):
            continue  # `cors: false` on both: no CORS on this route
        route_path = _string(module, route_pairs.get("path"))
        # a computed path: the route's reach is unknown, judged as if it were every path
        scope = None if route_path is None and "path" in route_pairs else base + (route_path or "")
        options, evidence = _merged(values)
        where = module.location(layers[-1].child_by_field_name("key"))
        policies.append(
            CorsPolicy(
                FRAMEWORK,
                where,
                options,
                evidence=tuple(evidence),
                label=f"moleculer-web route {scope or '/'}",
                scope=scope or "",
                probe_path=(scope or "") + "/x" if scope else "/x",
                routes=_alias_routes(module, route_pairs.get("aliases"), scope or ""),
            )
        )
    return policies, understood


def _alias_routes(module: JsModule, aliases: Node | None, scope: str) -> tuple[Route, ...] | None:
    """`aliases: { "PATCH /:id": "users.update" }`: the methods the route serves (a key
    without a verb, or `REST`, answers several and is left out)."""
    if aliases is None:
        return None
    table = unwrap(aliases.child_by_field_name("value"))
    if table.type != "object":
        return None
    found: list[Route] = []
    for address, pair in _pairs(module, table).items():
        verb, _, alias_path = address.strip().partition(" ")
        if verb.upper() in _VERBS and alias_path.strip():
            found.append(Route(scope + alias_path.strip(), (verb.upper(),), module.location(pair)))
    return tuple(found) or None


def _merged(values: list[Value]) -> tuple[dict[str, Value], list[Evidence]]:
    """`Object.assign({}, defaults, settings.cors, route.cors)`: a later key wins; a
    non-object layer (`true`) adds nothing."""
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for value in values:
        if not value.known:
            options["**"] = value
            continue
        if isinstance(value.raw, dict):
            known, notes = option_evidence(value.raw, OPTION_NAMES, _CLOSE, "moleculer-web's `cors`")
            options.update(known)
            evidence += notes
    return options, evidence


def _truthy(raw: object) -> bool:
    return raw not in (False, None, 0, "")


def _string(module: JsModule, pair: Node | None) -> str | None:
    if pair is None:
        return None
    return string_value(unwrap(pair.child_by_field_name("value")))
