"""Who answers OPTIONS for a Lambda handler deployed by a ``serverless.yml`` (or
``serverless.ts``), an AWS SAM template or an AWS CDK app without CORS.

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

Only where every link is read: the ``serverless.yml`` (or ``.yaml``, or ``serverless.ts``:
serverless_ts.py; or a SAM ``template.yaml``: aws_sam/gateway_service.py; or a CDK app's
``cdk.json``: aws_cdk/gateway_service.py) in the handler's folder or up to three above it,
alone (no other such file beside it), no ``${file(...)}`` include and no unresolved value
on the way, no ``AWS::ApiGateway`` resource of its own, no imported API (``restApiId``, ``httpApi.id``), no
``provider.httpApi.cors``, no plugin named for CORS; every function whose ``handler`` is
the file (or, for a result helper, every file importing it, each a handler) has only
``http`` or only ``httpApi`` events, with a plain method and path, at least one of them
not GET / HEAD; no event of the service could take an OPTIONS request (``OPTIONS``,
``ANY``, ``*``, ``$default``, ``{proxy+}``), and no REST event gives the same path
``cors``. Anything else: None (unknown).

The configuration is read once per run (service_routes.py, through the context's memo);
each format's reader decides what makes its whole service unknown, and what is left here
is the same for all: the handler's own functions and their routes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from corslint.extractors.aws_cdk.gateway_service import CDK_APP, read_cdk_service
from corslint.extractors.aws_sam.gateway_service import TEMPLATE_NAMES, is_sam_template, read_sam_service
from corslint.extractors.context import Memo
from corslint.extractors.serverless_framework.serverless_ts import read_ts_service
from corslint.extractors.serverless_framework.service_routes import (
    Event,
    Service,
    read_yaml_service,
    remembered_importers,
    remembered_service,
)
from corslint.model import Evidence, Location, Value

CONFIG_NAMES = ("serverless.yml", "serverless.yaml", "serverless.ts")
OTHER_CONFIGS = ("serverless.js", "serverless.json", "serverless.cjs", "serverless.mjs")
MAX_LEVELS = 4
Reader = Callable[[str], Service | None]
_READERS: dict[str, Reader] = {
    ".yml": read_yaml_service,
    ".yaml": read_yaml_service,
    ".ts": read_ts_service,
    ".json": read_cdk_service,
}


@dataclass(frozen=True)
class GatewayAnswer:
    """API Gateway's own answer to the handler's OPTIONS requests."""

    status: int
    detail: str
    location: Location  # the first event of the handler's function in the configuration


def service_config_of(handler_file: str) -> tuple[str, Reader] | None:
    """The configuration of the service the handler is in, with its reader: the one
    serverless.yml / .yaml / .ts, or SAM template.yaml / .yml, in its folder or up to
    three above it."""
    folder = os.path.dirname(os.path.abspath(handler_file))
    for _ in range(MAX_LEVELS):
        found = [name for name in CONFIG_NAMES if os.path.isfile(os.path.join(folder, name))]
        found += [name for name in TEMPLATE_NAMES if is_sam_template(os.path.join(folder, name))]
        found += [CDK_APP] if os.path.isfile(os.path.join(folder, CDK_APP)) else []
        if found:
            if len(found) > 1 or any(os.path.isfile(os.path.join(folder, n)) for n in OTHER_CONFIGS):
                return None
            reader = (
                read_sam_service if found[0] in TEMPLATE_NAMES else _READERS[os.path.splitext(found[0])[1]]
            )
            return os.path.join(folder, found[0]), reader
        if any(os.path.isfile(os.path.join(folder, n)) for n in OTHER_CONFIGS):
            return None  # serverless.js / .json: not read
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return None


def _routes_of(service: Service, targets: set[str]) -> tuple[list[Event], set[str]] | None:
    """The http / httpApi events of the functions whose handler is one of `targets`, and
    the REST paths given CORS by any event; None when one of those functions is also run
    by another trigger or gives its own REST event `cors`."""
    routes: list[Event] = []
    cors_paths: set[str] = set()
    for function in service.functions:
        mine = function.source is not None and function.source in targets
        for event in function.events:
            if not event.kind:
                if mine:
                    return None  # also run by another trigger (an ALB, a function URL...)
                continue
            if event.sets_cors:
                if mine:
                    return None
                cors_paths.add(event.path.strip("/"))
            if mine:
                routes.append(event)
    return routes, cors_paths


def _handlers_using(service: Service, target: str, memo: Memo | None) -> set[str] | None:
    """The handler files whose answers `target` writes: itself when it is a handler, else
    every file that imports it (a result helper), when each of them is a handler."""
    handlers = service.handlers
    if target in handlers:
        return {target}
    importers = remembered_importers(os.path.dirname(service.config), target, memo)
    if not importers or not importers <= handlers:
        return None  # imported by a module that is no handler (or by none found)
    return importers


def gateway_options_answer(handler_file: str, memo: Memo | None = None) -> GatewayAnswer | None:
    """API Gateway's own answer to OPTIONS at the routes of the Lambda in `handler_file`,
    where serverless.yml / .ts deploys it without CORS; None when not known (see the module).
    `memo`: the context's, which keeps the read configuration across the run's files."""
    found = service_config_of(handler_file)
    if found is None:
        return None
    config, reader = found
    service = remembered_service(config, reader, memo)
    if service is None or service.error_answers:
        return None  # gateway responses of its own may give the 403/404 CORS headers
    targets = _handlers_using(service, os.path.realpath(handler_file), memo)
    mine = _routes_of(service, targets) if targets else None
    if mine is None:
        return None
    routes, cors_paths = mine
    kinds = {event.kind for event in routes}
    if len(kinds) != 1 or all(event.method in ("GET", "HEAD") for event in routes):
        return None  # both APIs, or reads alone (never preflighted without their own headers)
    if kinds == {"http"} and any(event.path.strip("/") in cors_paths for event in routes):
        return None  # another function's event gives the same REST resource its OPTIONS method
    first = routes[0].location
    name = os.path.basename(config)
    if kinds == {"httpApi"}:
        missing = _HTTP_API_CORS[service.dialect]
        deploys = "the AWS CDK app" if service.dialect == "cdk" else name
        return GatewayAnswer(
            404,
            f"{deploys} deploys it behind an API Gateway HTTP API without {missing} and without an "
            "OPTIONS (or ANY) route, so API Gateway answers the preflight itself: 404 Not Found, "
            "without CORS headers",
            first,
        )
    missing = (
        "whose APIs have no `Cors`, so SAM adds"
        if service.dialect == "sam"
        else "whose `http` events have no `cors`, so the resources have"
    )
    return GatewayAnswer(
        403,
        f"{name} deploys it behind an API Gateway REST API {missing} no OPTIONS method and API "
        'Gateway answers the preflight itself: 403 "Missing Authentication Token", without CORS headers',
        first,
    )


_HTTP_API_CORS = {
    "serverless": "`provider.httpApi.cors`",
    "sam": "`CorsConfiguration`",
    "cdk": "`corsPreflight` (`new HttpApi`)",
}


def gateway_preflight(file: object, at: Location, memo: Memo | None = None) -> tuple[Value, Evidence] | None:
    """The status API Gateway answers OPTIONS with (at `at`, the handler), and the
    evidence naming it, for the Lambda handler in `file`; None when not known."""
    if file is None:
        return None
    answer = gateway_options_answer(str(file), memo)
    if answer is None:
        return None
    return Value(answer.status, at), Evidence("preflight-gateway", answer.detail, answer.location)


def memo_of(project: object) -> Memo | None:
    """The run's memo of a JS project (`JsProject.context.memo`), if it has one."""
    context = getattr(project, "context", None)
    memo: Memo | None = getattr(context, "memo", None)
    return memo
