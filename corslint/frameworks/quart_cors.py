"""Quart-CORS ``cors(app, ...)`` and ``@route_cors(...)`` (measured on quart-cors 0.8.0, quart 0.22.0).

The model follows ``quart_cors._apply_cors`` on the options as the library sanitises
them (docs/semantics/quart_cors.md). Header lists are werkzeug ``HeaderSet``s: written
joined with ", ", each name quoted when it is not a token (the default expose list, one
empty name, is sent as `""`), and compared without regard to case.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex

DEFAULTS: dict[str, Any] = {
    "allow_credentials": False,
    "allow_headers": ("*",),
    "allow_methods": ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"),
    "allow_origin": ("*",),
    "expose_headers": ("",),
    "max_age": None,
}
_TOKEN = frozenset("!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~")


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    plain = DEFAULTS[name] if value is None or (value.known and value.raw is None) else value.plain()
    if name in {"allow_headers", "allow_methods", "expose_headers", "allow_origin"} and isinstance(
        plain, (str, Regex)
    ):
        return (plain,)
    if name == "max_age" and plain is not None:
        return int(plain)
    return plain


def _quote(value: str) -> str:
    """werkzeug.http.quote_header_value."""
    if value and _TOKEN.issuperset(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _header_set(values: Any) -> str:
    return ", ".join(_quote(str(value)) for value in values)


def _contains(values: Any, name: str) -> bool:
    return name.lower() in {str(value).lower() for value in values}


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _matches(allowed: Any, origin: str) -> bool:
    if isinstance(allowed, Regex):  # `re.match`: anchored at the start only
        flags = re.IGNORECASE if "i" in allowed.flags else 0
        return bool(bounded_regex.match(allowed.pattern, origin, flags))
    return bool(origin == allowed)


def _allowed_origin(options: Options, origin: str | None) -> str | None:
    if not origin:
        return None
    entries = options["allow_origin"]
    if "*" in entries:  # send_origin_wildcard is always true (`False or True`)
        return "*"
    return origin if any(_matches(allowed, origin) for allowed in entries) else None


def _respond(options: Options, request: Request) -> Response:
    status = 200 if request.method == "OPTIONS" else None  # Quart's automatic OPTIONS
    credentials = bool(options["allow_credentials"])
    if "*" in options["allow_origin"] and credentials:
        return Response(500)  # ValueError in the after-request hook, on every request
    headers = HeaderList()
    origin = _allowed_origin(options, request.origin)
    if origin is not None:
        headers.set("Access-Control-Allow-Origin", origin)
        if credentials:
            headers.set("Access-Control-Allow-Credentials", "true")
        headers.set("Access-Control-Expose-Headers", _header_set(options["expose_headers"]))
        method = request.header("access-control-request-method")
        allow_methods = options["allow_methods"]
        if (
            request.method == "OPTIONS"
            and method
            and (_contains(allow_methods, method) or _contains(allow_methods, "*"))
        ):
            requested = [
                name.strip() for name in (request.header("access-control-request-headers") or "").split(",")
            ]
            requested = [name for name in requested if name]
            allow_headers = options["allow_headers"]
            if _contains(allow_headers, "*"):
                headers.set("Access-Control-Allow-Headers", _header_set(requested))
            else:
                wanted = {str(name).lower() for name in allow_headers}
                both = sorted({name.lower() for name in requested} & wanted)
                headers.set("Access-Control-Allow-Headers", _header_set(both))
            headers.set("Access-Control-Allow-Methods", _header_set(allow_methods))
            if options["max_age"] is not None:
                headers.set("Access-Control-Max-Age", str(options["max_age"]))
    if origin is None or "*" not in origin:
        headers.set("Vary", "Origin")
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    origins = policy.option("allow_origin")
    if origins is None or not origins.known:
        return ()
    return tuple(
        OriginEntry(entry, "regex" if isinstance(entry.raw, Regex) else "literal")
        for entry in origins.entries
    )


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """`*` with credentials: the after-request hook raises, so every response is a 500."""
    origins, credentials = policy.option("allow_origin"), policy.option("allow_credentials")
    if credentials is None or not credentials.known or not credentials.raw:
        return ()
    if origins is None or (origins.known and origins.raw is None):
        where, how = policy.location, "the default origin `*`"  # no allow_origin: the default
    else:
        star = next((e for e in origins.entries if e.known and e.raw == "*"), None)
        if star is None:
            return ()
        where, how = star.location, "`*`"
    return (
        LibraryCheck(
            "ValueError on every request",
            "origins",
            f"{how} together with allow_credentials=True makes the after-request hook raise "
            "`ValueError: Cannot allow credentials with wildcard allowed origins`: every "
            "response, same-origin ones included, is HTTP 500",
            where,
        ),
    )


FRAMEWORK = Framework(
    name="quart_cors",
    display="Quart-CORS",
    respond=respond,
    roles={
        "origins": ("allow_origin",),
        "credentials": ("allow_credentials",),
        "methods": ("allow_methods",),
        "headers": ("allow_headers",),
        "expose": ("expose_headers",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    # an option left out takes the app config's `QUART_CORS_*` key (the extractor's `**`)
    unread_options="options left out or passed as `**kwargs`",
    responder=responder,
)
