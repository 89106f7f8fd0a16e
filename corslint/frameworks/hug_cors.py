"""hug's `hug.middleware.CORSMiddleware(api, allow_origins=None, allow_credentials=True,
max_age=None)` (hug 2.6.1 on falcon 2.0.0, the falcon it pins).

Read from `hug.middleware.CORSMiddleware.process_response` and measured in a separate
environment (hug cannot share the suite's falcon 4; tests/test_hug_cors.py keeps the
measured answers): on every response it sets `Access-Control-Allow-Credentials` to
`str(allow_credentials).lower()` (`"true"` by default), then Allow-Origin to the request's
Origin when the Origin is `in` `allow_origins` or `"*"` is (the default list is `["*"]`, so
any Origin is reflected with credentials, and a request without Origin gets `None`); no
`Vary`. An OPTIONS request (Falcon's default responder, 200) also gets Allow-Methods (the
route's methods and OPTIONS), the requested headers echoed in Allow-Headers (or an empty
value) and Max-Age when truthy.
"""

from __future__ import annotations

from typing import Any

from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

DEFAULTS: dict[str, Any] = {"allow_origins": ("*",), "allow_credentials": True, "max_age": None}
# the route's methods where they are not known
ROUTE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    if value is None:
        return DEFAULTS[name]
    plain = value.plain()
    return DEFAULTS[name] if plain is None and name == "allow_origins" else plain


def respond(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    headers.set("Access-Control-Allow-Credentials", str(_option(policy, "allow_credentials")).lower())
    origins = _option(policy, "allow_origins")
    origin = request.origin
    if (origin and origin in origins) or "*" in origins:
        headers.set("Access-Control-Allow-Origin", str(origin))
    if request.method != "OPTIONS":
        return headers.response(None)
    methods = sorted({*(method for route in policy.routes or () for method in route.methods), "OPTIONS"})
    if policy.routes is None:
        methods = [*ROUTE_METHODS, "OPTIONS"]
    headers.set("Access-Control-Allow-Methods", ", ".join(methods))
    headers.set("Access-Control-Allow-Headers", request.header("access-control-request-headers") or "")
    max_age = _option(policy, "max_age")
    if max_age:
        headers.set("Access-Control-Max-Age", str(max_age))
    return headers.response(200)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("allow_origins")
    if value is None or not value.known or value.raw is None:
        return ()
    if isinstance(value.raw, str):
        return (OriginEntry(value, "substring"),)  # `origin in "<string>"`
    return tuple(
        OriginEntry(item, "literal") for item in value.entries if not (item.known and item.raw == "*")
    )


FRAMEWORK = Framework(
    name="hug_cors",
    display="hug CORSMiddleware",
    respond=respond,
    roles={
        "origins": ("allow_origins",),
        "credentials": ("allow_credentials",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    unread_options="CORSMiddleware options passed as `**kwargs`",
)
