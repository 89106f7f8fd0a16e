"""``serverless.yml``: the CORS API Gateway gets from the Serverless Framework.

- ``functions.<f>.events[].http.cors`` (``true`` or a mapping): one policy per event,
  reported at its own ``cors`` lines (framework ``serverless_rest``). The methods of the
  generated ``OPTIONS`` answer are those of every event on the same path, as the
  framework merges them (``validate.js``: ``_.union`` per path).
- ``provider.httpApi.cors`` (``true`` or a mapping): one policy for the HTTP API
  (``serverless_http_api``), its methods filled from the ``httpApi`` events when not
  configured (``http-api.js``: ``shouldFillCorsMethods``).

See frameworks/serverless_framework.py and docs/semantics/serverless-framework.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from corslint.extractors.context import ProjectContext
from corslint.extractors.serverless_framework.handler_files import handler_may_send_cors
from corslint.extractors.serverless_framework.yaml_document import Variables, lookup, read_document
from corslint.frameworks.serverless_framework import ANY_METHODS, DEFAULT_HEADERS
from corslint.model import CorsPolicy, Evidence, Extraction, Location, Provenance, Route, Value

REST_KEYS = ("origin", "origins", "headers", "allowCredentials", "maxAge", "cacheControl")
HTTP_API_KEYS = (
    "allowedOrigins",
    "allowedHeaders",
    "allowedMethods",
    "allowCredentials",
    "exposedResponseHeaders",
    "maxAge",
)
HTTP_API_METHODS = ("GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE")


@dataclass(frozen=True)
class HttpEvent:
    """One `http` event of a function in serverless.yml, with its `cors` setting."""

    function: str
    path: str
    method: str
    cors: Value  # resolved: True, a mapping, or unknown
    location: Location  # the `http` mapping
    handler: Value | None  # the function's `handler: path/module.function`


def _text(value: Value | None) -> str:
    return str(value.raw) if value is not None and value.known and value.raw is not None else ""


def _events(root: Value, variables: Variables, kind: str) -> list[tuple[str, Value | None, Value]]:
    """(function name, its `handler`, event body) for each event of `kind` (`http`, `httpApi`)."""
    functions = lookup(root, "functions")
    found: list[tuple[str, Value | None, Value]] = []
    if functions is None or not functions.known or not isinstance(functions.raw, dict):
        return found
    for name, function in functions.raw.items():
        events = lookup(function, "events")
        if events is None or not events.known or not isinstance(events.raw, tuple):
            continue
        for event in events.raw:
            if event.known and isinstance(event.raw, dict) and kind in event.raw:
                handler = lookup(function, "handler")
                found.append(
                    (name, handler and variables.resolve(handler), variables.resolve(event.raw[kind]))
                )
    return found


def _http_events(root: Value, variables: Variables) -> list[HttpEvent]:
    events: list[HttpEvent] = []
    for function, handler, body in _events(root, variables, "http"):
        if not body.known or not isinstance(body.raw, dict):
            continue  # `http: GET users`: the short form has no cors
        cors = body.raw.get("cors")
        if cors is None or (cors.known and cors.raw in (False, None)):
            continue
        path = _text(body.raw.get("path")).strip("/")
        method = _text(body.raw.get("method")).upper() or "ANY"
        events.append(HttpEvent(function, path, method, cors, body.location, handler))
    return events


def _rest_policy(event: HttpEvent, methods: tuple[str, ...], service_dir: str) -> CorsPolicy:
    cors = event.cors
    location = cors.location
    options: dict[str, Value] = {}
    if not cors.known:
        options["origin"] = cors  # `cors: ${file(...)}`: CORS305 names it
    elif isinstance(cors.raw, dict):
        for key in REST_KEYS:
            if key in cors.raw:
                options[key] = cors.raw[key]
        if isinstance(options.get("headers"), Value) and isinstance(options["headers"].raw, str):
            options["headers"] = Value((options["headers"],), options["headers"].location)
        if "origin" not in options and "origins" not in options:
            options["origin"] = Value("*", location, Provenance.LITERAL)
    else:  # `cors: true`
        options["origin"] = Value("*", location, Provenance.LITERAL)
    options["methods"] = Value(tuple(Value(m, location) for m in methods), location)
    handler = event.handler
    readable = handler is not None and handler.known and isinstance(handler.raw, str)
    if readable and handler is not None and handler_may_send_cors(service_dir, str(handler.raw)) is False:
        options["lambda_sends_cors"] = Value(False, handler.location)
    route_path = "/" + event.path
    return CorsPolicy(
        framework="serverless_rest",
        location=location,
        options=options,
        routes=(Route(route_path, _route_methods(event.method), event.location),),
        label=f"http event of function {event.function} ({event.method} {route_path})",
        scope=route_path,
        probe_path=route_path.replace("{", "").replace("}", "").replace("+", ""),
    )


def _route_methods(method: str) -> tuple[str, ...]:
    return tuple(ANY_METHODS.split(",")) if method == "ANY" else (method,)


def _path_methods(events: list[HttpEvent]) -> dict[str, tuple[str, ...]]:
    """The preflight's methods per path, merged as validate.js does (`OPTIONS` first)."""
    merged: dict[str, list[str]] = {}
    for event in events:
        own = ["OPTIONS"]
        cors = event.cors
        if cors.known and isinstance(cors.raw, dict) and (listed := cors.raw.get("methods")) is not None:
            own = [str(item.raw).upper() for item in listed.entries if item.known] or own
            if "OPTIONS" not in own:
                own.append("OPTIONS")
        if event.method not in own:
            own.append(event.method)
        earlier = merged.get(event.path, [])
        merged[event.path] = list(dict.fromkeys([*own, *earlier]))
    return {path: tuple(methods) for path, methods in merged.items()}


def _http_api_policy(root: Value, variables: Variables, keys: dict[Location, Location]) -> CorsPolicy | None:
    cors = lookup(root, "provider.httpApi.cors")
    if cors is None:
        return None
    cors = variables.resolve(cors)
    if cors.known and cors.raw in (False, None):
        return None
    location = cors.location
    options: dict[str, Value] = {}
    fill_methods = True
    if not cors.known:
        options["allowedOrigins"] = cors
    elif isinstance(cors.raw, dict):
        for key in HTTP_API_KEYS:
            if key in cors.raw:
                value = cors.raw[key]
                if (
                    value.known
                    and not isinstance(value.raw, tuple)
                    and key != "allowCredentials"
                    and key != "maxAge"
                ):
                    value = Value((value,), value.location, value.provenance, env_var=value.env_var)
                options[key] = value
        fill_methods = "allowedMethods" not in options
        options.setdefault("allowedOrigins", Value((Value("*", location),), location))
    else:
        options["allowedOrigins"] = Value((Value("*", location),), location)
    routes: list[Route] = []
    methods: tuple[str, ...] = ("OPTIONS",)
    for _, _, body in _events(root, variables, "httpApi"):
        method, path = _route(body)
        if method:
            every = method in ("*", "ANY")
            routes.append(Route(path or "/", HTTP_API_METHODS if every else (method,), body.location))
            methods += HTTP_API_METHODS if every else (method,)
    if not routes:
        # http-api.js: without an httpApi event no HTTP API is made (`if
        # (!this.config.routes.size) return`): `http` events are a REST API, with their own cors
        detail = (
            "`provider.httpApi.cors` has no effect: no function has an `httpApi` event, so the "
            "Serverless Framework creates no HTTP API (`http` events make a REST API, whose CORS "
            "is the `cors` of each event)"
        )
        where = keys.get(location, location)
        return CorsPolicy(
            framework="serverless_http_api",
            location=where,
            options={"allowedOrigins": Value((), where)},
            evidence=(Evidence("not-applied", detail, where, whole_layer=True),),
            label="provider.httpApi.cors",
        )
    if fill_methods:
        options["allowedMethods"] = Value(tuple(Value(m, location) for m in dict.fromkeys(methods)), location)
    if not isinstance(cors.raw, dict) or "allowedHeaders" not in cors.raw:
        options.setdefault(
            "allowedHeaders", Value(tuple(Value(h, location) for h in DEFAULT_HEADERS), location)
        )
    return CorsPolicy(
        framework="serverless_http_api",
        location=location,
        options=options,
        routes=tuple(routes) or None,
        label="provider.httpApi.cors",
    )


def _ignored_event_cors(
    root: Value, variables: Variables, keys: dict[Location, Location]
) -> list[CorsPolicy]:
    """`cors` under an `httpApi` event: not a property of the event (its schema has
    `additionalProperties: false`, http-api.js), so the framework ignores it (or refuses
    to deploy under `configValidationMode: error`); an HTTP API's CORS is
    `provider.httpApi.cors` alone. A policy that allows nothing, with the evidence."""
    found: list[CorsPolicy] = []
    for _, _, body in _events(root, variables, "httpApi"):
        cors = body.raw.get("cors") if body.known and isinstance(body.raw, dict) else None
        if cors is None or (cors.known and cors.raw in (False, None)):
            continue
        where = keys.get(cors.location, cors.location)  # the `cors:` key
        detail = (
            "`cors` is not a setting of an `httpApi` event, so the Serverless Framework ignores it "
            "(or refuses to deploy under `configValidationMode: error`): an HTTP API takes its "
            "CORS from `provider.httpApi.cors` alone"
        )
        found.append(
            CorsPolicy(
                framework="serverless_http_api",
                location=where,
                options={"allowedOrigins": Value((), where)},
                evidence=(Evidence("not-applied", detail, where, whole_layer=True),),
                label="cors on an httpApi event",
            )
        )
    return found


def _route(body: Value) -> tuple[str, str]:
    """(method, path) of an httpApi event: `'GET /users'`, `'*'` or `{method, path}`."""
    if not body.known:
        return "", ""
    if isinstance(body.raw, str):
        if body.raw.strip() == "*":
            return "*", "/"
        method, _, path = body.raw.strip().partition(" ")
        return method.upper(), path.strip()
    if isinstance(body.raw, dict):
        return _text(body.raw.get("method")).upper(), _text(body.raw.get("path"))
    return "", ""


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    keys: dict[Location, Location] = {}
    root = read_document(path, text, keys)
    if root is None or not root.known or not isinstance(root.raw, dict):
        return Extraction()
    provider = lookup(root, "provider.name")
    if provider is not None and provider.known and str(provider.raw).lower() != "aws":
        return Extraction()  # Azure, Google...: their `http` events are not API Gateway's
    variables = Variables(root)
    events = _http_events(root, variables)
    methods = _path_methods(events)
    service_dir = os.path.dirname(path) or "."
    policies = [_rest_policy(event, methods[event.path], service_dir) for event in events]
    http_api = _http_api_policy(root, variables, keys)
    if http_api is not None:
        policies.append(http_api)
    policies += _ignored_event_cors(root, variables, keys)
    return Extraction(policies=tuple(policies))
