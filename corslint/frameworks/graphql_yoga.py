"""GraphQL Yoga's ``cors`` option (``createYoga({ cors })``), answered by @whatwg-node/server's
``useCORS`` (measured on graphql-yoga 5.24.1 with @whatwg-node/server 0.11.0).

Yoga adds the plugin unless ``cors: false`` (then there is no policy), and **its defaults reflect every Origin with
``Access-Control-Allow-Credentials: true``**. The model follows ``useCORS``:

- a request without Origin gets no CORS headers; every ``OPTIONS`` request is answered 204;
- ``origin`` absent, empty, or (a string or array) containing ``*``: the Origin is reflected
  with ``Vary: Origin``; another string is sent as it is; an array of one entry sends that
  entry whatever the Origin; a longer array reflects a listed Origin (``Vary: Origin``) and
  answers any other with ``Access-Control-Allow-Origin: null``, which a sandboxed page's
  ``Origin: null`` matches;
- ``methods`` / ``allowedHeaders``: joined with ", " when non-empty, else the requested
  method / headers (the latter with ``Vary: Access-Control-Request-Headers``), on every
  response;
- ``credentials``: ``true`` sends ``true``; absent (or null), ``true`` unless the origin sent
  is ``*``; anything else nothing;
- ``exposedHeaders`` joined with ", " when set, ``maxAge`` when truthy.
"""

from __future__ import annotations

import functools

from corslint.frameworks.destructured_options import destructured_option
from corslint.frameworks.express import UNDEFINED, js_string, listed_origin_entries, truthy
from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, UnresolvedValueError, Value

OPTION_NAMES = frozenset({"origin", "methods", "allowedHeaders", "exposedHeaders", "credentials", "maxAge"})
PREFLIGHT_STATUS = 204


_plain = functools.partial(destructured_option, defaults={})  # a missing option reads as `undefined`


def _unknown(options: Options, name: str) -> UnresolvedValueError:
    value = options.policy.option(name)
    return UnresolvedValueError(value if value is not None else Value(None, options.policy.location))


def _joined(options: Options, name: str) -> str | None:
    """``x?.length ? x.join(", ") : undefined`` (a string has a length but no join)."""
    value = options[name]
    if isinstance(value, tuple):
        return (
            ", ".join("" if item is None or item is UNDEFINED else js_string(item) for item in value) or None
        )
    if value is None or value is UNDEFINED or (isinstance(value, str) and not value):
        return None
    raise _unknown(options, name)


def _allow_origin(options: Options, incoming: str, headers: HeaderList) -> None:
    origin = options["origin"]
    if (
        origin is None
        or origin is UNDEFINED
        or (isinstance(origin, (str, tuple)) and (not origin or "*" in origin))
    ):
        headers.set("Access-Control-Allow-Origin", incoming)
        headers.set("Vary", "Origin")
    elif isinstance(origin, str):
        headers.set("Access-Control-Allow-Origin", origin)
    elif isinstance(origin, tuple):
        if len(origin) == 1:
            headers.set("Access-Control-Allow-Origin", js_string(origin[0]))
        elif incoming in origin:
            headers.set("Access-Control-Allow-Origin", incoming)
            headers.set("Vary", "Origin")
        else:
            headers.set("Access-Control-Allow-Origin", "null")
    else:
        raise _unknown(options, "origin")  # `.includes` of anything else throws


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    is_options = request.method.upper() == "OPTIONS"
    status = PREFLIGHT_STATUS if is_options else None
    headers = HeaderList()
    if request.origin is None:
        return headers.response(status)
    _allow_origin(options, request.origin, headers)
    methods = _joined(options, "methods")
    requested_method = request.header("access-control-request-method")
    if methods is not None or requested_method:
        headers.set(
            "Access-Control-Allow-Methods", methods if methods is not None else requested_method or ""
        )
    allowed = _joined(options, "allowedHeaders")
    requested = request.header("access-control-request-headers")
    if allowed is not None:
        headers.set("Access-Control-Allow-Headers", allowed)
    elif requested:
        headers.set("Access-Control-Allow-Headers", requested)
        vary = headers.get("vary")
        headers.set(
            "Vary", f"{vary}, Access-Control-Request-Headers" if vary else "Access-Control-Request-Headers"
        )
    credentials = options["credentials"]
    if credentials is None or credentials is UNDEFINED:
        if headers.get("access-control-allow-origin") != "*":
            headers.set("Access-Control-Allow-Credentials", "true")
    elif credentials is True:
        headers.set("Access-Control-Allow-Credentials", "true")
    exposed = options["exposedHeaders"]
    if truthy(exposed):
        if not isinstance(exposed, tuple):
            raise _unknown(options, "exposedHeaders")
        headers.set("Access-Control-Expose-Headers", ", ".join(js_string(item) for item in exposed))
    if truthy(options["maxAge"]):
        headers.set("Access-Control-Max-Age", js_string(options["maxAge"]))
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """Listed strings; one holding `*` anywhere admits every origin and is no entry."""
    return tuple(
        entry
        for entry in listed_origin_entries(policy, star_in_list=False)
        if not (entry.value.known and isinstance(entry.value.raw, str) and "*" in entry.value.raw)
    )


FRAMEWORK = Framework(
    name="graphql_yoga",
    display="GraphQL Yoga cors",
    respond=respond,
    roles=js_option_roles(methods="methods", headers="allowedHeaders", expose="exposedHeaders"),
    origin_entries=origin_entries,
    comment_prefix="//",
    unread_options="the `cors` option passed to createYoga()",
    responder=responder,
)
