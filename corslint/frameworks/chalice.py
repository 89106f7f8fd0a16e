"""AWS Chalice's route CORS: `cors=True`, `cors=CORSConfig(...)`, `app.api.cors = ...` (chalice 1.31.3).

Read from the library's source (`chalice.app.CORSConfig.get_access_control_headers`,
`Chalice._add_cors_headers`, `chalice.local.LocalGateway._autogen_options_headers`, and the
OPTIONS mock integration `chalice.deploy.swagger._add_preflight_request` deploys to API
Gateway): the headers are static, whatever the request's Origin (no Origin test, no `Vary`):

- `Access-Control-Allow-Origin`: `allow_origin` as written (default `*`, one string);
- `Access-Control-Allow-Headers`: `allow_headers` plus Chalice's five required names
  (`Content-Type`, `X-Amz-Date`, `Authorization`, `X-Api-Key`, `X-Amz-Security-Token`),
  sorted and joined with `,`;
- `Access-Control-Expose-Headers` when the list is not empty, `Access-Control-Max-Age`
  when set, `Access-Control-Allow-Credentials: true` when `allow_credentials is True`.

A preflight is answered 200 by the OPTIONS mock with those headers and
`Access-Control-Allow-Methods`: the methods of the path's CORS-enabled routes, then
`OPTIONS`. Other responses get the headers added unless the view set them itself; a
method no route serves gets an error without them (405 from Chalice's handler, 403 from
API Gateway).
"""

from __future__ import annotations

from typing import Any

from corslint.frameworks.framework import Framework, LibraryCheck, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

REQUIRED_HEADERS = ("Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token")
# what a preflight can ask for where the routes are not known (Chalice lists the routes' own)
ANY_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")


def _plain(policy: CorsPolicy, name: str, default: Any = None) -> Any:
    value = policy.option(name)
    if value is None:
        return default
    plain = value.plain()
    return default if plain is None and name != "allow_credentials" else plain


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value)  # a string is iterated letter by letter, as `list(allow_headers)` does
    return tuple(str(item) for item in value)


def config_headers(policy: CorsPolicy) -> list[tuple[str, str]]:
    """`CORSConfig.get_access_control_headers()`."""
    headers = [
        ("Access-Control-Allow-Origin", str(_plain(policy, "allow_origin", "*"))),
        (
            "Access-Control-Allow-Headers",
            ",".join(sorted({*_names(_plain(policy, "allow_headers", ())), *REQUIRED_HEADERS})),
        ),
    ]
    expose = _plain(policy, "expose_headers", ())
    if expose:
        headers.append(("Access-Control-Expose-Headers", ",".join(_names(expose))))
    max_age = _plain(policy, "max_age")
    if max_age is not None:
        headers.append(("Access-Control-Max-Age", str(max_age)))
    if _plain(policy, "allow_credentials") is True:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return headers


def route_methods(policy: CorsPolicy) -> tuple[str, ...]:
    """The methods of the policy's routes, in their order of registration. Chalice lists a
    path's own CORS routes' methods in its preflight answer, so every route's method passes
    its own path's preflight; the model answers every path with all of them, which is what
    matters to a browser (a method no route of a path serves is never sent there)."""
    if policy.routes is None:
        return ANY_METHODS
    return tuple(dict.fromkeys(method.upper() for route in policy.routes for method in route.methods))


def respond(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    if "not_a_cors_config" in policy.options:
        return headers.response(502)  # get_access_control_headers() raises in the Lambda
    method = request.method.upper()
    methods = [name for name in route_methods(policy) if name != "OPTIONS"]
    if method != "OPTIONS" and method not in methods:
        return headers.response(405)  # no view: Chalice's MethodNotAllowedError, no CORS headers
    for name, value in config_headers(policy):
        headers.set(name, value)
    if method == "OPTIONS":
        headers.set("Access-Control-Allow-Methods", ",".join([*methods, "OPTIONS"]))
        return headers.response(200)
    return headers.response(None)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """`cors=` / `api.cors` given something that is neither `True` nor a `CORSConfig`."""
    wrong = policy.options.get("not_a_cors_config")
    if wrong is None:
        return ()
    return (
        LibraryCheck(
            "AttributeError on every request",
            "origins",
            f"Chalice takes `True` or a `CORSConfig(...)` here, not a {wrong.raw}: it calls "
            "`get_access_control_headers()` on the value, so every request to the routes that "
            "take it fails (AttributeError, HTTP 502 from API Gateway) and `chalice deploy` "
            "fails building their OPTIONS methods",
            wrong.location,
        ),
    )


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("allow_origin")
    if value is None or (value.known and value.raw == "*"):
        return ()  # any origin: CORS105 / CORS201 judge it
    return (OriginEntry(value, "literal"),)


FRAMEWORK = Framework(
    name="chalice",
    display="Chalice route CORS",
    respond=respond,
    roles={
        "origins": ("allow_origin",),
        "credentials": ("allow_credentials",),
        "headers": ("allow_headers",),
        "expose": ("expose_headers",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    unread_options="the `cors=` value (a CORSConfig made elsewhere, or options passed as `**kwargs`)",
)
