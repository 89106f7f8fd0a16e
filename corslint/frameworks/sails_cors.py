"""Sails 1.x's built-in CORS (``sails.config.security.cors``, ``config/security.js``;
from lib/hooks/security of sails 1.5.15, measured on it), when ``allRoutes: true``
applies it to every route.

Options keep Sails' names (``allowOrigins``, ``allowCredentials``,
``allowRequestMethods``, ``allowRequestHeaders``, ``allowResponseHeaders``,
``allowAnyOriginWithCredentialsUnsafe``, ``allRoutes``); the extractor maps the
deprecated ones (``origin``, ``credentials``, ...) as Sails does. At startup a string
other than ``'*'`` is split on ``,`` and trimmed; ``'*'`` with ``allowCredentials: true``
stops the app unless ``allowAnyOriginWithCredentialsUnsafe`` is ``true``, which makes
it echo every Origin. Then, for each request:

- ``'*'`` sends ``*`` (with or without an Origin); otherwise an Origin equal to a listed
  one (or any, for the unsafe flag) is echoed with ``Vary: Origin``;
- only then are the rest sent: ``Allow-Credentials`` when exactly ``true``, the
  response headers as ``Expose-Headers``; on ``OPTIONS``, also ``Allow-Methods`` and
  ``Allow-Headers`` (``allowRequestHeaders``, or the requested headers when it is
  empty). No Max-Age ever;
- every ``OPTIONS`` request is answered 200 by the CORS layer, allowed or not.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.express import defaults_reader, js_string, truthy
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex, UnresolvedValueError, Value

DEFAULTS: dict[str, Any] = {
    "allowOrigins": "*",
    "allRoutes": False,
    "allowCredentials": False,
    "allowRequestMethods": "GET,HEAD,PUT,PATCH,POST,DELETE",
    "allowRequestHeaders": "content-type",
    "allowResponseHeaders": "",
    "allowAnyOriginWithCredentialsUnsafe": False,
}
OPTION_NAMES = frozenset(DEFAULTS)
# the names Sails 1.x still reads, and the option each became
DEPRECATED_NAMES = {
    "origin": "allowOrigins",
    "credentials": "allowCredentials",
    "headers": "allowRequestHeaders",
    "methods": "allowRequestMethods",
    "exposeHeaders": "allowResponseHeaders",
}
OPTIONS_STATUS = 200


_plain = defaults_reader(DEFAULTS)


def refuses_to_start(options: Options) -> bool:
    """`'*'` with credentials and without the unsafe flag: E_INVALID_SECURITY_CONFIG."""
    return (
        options["allowOrigins"] == "*"
        and options["allowCredentials"] is True
        and options["allowAnyOriginWithCredentialsUnsafe"] is not True
    )


def _origins(options: Options) -> Any:
    origins = options["allowOrigins"]
    if isinstance(origins, str) and origins != "*":
        return tuple(part.strip() for part in origins.split(","))
    if origins == "*" and options["allowCredentials"] is True:
        return True
    return origins


def _allowed(origin: str | None, allowed: Any) -> bool:
    if isinstance(allowed, tuple):
        return any(_allowed(origin, entry) for entry in allowed)
    if isinstance(allowed, str):
        return origin == allowed
    if isinstance(allowed, Regex):
        raise TypeError("a RegExp entry")  # refused at startup: not a URL string
    return truthy(allowed)


def _listed(value: Any) -> str:
    """What the middleware sends for a string or an array (joined with `,`)."""
    if isinstance(value, tuple):
        return ",".join(js_string(item) for item in value)
    return js_string(value) if truthy(value) else ""


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    if options["allRoutes"] is not True or refuses_to_start(options):
        return Response(None)
    origins = _origins(options)
    if not truthy(origins):
        return Response(None)
    preflight = request.method.upper() == "OPTIONS"
    status = OPTIONS_STATUS if preflight else None
    headers = HeaderList()
    if origins == "*":
        headers.set("Access-Control-Allow-Origin", "*")
    else:
        try:
            allowed = _allowed(request.origin, origins)
        except TypeError:
            unread = options.policy.option("allowOrigins") or Value(None, options.policy.location)
            raise UnresolvedValueError(unread) from None
        if not allowed:
            return headers.response(status)
        if request.origin:
            headers.set("Access-Control-Allow-Origin", request.origin)
        headers.set("Vary", "Origin")
    if options["allowCredentials"] is True:
        headers.set("Access-Control-Allow-Credentials", "true")
    if preflight:
        methods = options["allowRequestMethods"] or DEFAULTS["allowRequestMethods"]
        headers.set("Access-Control-Allow-Methods", _listed(methods))
        allow_headers = _listed(options["allowRequestHeaders"])
        if not allow_headers:
            allow_headers = request.header("access-control-request-headers") or ""
        if allow_headers:
            headers.set("Access-Control-Allow-Headers", allow_headers)
    exposed = _listed(options["allowResponseHeaders"])
    if exposed:
        headers.set("Access-Control-Expose-Headers", exposed)
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """The listed origins (a string split on `,` as Sails splits it); `'*'` is none."""
    value = policy.option("allowOrigins")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    if isinstance(value.raw, tuple):
        return tuple(OriginEntry(item, "literal") for item in value.raw)
    if isinstance(value.raw, str) and value.raw != "*":
        return tuple(
            OriginEntry(Value(part.strip(), value.location, value.provenance, value.env_var), "literal")
            for part in value.raw.split(",")
        )
    return ()


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    options = Options(policy, _plain)
    try:
        refused = refuses_to_start(options)
    except UnresolvedValueError:
        return ()
    if not refused:
        return ()
    located = policy.option("allowCredentials") or policy.option("allowOrigins")
    return (
        LibraryCheck(
            "E_INVALID_SECURITY_CONFIG",
            "credentials",
            "Sails refuses to start with `allowOrigins: '*'` and `allowCredentials: true` unless "
            "`allowAnyOriginWithCredentialsUnsafe: true` is set (which would let every website make "
            "credentialed requests): list the allowed origins instead",
            located.location if located is not None else policy.location,
        ),
    )


FRAMEWORK = Framework(
    name="sails_cors",
    display="Sails CORS",
    respond=respond,
    roles={
        "origins": ("allowOrigins",),
        "credentials": ("allowCredentials",),
        "methods": ("allowRequestMethods",),
        "headers": ("allowRequestHeaders",),
        "expose": ("allowResponseHeaders",),
        "max_age": (),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the `cors` settings of config/security.js",
    responder=responder,
)
