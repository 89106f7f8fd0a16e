"""h3's CORS helper ``handleCors(event, options)`` (h3 is what Nuxt and Nitro servers run on;
read and measured on h3 1.15.11 and 2.0.8 from tests/node).

``handleCors`` answers a preflight (OPTIONS with an Origin and an
Access-Control-Request-Method) itself, with ``preflight.statusCode`` (default 204), and
adds the simple-response headers to every other request, which the handler then answers.
The two majors read the options differently:

- **1.x** hands the options *as written* to the header builders (only the preflight status
  gets the defaults), so an option left out sends nothing rather than its documented
  default; ``maxAge`` is never sent. ``origin``: missing, falsy or ``"*"`` sends ``*``
  (also to requests without an Origin); any other string is sent as it is, whatever the
  Origin, with ``Vary: origin``; an array (strings compared exactly, RegExps ``.test``-ed)
  or a function of the Origin echoes an admitted Origin with ``Vary: origin`` and sends
  nothing otherwise. ``credentials`` truthy sends ``Allow-Credentials: true``;
  ``exposeHeaders`` ``"*"`` or a joined array. Preflights add ``methods`` (``"*"`` or the
  joined array, nothing when left out) and ``allowHeaders`` (the joined array, else the
  requested headers echoed).
- **2.x** fills in the defaults (``origin``/``methods``/``allowHeaders``/``exposeHeaders``
  ``"*"``); any origin option other than ``"*"`` echoes an admitted Origin only (a string
  must equal it; RegExps are ``search``-ed); with credentials, ``methods: "*"`` echoes the
  requested method and ``exposeHeaders: "*"`` sends nothing; ``maxAge`` is sent when truthy.
"""

from __future__ import annotations

import functools
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.express import (
    UNDEFINED,
    is_origin_allowed,
    js_string,
    library_checks,
    listed_origin_entries,
    python_regex,
    regex_test,
    truthy,
)
from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, Regex, UnresolvedValueError, Value

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "methods": "*",
    "allowHeaders": "*",
    "exposeHeaders": "*",
    "credentials": False,
    "maxAge": False,
    "preflight": {"statusCode": 204},
}
OPTION_NAMES = frozenset(DEFAULTS)
PREFLIGHT_STATUS = 204
# set by the extractor on a call that runs only for preflights (`if (isPreflightRequest(event))
# return handleCors(event, {})`): the handler's other answers get nothing from it
PREFLIGHT_ONLY = "preflight_only"


def _as_written(policy: CorsPolicy, name: str) -> Any:
    """1.x: the option as the caller wrote it (`undefined` when left out)."""
    value = policy.option(name)
    return UNDEFINED if value is None else value.plain()


def _with_defaults(policy: CorsPolicy, name: str) -> Any:
    """2.x: `{...defaults, ...options}` (an explicit `undefined` stays undefined)."""
    value = policy.option(name)
    return DEFAULTS.get(name, UNDEFINED) if value is None else value.plain()


def _preflight_status(options: Options) -> int:
    preflight = options["preflight"]
    status = preflight.get("statusCode") if isinstance(preflight, dict) else None
    if isinstance(status, Value):
        status = status.plain()
    # defu (1.x) and the spread (2.x) keep 204 for a missing or undefined status
    if status is None or status is UNDEFINED:
        return PREFLIGHT_STATUS
    if isinstance(status, (int, float)) and not isinstance(status, bool) and 100 <= status <= 999:
        return int(status)
    return PREFLIGHT_STATUS  # h3 sanitizes any other status to its default


def _function_admits(options: Options, function: FunctionValue, origin: str) -> bool:
    if function.kind == "reflect-all":
        return True
    if function.kind == "deny-all":
        return False
    if function.kind == "allow-list":
        return is_origin_allowed(origin, tuple(item.plain() for item in function.allowed))
    value = options.policy.option("origin")
    raise UnresolvedValueError(value if value is not None else Value(None, options.policy.location))


def _admits(options: Options, origin: str, *, major: int) -> bool:
    """`isCorsOriginAllowed(origin, options)` for an origin option other than `*`."""
    option = options["origin"]
    if isinstance(option, FunctionValue):
        return _function_admits(options, option, origin)
    if isinstance(option, tuple):
        for entry in option:
            if isinstance(entry, Regex):
                found = (
                    regex_test(entry, origin)
                    if major == 1
                    else bounded_regex.search(python_regex(entry), origin) is not None
                )
                if found:
                    return True
            elif entry == origin:
                return True
        return False
    return bool(option == origin)


def _joined(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join("" if item is None or item is UNDEFINED else js_string(item) for item in value)
    return js_string(value)


def _origin_headers(options: Options, request: Request, headers: HeaderList, major: int) -> None:
    option = options["origin"]
    origin = request.origin
    if not truthy(option) or option == "*" or (major == 1 and not origin):
        headers.set("Access-Control-Allow-Origin", "*")
        return
    if major == 1 and isinstance(option, str):
        headers.set("Access-Control-Allow-Origin", option)
        headers.add("Vary", "origin")
        return
    if origin and _admits(options, origin, major=major):
        headers.set("Access-Control-Allow-Origin", origin)
        headers.add("Vary", "origin")
    elif major == 2:
        headers.add("Vary", "origin")


def _simple_headers(options: Options, request: Request, headers: HeaderList, major: int) -> None:
    _origin_headers(options, request, headers, major)
    credentials = truthy(options["credentials"])
    if credentials:
        headers.set("Access-Control-Allow-Credentials", "true")


def _expose_headers(options: Options, headers: HeaderList, major: int) -> None:
    exposed = options["exposeHeaders"]
    if not truthy(exposed):
        return
    if exposed == "*":
        if major == 1 or not truthy(options["credentials"]):
            headers.set("Access-Control-Expose-Headers", "*")
        return
    headers.set("Access-Control-Expose-Headers", _joined(exposed))


def _preflight_headers(options: Options, request: Request, headers: HeaderList, major: int) -> None:
    methods = options["methods"]
    if methods == "*":
        requested = request.header("access-control-request-method")
        if major == 2 and truthy(options["credentials"]):
            if requested:
                headers.set("Access-Control-Allow-Methods", requested)
                headers.add("Vary", "access-control-request-method")
        else:
            headers.set("Access-Control-Allow-Methods", "*")
    elif truthy(methods) and (not isinstance(methods, (tuple, str)) or len(methods) > 0):
        headers.set("Access-Control-Allow-Methods", _joined(methods))
    allowed = options["allowHeaders"]
    if not truthy(allowed) or allowed == "*" or (isinstance(allowed, (tuple, str)) and not allowed):
        requested = request.header("access-control-request-headers")
        if requested:
            headers.set("Access-Control-Allow-Headers", requested)
        if requested or major == 2:
            headers.add("Vary", "access-control-request-headers")
    else:
        headers.set("Access-Control-Allow-Headers", _joined(allowed))
        headers.add("Vary", "access-control-request-headers")
    max_age = options["maxAge"]
    if major == 2 and truthy(max_age):
        headers.set("Access-Control-Max-Age", js_string(max_age))


def _respond(options: Options, request: Request, *, major: int) -> Response:
    headers = HeaderList()
    preflight = (
        request.method.upper() == "OPTIONS"
        and bool(request.origin)
        and bool(request.header("access-control-request-method"))
    )
    if preflight:
        _simple_headers(options, request, headers, major)
        if major == 1:
            _expose_headers(options, headers, major)
        _preflight_headers(options, request, headers, major)
        return headers.response(_preflight_status(options))
    only_preflight = options.policy.option(PREFLIGHT_ONLY)
    if only_preflight is not None and only_preflight.raw is True:
        return headers.response(None)  # the handler answers, without these headers
    _simple_headers(options, request, headers, major)
    _expose_headers(options, headers, major)
    return headers.response(None)  # the handler answers


def _framework(name: str, display: str, major: int, read: Any) -> Framework:
    def respond(policy: CorsPolicy, request: Request) -> Response:
        return _respond(Options(policy, read), request, major=major)

    def responder(policy: CorsPolicy) -> Responder:
        return functools.partial(_respond, Options(policy, read), major=major)

    return Framework(
        name=name,
        display=display,
        respond=respond,
        roles=js_option_roles(methods="methods", headers="allowHeaders", expose="exposeHeaders"),
        origin_entries=origin_entries,
        library_checks=library_checks,
        comment_prefix="//",
        unread_options="the options object passed to h3's handleCors()",
        responder=responder,
    )


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    return listed_origin_entries(policy, star_in_list=False)


FRAMEWORK = _framework("h3_cors", "h3 handleCors()", 1, _as_written)
FRAMEWORK_2 = _framework("h3_cors_2", "h3 handleCors()", 2, _with_defaults)
FRAMEWORKS = (FRAMEWORK, FRAMEWORK_2)
