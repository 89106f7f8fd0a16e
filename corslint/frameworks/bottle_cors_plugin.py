"""The `bottle-cors-plugin` package: `app.install(cors_plugin("*"))` or `cors_plugin([...])`
(bottle-cors-plugin 0.1.9 on Bottle 0.13).

Read from `bottle_cors_plugin` and checked against it
(tests/test_differential_bottle_cors_plugin.py). The plugin wraps the routes of the app it
is installed on, for every method: Allow-Origin is `*` when `*` is listed, else the
request's Origin when it is listed, else the *first* listed origin (also for requests
without Origin); Allow-Methods and Allow-Headers are fixed strings (written with a line
continuation, so they start with spaces), and there is no Vary and no credentials. A
method the route does not serve gets Bottle's 405 without them.

Preflights are answered by the OPTIONS routes the plugin registers, at import, on Bottle's
*default* app: an app made with `Bottle()` has none, so its preflights get 405 without
CORS headers (option `default_app`, read by the extractor).
"""

from __future__ import annotations

from typing import Any

from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

ALLOW_METHODS = "            GET, POST, PUT, PATCH, OPTIONS, DELETE"
ALLOW_HEADERS = "            Origin, Accept, Content-Type, X-Requested-With, X-CSRF-Token, Authorization"
ROUTE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _origins(policy: CorsPolicy) -> list[Any]:
    value = policy.option("origins")
    origins = "*" if value is None else value.plain()
    return list(origins) if isinstance(origins, tuple) else [origins]


def respond(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    default = policy.option("default_app")
    if request.method == "OPTIONS":
        if default is not None and default.plain() is False:
            return headers.response(405)  # no OPTIONS route on this app
        status = 200
    else:
        served = ROUTE_METHODS if policy.routes is None else {m for r in policy.routes for m in r.methods}
        if request.method not in served:
            return headers.response(405)
        status = None
    origins = _origins(policy)
    if "*" in origins:
        sent = "*"
    elif request.origin and request.origin in origins:
        sent = request.origin
    else:
        sent = str(origins[0])
    headers.set("Access-Control-Allow-Origin", sent)
    headers.set("Access-Control-Allow-Methods", ALLOW_METHODS)
    headers.set("Access-Control-Allow-Headers", ALLOW_HEADERS)
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("origins")
    if value is None or not value.known:
        return ()
    return tuple(
        OriginEntry(item, "literal") for item in value.entries if not (item.known and item.raw == "*")
    )


FRAMEWORK = Framework(
    name="bottle_cors_plugin",
    display="bottle-cors-plugin",
    respond=respond,
    roles={"origins": ("origins",)},
    origin_entries=origin_entries,
    unread_options="cors_plugin's origins",
)
