"""moleculer-web's CORS (an API gateway service's ``settings.cors`` merged with a route's
own ``cors``; src/index.js ``writeCorsHeaders`` / ``corsHandler`` / ``checkOrigin`` of
moleculer-web 0.10.7, measured on it with moleculer 0.14.35).

Options keep moleculer-web's names (``origin``, ``methods``, ``allowedHeaders``,
``exposedHeaders``, ``credentials``, ``maxAge``); a route's policy is
``Object.assign({origin: "*", methods: [GET, HEAD, PUT, PATCH, POST, DELETE]},
settings.cors, route.cors)`` and answers the paths that start with the route's path
(a plain prefix). For a request with an Origin header:

- ``origin`` falsy or ``"*"`` sends ``*``; otherwise the Origin must pass ``checkOrigin``,
  a *substring* test on each configured string (``"https://a.example.com"`` admits
  ``https://a.example.co``), then, for a string holding ``*``, a full match with ``*`` as
  any text and ``?`` as one character. A refused Origin gets 403 and no CORS headers,
  preflight or not; an allowed one is echoed with ``Vary: Origin``;
- every answer, not only preflights, then carries ``Allow-Credentials`` (``credentials``
  exactly ``true``), ``Expose-Headers``, ``Allow-Headers`` (the requested ones when
  ``allowedHeaders`` is not set, with ``Vary: Access-Control-Request-Headers`` replacing
  ``Vary: Origin``), ``Allow-Methods`` and a truthy ``Max-Age``; arrays are joined with ", ".

An ``OPTIONS`` request with Access-Control-Request-Method is answered 204, with or
without an Origin; other requests go on to the action.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from corslint.frameworks.express import defaults_reader, js_string, truthy
from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, Regex, UnresolvedValueError, Value

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "methods": ("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"),
}
OPTION_NAMES = frozenset({*DEFAULTS, "allowedHeaders", "exposedHeaders", "credentials", "maxAge"})
PREFLIGHT_STATUS = 204
FORBIDDEN = 403


_plain = defaults_reader(DEFAULTS)


def wildcard_pattern(configured: str) -> str:
    """The full-match pattern moleculer-web builds from a string holding `*`."""
    return re.escape(configured).replace(r"\*", ".*").replace(r"\?", ".")


def _admits(options: Options, origin: str, configured: Any) -> bool:
    if isinstance(configured, str):
        if origin in configured:
            return True
        return "*" in configured and re.fullmatch(wildcard_pattern(configured), origin) is not None
    if isinstance(configured, FunctionValue):
        raise UnresolvedValueError(options.policy.option("origin") or Value(None, options.policy.location))
    if isinstance(configured, tuple):
        return any(_admits(options, origin, entry) for entry in configured)
    return False


def _joined(value: Any) -> str | None:
    """What `setHeader` gets for a string or an array option; None: not set."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return ", ".join(js_string(item) for item in value)
    return None


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    preflight = request.method.upper() == "OPTIONS" and bool(request.header("access-control-request-method"))
    headers = HeaderList()
    incoming = request.origin
    if incoming:
        configured = options["origin"]
        if not truthy(configured) or configured == "*":
            headers.set("Access-Control-Allow-Origin", "*")
        elif _admits(options, incoming, configured):
            headers.set("Access-Control-Allow-Origin", incoming)
            headers.set("Vary", "Origin")
        else:
            return Response(FORBIDDEN)
        if options["credentials"] is True:
            headers.set("Access-Control-Allow-Credentials", "true")
        exposed = _joined(options["exposedHeaders"])
        if exposed is not None:
            headers.set("Access-Control-Expose-Headers", exposed)
        allowed = _joined(options["allowedHeaders"])
        if allowed is not None:
            headers.set("Access-Control-Allow-Headers", allowed)
        elif request.header("access-control-request-headers"):
            headers.set("Vary", "Access-Control-Request-Headers")
            headers.set(
                "Access-Control-Allow-Headers", request.header("access-control-request-headers") or ""
            )
        methods = _joined(options["methods"])
        if methods is not None:
            headers.set("Access-Control-Allow-Methods", methods)
        if truthy(options["maxAge"]):
            headers.set("Access-Control-Max-Age", js_string(options["maxAge"]))
    return headers.response(PREFLIGHT_STATUS if preflight else None)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """A plain string is a substring test; one holding `*` a full-match pattern."""
    value = policy.option("origin")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    items = value.raw if isinstance(value.raw, tuple) else (value,)
    entries: list[OriginEntry] = []
    for item in items:
        if not item.known:
            entries.append(OriginEntry(item, "literal"))
        elif isinstance(item.raw, str) and item.raw != "*":
            if "*" in item.raw:
                pattern = Value(
                    Regex(wildcard_pattern(item.raw)), item.location, item.provenance, item.env_var
                )
                entries.append(OriginEntry(pattern, "regex"))
            else:
                entries.append(OriginEntry(item, "substring"))
    return tuple(entries)


def answers(policy: CorsPolicy, path: str) -> bool:
    """The route answers every path that starts with its own (no segment boundary)."""
    return path.startswith(policy.scope)


FRAMEWORK = Framework(
    name="moleculer_web_cors",
    display="moleculer-web CORS",
    respond=respond,
    roles=js_option_roles(methods="methods", headers="allowedHeaders", expose="exposedHeaders"),
    origin_entries=origin_entries,
    answers=answers,
    comment_prefix="//",
    unread_options="the `cors` settings of the moleculer-web gateway",
    responder=responder,
)
