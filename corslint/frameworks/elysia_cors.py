"""Elysia's ``cors`` plugin from ``@elysiajs/cors`` (read and measured on 1.4.2 with elysia
1.4.30, driven through ``app.handle`` in Node; real apps run it on Bun).

Options keep the plugin's names (``origin``, ``methods``, ``allowedHeaders``,
``exposeHeaders``, ``credentials``, ``maxAge``, ``preflight``). Its defaults are the most
permissive of any Node CORS package: ``origin: true`` reflects every Origin (``*`` when
there is none) and ``credentials: true`` sends ``Allow-Credentials: true`` on every
response, so ``.use(cors())`` lets any site read responses sent with the user's cookies.

The model follows its code path:

- ``origin: true`` and an origin list holding ``"*"`` send ``Vary: *``, the first the
  request's Origin (or ``*``), the second ``*``; ``false`` sends nothing. Otherwise each
  entry is tried: a string equals the whole Origin, or the Origin without its scheme
  (``"shop.example"`` admits ``http://shop.example`` and ``https://shop.example``); a RegExp
  is ``.test``-ed (unanchored); a function gets the Request and admits it when it returns
  exactly ``true``. A match sends the Origin (``*`` when there is none) and ``Vary:
  Origin``; no match sends ``Vary: Origin`` alone;
- ``credentials === true``, and ``allowedHeaders`` / ``exposeHeaders`` given as a string or
  an array (joined with ", "), are sent on every response, refused origins included;
- **every** ``OPTIONS`` request is answered 204 while ``preflight`` is truthy: Allow-Methods
  from ``methods`` (``true``: the requested method, none without one), Allow-Headers the
  requested headers (``"undefined"`` when none were named) unless set, Expose-Headers the
  request's header names unless set, and Max-Age (default 5) when truthy. With ``preflight:
  false`` OPTIONS goes to the routes, and Elysia answers 404 where none matches;
- other requests get Allow-Methods for their own method and, unless set, Allow-Headers and
  Expose-Headers naming the request's own headers; the route decides the status.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.destructured_options import destructured_option
from corslint.frameworks.express import (
    UNDEFINED,
    is_origin_allowed,
    js_string,
    library_checks,
    listed_origin_entries,
    regex_test,
    truthy,
)
from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, Regex, UnresolvedValueError, Value

DEFAULTS: dict[str, Any] = {
    "aot": True,
    "origin": True,
    "methods": True,
    "allowedHeaders": True,
    "exposeHeaders": True,
    "credentials": True,
    "maxAge": 5,
    "preflight": True,
}
OPTION_NAMES = frozenset(DEFAULTS)
PREFLIGHT_STATUS = 204
NOT_FOUND = 404  # Elysia's answer to a request no route matches (OPTIONS with preflight: false)


_plain = functools.partial(destructured_option, defaults=DEFAULTS)


def _joined_list(value: Any) -> Any:
    """``Array.isArray(x) ? x.join(", ") : x``."""
    if isinstance(value, tuple):
        return ", ".join("" if item is None or item is UNDEFINED else js_string(item) for item in value)
    return value


def _function_admits(options: Options, function: FunctionValue, origin: str) -> bool:
    if function.kind == "reflect-all":
        return True
    if function.kind == "deny-all":
        return False
    if function.kind == "allow-list":
        allowed = tuple(item.plain() for item in function.allowed)
        return bool(origin) and is_origin_allowed(origin, allowed)
    value = options.policy.option("origin")
    raise UnresolvedValueError(value if value is not None else Value(None, options.policy.location))


def _entry_admits(options: Options, entry: Any, origin: str, listed: frozenset[str]) -> bool:
    if isinstance(entry, tuple):
        return any(_entry_admits(options, item, origin, listed) for item in entry)
    if isinstance(entry, str):
        if origin in listed:
            return True
        scheme_end = origin.find("://")
        return entry == (origin[scheme_end + 3 :] if scheme_end != -1 else origin)
    if isinstance(entry, FunctionValue):
        return _function_admits(options, entry, origin)
    if isinstance(entry, Regex):
        return regex_test(entry, origin)
    return False


def _origin_list(origin: Any) -> tuple[Any, ...] | None:
    if isinstance(origin, bool):
        return None
    return origin if isinstance(origin, tuple) else (origin,)


def _handle_origin(options: Options, request: Request, headers: HeaderList) -> None:
    origin = options["origin"]
    if origin is True:
        headers.set("Vary", "*")
        headers.set("Access-Control-Allow-Origin", request.origin or "*")
        return
    origins = _origin_list(origin)
    if not origins:
        return
    if any(item == "*" for item in origins if isinstance(item, str)):
        headers.set("Vary", "*")
        headers.set("Access-Control-Allow-Origin", "*")
        return
    incoming = request.origin if request.origin is not None else ""
    listed = frozenset(item for item in origins if isinstance(item, str))
    for entry in origins:
        if _entry_admits(options, entry, incoming, listed):
            headers.set("Vary", "Origin" if truthy(origin) else "*")
            headers.set("Access-Control-Allow-Origin", incoming or "*")
            return
    headers.set("Vary", "Origin")


def _handle_method(options: Options, method: str | None, headers: HeaderList) -> None:
    if not method:
        return
    methods = options["methods"]
    if methods is True:
        headers.set("Access-Control-Allow-Methods", method)
    elif isinstance(methods, (str, tuple)) and methods:
        shown = methods if isinstance(methods, str) else _joined_list(methods)
        headers.set("Access-Control-Allow-Methods", shown)


def _header_names(request: Request) -> list[str]:
    """The request's header names as a Fetch ``Headers`` lists them: lower case, sorted."""
    names = {name.lower() for name, _ in request.headers}
    if request.origin is not None:
        names.add("origin")
    return sorted(names)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    allowed_headers = _joined_list(options["allowedHeaders"])
    exposed = _joined_list(options["exposeHeaders"])
    headers = HeaderList()
    # `app.headers(...)`: set on every response before any hook runs
    if isinstance(exposed, str):
        headers.set("Access-Control-Expose-Headers", exposed)
    if isinstance(allowed_headers, str):
        headers.set("Access-Control-Allow-Headers", allowed_headers)
    if options["credentials"] is True:
        headers.set("Access-Control-Allow-Credentials", "true")
    _handle_origin(options, request, headers)
    is_options = request.method.upper() == "OPTIONS"
    if is_options and truthy(options["preflight"]):
        _handle_method(options, request.header("access-control-request-method"), headers)
        if allowed_headers is True:
            requested = request.header("access-control-request-headers")
            headers.set("Access-Control-Allow-Headers", "undefined" if requested is None else requested)
        if exposed is True:
            headers.set("Access-Control-Expose-Headers", ",".join(_header_names(request)))
        max_age = options["maxAge"]
        if truthy(max_age):
            headers.set("Access-Control-Max-Age", js_string(max_age))
        return headers.response(PREFLIGHT_STATUS)
    _handle_method(options, request.method, headers)
    if allowed_headers is True:
        headers.set("Access-Control-Allow-Headers", ", ".join(_header_names(request)))
    if exposed is True:
        headers.set("Access-Control-Expose-Headers", ", ".join(_header_names(request)))
    # the route answers; with `preflight: false` no OPTIONS route exists unless the app adds one
    return headers.response(NOT_FOUND if is_options else None)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """Strings and RegExps are entries. `"*"` among them admits every origin, and a host
    without a scheme (`"shop.example"`) is compared to the Origin without its scheme: neither
    is an origin a browser must send verbatim, so neither is an entry rules check as one."""
    return tuple(
        entry
        for entry in listed_origin_entries(policy, star_in_list=False)
        if not (entry.value.known and isinstance(entry.value.raw, str) and "://" not in entry.value.raw)
    )


FRAMEWORK = Framework(
    name="elysia_cors",
    display="Elysia cors()",
    respond=respond,
    roles=js_option_roles(methods="methods", headers="allowedHeaders", expose="exposeHeaders"),
    origin_entries=origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object passed to Elysia's cors()",
    responder=responder,
)
