"""Fastify + ``@fastify/cors`` (measured on @fastify/cors 11.4.3, fastify 5.12.8; 8.x to 10.x
differ in two defaults, see `fastify_cors_versions`).

Options keep the package's own names (``origin``, ``methods``, ``allowedHeaders``,
``exposedHeaders``, ``credentials``, ``maxAge``, ``cacheControl``, ``preflight``,
``strictPreflight``, ``preflightContinue``, ``optionsSuccessStatus``, ``hook``,
``delegator``). The model follows the package's code path:

- ``{...defaults, ...options}``: ``origin`` ``"*"``, ``methods`` ``GET,HEAD,POST`` (so
  PUT, PATCH and DELETE preflights fail by default), no Expose/Allow-Headers/Max-Age;
- ``Vary: Origin`` unless the origin option is a string (or ``false``), or whenever a
  delegator chooses the options per request;
- an origin function's answer (callback or promise) replaces the option: ``false`` skips
  CORS (an OPTIONS request then gets fastify's 404), another falsy answer, or an error,
  makes fastify answer 500; ``null`` as the option itself does the same;
- ``"*"`` (or an array holding it) and any other string are sent as written; arrays,
  RegExps (``lastIndex`` reset first) and ``true`` reflect a matching Origin;
- ``OPTIONS`` with ``preflight: true``: 400 when ``strictPreflight`` and the request lacks
  Origin or Access-Control-Request-Method; otherwise the preflight headers (requested
  headers reflected, with ``Vary: Access-Control-Request-Headers``, when ``allowedHeaders``
  is not set) and ``optionsSuccessStatus`` (204), or 200 from the package's own OPTIONS
  route with ``preflightContinue``. ``preflight: false``: OPTIONS requests get 404 with the
  simple-response headers;
- ``hook: "preSerialization"`` runs only when a payload is serialized: the model answers
  for routes that send JSON objects, as APIs do (a route sending a string gets nothing).

Its predecessor ``fastify-cors`` 6.x (fastify 3) is modelled as @fastify/cors 7 (its own
`Framework`; what differs is in `fastify_cors_versions`); 3.x (fastify 2) has its own code
path (`fastify_cors3`). The same package runs behind NestJS's Fastify adapter (``enableCors``,
``NestFactory.create(..., {cors})``): that is its own `Framework`, named for NestJS.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from corslint.frameworks.express import (
    UNDEFINED,
    is_origin_allowed,
    js_string,
    listed_origin_entries,
    truthy,
    unreadable_regex,
    vary_append,
)
from corslint.frameworks.fastify_cors3 import listed
from corslint.frameworks.fastify_cors3 import respond as respond_3
from corslint.frameworks.fastify_cors3 import responder as responder_3
from corslint.frameworks.fastify_cors_versions import SAFE_METHODS, release_of, unknown_default_methods
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.frameworks.origin_callbacks import callback_answer
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, UnresolvedValueError

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "methods": "GET,HEAD,POST",
    "hook": "onRequest",
    "preflightContinue": False,
    "optionsSuccessStatus": 204,
    "credentials": False,
    "exposedHeaders": None,
    "allowedHeaders": None,
    "maxAge": None,
    "preflight": True,
    "strictPreflight": True,
}
OPTION_NAMES = frozenset(
    {
        *DEFAULTS,
        "cacheControl",
        "delegator",
        "logLevel",
        "hideOptionsRoute",
    }
)
NOT_FOUND = 404
SERVER_ERROR = 500
CONTINUED_PREFLIGHT = 200  # the package's own OPTIONS route answers it
INVALID_PREFLIGHT = 400


_VERSION_DEPENDENT = object()  # the default methods of an unknown major


class _Skip(Exception):
    """The request goes on without CORS headers (``next()``) or to the error handler."""

    def __init__(self, error: bool) -> None:
        super().__init__("next(err)" if error else "next()")
        self.error = error


def _plain(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    if value is None:
        if name == "methods":  # the one default that changed between majors
            methods = release_of(policy).default_methods
            return _VERSION_DEPENDENT if methods is None else methods
        return DEFAULTS.get(name, UNDEFINED)
    return value.plain()


def _resolved_origin(options: Options, request: Request) -> Any:
    """The origin option after an origin function answered (``false``: skip CORS)."""
    origin = options["origin"]
    if isinstance(origin, tuple) and "*" in origin and release_of(options.policy).star_in_list_is_star:
        return "*"
    if not isinstance(origin, FunctionValue):
        return origin
    answer = callback_answer(origin, options.policy.option("origin"), request.origin, is_origin_allowed)
    if answer == "error":
        raise _Skip(error=True)
    return answer == "allow"


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    headers = HeaderList()
    options_request = request.method.upper() == "OPTIONS"
    origin_option = options["origin"]
    release = release_of(options.policy)
    if isinstance(origin_option, tuple) and "*" in origin_option and release.star_in_list_is_star:
        origin_option = "*"  # normalised when the plugin is registered
    dynamic = options.policy.option("delegator") is not None
    always = release.always_vary  # 8.x and earlier: on every answer
    if (not isinstance(origin_option, str) and origin_option is not False) or dynamic or always:
        vary_append(headers, "Origin")
    try:
        resolved = _resolved_origin(options, request)
        if resolved is False:
            raise _Skip(error=False)
        if not truthy(resolved):
            raise _Skip(error=True)  # "Invalid CORS origin option"
    except _Skip as skip:
        if skip.error:
            return headers.response(SERVER_ERROR)
        return headers.response(NOT_FOUND if options_request else None)
    if isinstance(resolved, str):
        allow_origin: Any = resolved
    else:
        allow_origin = request.origin if is_origin_allowed(request.origin, resolved) else False
    if truthy(allow_origin):
        headers.set("Access-Control-Allow-Origin", js_string(allow_origin))
    if truthy(options["credentials"]):
        headers.set("Access-Control-Allow-Credentials", "true")
    exposed = options["exposedHeaders"]
    if exposed is not None:
        headers.set("Access-Control-Expose-Headers", listed(exposed))
    if not options_request:
        return headers.response(None)
    if options["preflight"] is not True:
        return headers.response(NOT_FOUND)  # the package's OPTIONS route: not found
    if options["strictPreflight"] is True and (
        not request.origin or not request.header("access-control-request-method")
    ):
        return headers.response(INVALID_PREFLIGHT)
    headers.set("Access-Control-Allow-Methods", listed(_methods(options, request)))
    allowed_headers = options["allowedHeaders"]
    if allowed_headers is None:
        vary_append(headers, "Access-Control-Request-Headers")
        requested = request.header("access-control-request-headers")
        if requested is not None:
            headers.set("Access-Control-Allow-Headers", requested)
    else:
        headers.set("Access-Control-Allow-Headers", listed(allowed_headers))
    max_age = options["maxAge"]
    if max_age is not None:
        headers.set("Access-Control-Max-Age", js_string(max_age))
    cache_control = options["cacheControl"] if release.reads_cache_control else None
    if isinstance(cache_control, int) and not isinstance(cache_control, bool):
        headers.set("Cache-Control", f"max-age={cache_control}")
    elif isinstance(cache_control, str) and cache_control:
        headers.set("Cache-Control", cache_control)
    if truthy(options["preflightContinue"]):
        return headers.response(CONTINUED_PREFLIGHT)
    return headers.response(_status(options["optionsSuccessStatus"]))


def _methods(options: Options, request: Request) -> Any:
    """The methods option; with an unknown major and no `methods`, what every major allows
    (GET, HEAD, POST), and unknown for a preflight that asks for any other method."""
    methods = options["methods"]
    if methods is not _VERSION_DEPENDENT:
        return methods
    requested = request.header("access-control-request-method") or ""
    if requested.upper() not in SAFE_METHODS.split(","):
        raise UnresolvedValueError(unknown_default_methods(options.policy))
    return SAFE_METHODS


def _status(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    raise ValueError(f"fastify refuses the status code {js_string(value)}")


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    return listed_origin_entries(policy, star_in_list=not release_of(policy).star_in_list_is_star)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    return tuple(check for entry in origin_entries(policy) if (check := unreadable_regex(entry)) is not None)


FRAMEWORK = Framework(
    name="fastify_cors",
    display="Fastify @fastify/cors",
    respond=respond,
    roles=js_option_roles(methods="methods", headers="allowedHeaders", expose="exposedHeaders"),
    origin_entries=origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object registered with @fastify/cors",
    responder=responder,
)
FRAMEWORKS = (
    FRAMEWORK,
    dataclasses.replace(
        FRAMEWORK,
        name="nestjs_fastify",
        display="NestJS CORS (@fastify/cors, Fastify adapter)",
        unread_options="the CORS options NestJS passes to @fastify/cors",
    ),
    dataclasses.replace(
        FRAMEWORK,
        name="fastify_cors_legacy",
        display="Fastify fastify-cors",
        unread_options="the options object registered with fastify-cors",
    ),
    dataclasses.replace(
        FRAMEWORK,
        name="fastify_cors_3",
        display="Fastify fastify-cors 3",
        respond=respond_3,
        responder=responder_3,
        unread_options="the options object registered with fastify-cors",
    ),
)
