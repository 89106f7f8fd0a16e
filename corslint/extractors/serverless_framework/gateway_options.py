"""Who answers OPTIONS for a Lambda handler deployed by a ``serverless.yml`` without CORS.

A Lambda handler that writes CORS headers on its results, but has no ``OPTIONS`` branch,
relies on something in front of it to answer preflights. Where that something is API
Gateway as the Serverless Framework configures it, and the configuration has no CORS and
no route that would pass OPTIONS to a function, API Gateway answers the preflight itself,
without any CORS header:

- HTTP API (``httpApi`` events, no ``provider.httpApi.cors``): a route is a method and a
  path; ``ANY`` and the ``$default`` route are the catch-alls (AWS, "Create routes for
  HTTP APIs", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html),
  so no route matches ``OPTIONS /path`` and API Gateway answers ``404 {"message":"Not
  Found"}``. Only a CORS configuration makes API Gateway answer preflights without an
  OPTIONS route (AWS, "Configure CORS for HTTP APIs": "If you configure CORS for an API,
  API Gateway automatically sends a response to preflight OPTIONS requests, even if there
  isn't an OPTIONS route configured for your API";
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
- REST API (``http`` events, none with ``cors`` on the path): the resource has no
  ``OPTIONS`` method, and a request "made to a method or resource that does not exist" is
  answered ``403 {"message":"Missing Authentication Token"}`` (AWS re:Post knowledge
  center, https://repost.aws/knowledge-center/api-gateway-authentication-token-errors;
  reported for a preflight in pulumi/pulumi-cloud#521). The Serverless Framework adds the
  OPTIONS method only for ``cors`` (``validate.js`` / ``cors.js``), and AWS's "Enable CORS
  for a REST API resource" asks for one with a proxy integration
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html).

Only where every link is read: the ``serverless.yml`` (or ``.yaml``) in the handler's
folder or up to three above it, alone (no ``serverless.ts`` / ``.js`` / ``.json`` beside
it), no ``${file(...)}`` include and no unresolved value on the way, no ``AWS::ApiGateway``
resource of its own, no imported API (``restApiId``, ``httpApi.id``), no
``provider.httpApi.cors``, no plugin named for CORS; every function whose ``handler`` is
the file (or, for a result helper, every file importing it, each a handler) has only
``http`` or only ``httpApi`` events, with a plain method and path, at least one of them
not GET / HEAD; no event of the service could take an OPTIONS request (``OPTIONS``,
``ANY``, ``*``, ``$default``, ``{proxy+}``), and no REST event gives the same path
``cors``. Anything else: None (unknown).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from corslint.extractors.serverless_framework.handler_files import handler_source
from corslint.extractors.serverless_framework.helper_importers import importing_files
from corslint.extractors.serverless_framework.yaml_document import Variables, lookup, read_document
from corslint.model import Evidence, Location, Value

CONFIG_NAMES = ("serverless.yml", "serverless.yaml")
OTHER_CONFIGS = ("serverless.ts", "serverless.js", "serverless.json", "serverless.cjs", "serverless.mjs")
MAX_LEVELS = 4
MAX_BYTES = 256_000


@dataclass(frozen=True)
class GatewayAnswer:
    """API Gateway's own answer to the handler's OPTIONS requests."""

    status: int
    detail: str
    location: Location  # the first event of the handler's function in serverless.yml


def _config_of(handler_file: str) -> str | None:
    folder = os.path.dirname(os.path.abspath(handler_file))
    for _ in range(MAX_LEVELS):
        found = [name for name in CONFIG_NAMES if os.path.isfile(os.path.join(folder, name))]
        if found:
            if len(found) > 1 or any(os.path.isfile(os.path.join(folder, n)) for n in OTHER_CONFIGS):
                return None
            return os.path.join(folder, found[0])
        if any(os.path.isfile(os.path.join(folder, n)) for n in OTHER_CONFIGS):
            return None  # serverless.ts: not read
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return None


def _plain(value: Value | None) -> str | None:
    if value is None or not value.known or not isinstance(value.raw, str):
        return None
    return value.raw


def _event_route(body: Value) -> tuple[str, str, bool] | None:
    """(method, path, sets cors) of an `http` / `httpApi` event; None when not plainly read."""
    if not body.known:
        return None
    if isinstance(body.raw, str):
        method, _, path = body.raw.strip().partition(" ")
        return (method.upper(), path.strip(), False) if path.strip() else None
    if not isinstance(body.raw, dict):
        return None
    named, at = _plain(body.raw.get("method")), _plain(body.raw.get("path"))
    if named is None or at is None:
        return None
    cors = body.raw.get("cors")
    sets_cors = cors is not None and not (cors.known and cors.raw in (False, None))
    return named.upper(), at, sets_cors


def _opens_options(method: str, path: str) -> bool:
    """Whether a route could take an OPTIONS request (and pass it to a function)."""
    return method in ("OPTIONS", "ANY", "*", "$DEFAULT") or "{proxy+}" in path or "$default" in path


def _source_text(value: Value) -> str:
    if not value.known:
        return ""
    if isinstance(value.raw, tuple):
        return " ".join(_source_text(item) for item in value.raw)
    if isinstance(value.raw, dict):
        return " ".join(f"{key} {_source_text(item)}" for key, item in value.raw.items())
    return str(value.raw)


Routes = tuple[list[tuple[str, str, str, Location]], set[str]]


def handler_files(root: Value, variables: Variables, service_dir: str) -> set[str] | None:
    """The real paths of every function's handler source; None when one is not read."""
    functions = lookup(root, "functions")
    if functions is None or not functions.known or not isinstance(functions.raw, dict):
        return None
    found: set[str] = set()
    for function in functions.raw.values():
        handler = function.raw.get("handler") if function.known and isinstance(function.raw, dict) else None
        text = _plain(variables.resolve(handler)) if handler is not None else None
        if text is None:
            return None
        source = handler_source(service_dir, text)
        if source is not None:  # (a compiled or Go handler: no file here imports anything)
            found.add(os.path.realpath(source))
    return found


def _routes_of(root: Value, variables: Variables, service_dir: str, targets: set[str]) -> Routes | None:
    """(kind, method, path, location) of each http / httpApi event of the functions whose
    handler is one of `targets`, and the REST paths given CORS or an OPTIONS method by any event;
    None when a link is not plainly read or a route may pass OPTIONS to a function."""
    functions = lookup(root, "functions")
    if functions is None or not functions.known or not isinstance(functions.raw, dict):
        return None
    routes: list[tuple[str, str, str, Location]] = []
    cors_paths: set[str] = set()
    for function in functions.raw.values():
        if not function.known or not isinstance(function.raw, dict):
            return None
        handler_value = function.raw.get("handler")
        handler = _plain(variables.resolve(handler_value)) if handler_value is not None else None
        if handler is None:
            return None
        source = handler_source(service_dir, handler)
        mine = source is not None and os.path.realpath(source) in targets
        events = function.raw.get("events")
        if events is None:
            continue
        if not events.known or not isinstance(events.raw, tuple):
            return None
        for event in events.raw:
            if not event.known or not isinstance(event.raw, dict) or len(event.raw) != 1:
                return None
            kind, body = next(iter(event.raw.items()))
            if kind not in ("http", "httpApi"):
                if mine:
                    return None  # also run by another trigger (an ALB, a function URL...)
                continue
            route = _event_route(variables.resolve(body))
            if route is None or _opens_options(route[0], route[1]):
                return None
            method, path, sets_cors = route
            if sets_cors or method == "OPTIONS":
                if kind == "httpApi" or mine:
                    return None  # (`cors` on an httpApi event is ignored: CORS303 says so)
                cors_paths.add(path.strip("/"))
            if mine:
                routes.append((kind, method, path, body.location))
    return routes, cors_paths


def _handlers_using(root: Value, variables: Variables, service_dir: str, target: str) -> set[str] | None:
    """The handler files whose answers `target` writes: itself when it is a handler, else
    every file that imports it (a result helper), when each of them is a handler."""
    handlers = handler_files(root, variables, service_dir)
    if handlers is None:
        return None
    if target in handlers:
        return {target}
    importers = importing_files(service_dir, target)
    if not importers or not importers <= handlers:
        return None  # imported by a module that is no handler (or by none found)
    return importers


def gateway_options_answer(handler_file: str) -> GatewayAnswer | None:
    """API Gateway's own answer to OPTIONS at the routes of the Lambda in `handler_file`,
    where serverless.yml deploys it without CORS; None when not known (see the module)."""
    config = _config_of(handler_file)
    if config is None:
        return None
    try:
        if os.path.getsize(config) > MAX_BYTES:
            return None
        with open(config, encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:
        return None
    if "${file(" in text or "AWS::ApiGateway" in text:
        return None  # an include, API Gateway resources of its own
    root = read_document(config, text)
    if root is None or not root.known or not isinstance(root.raw, dict):
        return None
    provider = lookup(root, "provider")
    if provider is None or not provider.known or not isinstance(provider.raw, dict):
        return None
    variables = Variables(root)
    name = provider.raw.get("name")
    if name is None or _plain(variables.resolve(name)) != "aws":
        return None
    for section, key in (("apiGateway", "restApiId"), ("httpApi", "id"), ("httpApi", "cors")):
        settings = provider.raw.get(section)
        if settings is not None and (
            not settings.known or not isinstance(settings.raw, dict) or key in settings.raw
        ):
            return None  # an API made elsewhere, or the HTTP API's own CORS answer
    plugins = root.raw.get("plugins")
    if plugins is not None and "cors" in _source_text(plugins).lower():
        return None  # a plugin that may add CORS or OPTIONS methods
    service_dir = os.path.dirname(config)
    targets = _handlers_using(root, variables, service_dir, os.path.realpath(handler_file))
    mine = _routes_of(root, variables, service_dir, targets) if targets else None
    if mine is None:
        return None
    routes, cors_paths = mine
    kinds = {kind for kind, _, _, _ in routes}
    if len(kinds) != 1 or all(method in ("GET", "HEAD") for _, method, _, _ in routes):
        return None  # both APIs, or reads alone (never preflighted without their own headers)
    if kinds == {"http"} and any(path.strip("/") in cors_paths for _, _, path, _ in routes):
        return None  # another function's event gives the same REST resource its OPTIONS method
    first = routes[0][3]
    if kinds == {"httpApi"}:
        return GatewayAnswer(
            404,
            f"{os.path.basename(config)} deploys it behind an API Gateway HTTP API without "
            "`provider.httpApi.cors` and without an OPTIONS (or ANY) route, so API Gateway "
            "answers the preflight itself: 404 Not Found, without CORS headers",
            first,
        )
    return GatewayAnswer(
        403,
        f"{os.path.basename(config)} deploys it behind an API Gateway REST API whose `http` "
        "events have no `cors`, so the resources have no OPTIONS method and API Gateway "
        'answers the preflight itself: 403 "Missing Authentication Token", without CORS headers',
        first,
    )


def gateway_preflight(file: object, at: Location) -> tuple[Value, Evidence] | None:
    """The status API Gateway answers OPTIONS with (at `at`, the handler), and the
    evidence naming it, for the Lambda handler in `file`; None when not known."""
    if file is None:
        return None
    answer = gateway_options_answer(str(file))
    if answer is None:
        return None
    return Value(answer.status, at), Evidence("preflight-gateway", answer.detail, answer.location)
