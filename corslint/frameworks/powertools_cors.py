"""Powertools for AWS Lambda (Python) event handler CORS: `APIGatewayRestResolver(cors=CORSConfig(...))`
and the other resolvers built on `ApiGatewayResolver` (aws-lambda-powertools 3.37.0).

Read from `aws_lambda_powertools.event_handler.api_gateway` (`CORSConfig.allowed_origin`,
`CORSConfig.to_dict`, `ResponseBuilder._add_cors`, `ApiGatewayResolver._handle_not_found`)
and checked against it (tests/test_differential_powertools_cors.py):

- the allowed origins are `[allow_origin] + extra_origins` (default `["*"]`), compared
  with the request's Origin exactly (case and trailing slash included);
- a listed Origin is echoed; any other Origin gets `*` when `*` is listed, else nothing;
  a request without Origin gets no CORS header; no `Vary` is ever sent;
- with an Allow-Origin: `Access-Control-Allow-Headers` (the five built-in names plus
  `allow_headers`, sorted, joined with `,`), `-Expose-Headers` when listed, `-Max-Age`
  when set, and `-Allow-Credentials: true` when `allow_credentials is True` and the
  Allow-Origin sent is not `*`;
- a preflight (an OPTIONS no route handles) is answered 204 with
  `Access-Control-Allow-Methods`: `OPTIONS` and the methods of every CORS-enabled route of
  the resolver, sorted, whatever the path.
"""

from __future__ import annotations

from typing import Any

from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

REQUIRED_HEADERS = ("Authorization", "Content-Type", "X-Amz-Date", "X-Api-Key", "X-Amz-Security-Token")
# where the resolver's routes are not known: whatever a preflight asks for is listed
ANY_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
PREFLIGHT_STATUS = 204


def allowed_origins(policy: CorsPolicy) -> list[Any]:
    """`CORSConfig._allowed_origins`."""
    allowed = [policy.plain_option("allow_origin", "*")]
    extra = policy.plain_option("extra_origins")
    if extra:
        allowed.extend([extra] if isinstance(extra, str) else extra)
    return allowed


def _listed(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def resolver_methods(policy: CorsPolicy) -> tuple[str, ...]:
    if policy.routes is None:
        return ANY_METHODS
    return tuple(method.upper() for route in policy.routes for method in route.methods)


def respond(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    origin = request.origin
    allowed = allowed_origins(policy)
    sent = origin if origin in allowed else ("*" if origin is not None and "*" in allowed else None)
    if sent:
        headers.set("Access-Control-Allow-Origin", sent)
        names = sorted({*REQUIRED_HEADERS, *_listed(policy.plain_option("allow_headers"))})
        headers.set("Access-Control-Allow-Headers", ",".join(names))
        expose = _listed(policy.plain_option("expose_headers"))
        if expose:
            headers.set("Access-Control-Expose-Headers", ",".join(expose))
        max_age = policy.plain_option("max_age")
        if max_age is not None:
            headers.set("Access-Control-Max-Age", str(max_age))
        if sent != "*" and policy.plain_option("allow_credentials") is True:
            headers.set("Access-Control-Allow-Credentials", "true")
    if request.method.upper() == "OPTIONS":
        methods = sorted({"OPTIONS", *resolver_methods(policy)})
        headers.set("Access-Control-Allow-Methods", ",".join(methods))
        return headers.response(PREFLIGHT_STATUS)
    return headers.response(None)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    for name in ("allow_origin", "extra_origins"):
        value = policy.option(name)
        if value is None:
            continue
        for item in value.entries:
            if not (item.known and item.raw == "*"):  # any origin: CORS105 judges it
                entries.append(OriginEntry(item, "literal"))
    return tuple(entries)


FRAMEWORK = Framework(
    name="powertools_cors",
    display="Powertools for AWS Lambda CORSConfig",
    respond=respond,
    roles={
        "origins": ("allow_origin", "extra_origins"),
        "credentials": ("allow_credentials",),
        "headers": ("allow_headers",),
        "expose": ("expose_headers",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    unread_options="CORSConfig options passed as `**kwargs`",
)
