"""hapi's built-in CORS (measured on @hapi/hapi 21.4.10): the ``cors`` route option, set for
every route by ``Hapi.server({ routes: { cors } })`` or per route (``options.cors``).

Options keep hapi's names (``origin``, ``maxAge``, ``headers``, ``additionalHeaders``,
``exposedHeaders``, ``additionalExposedHeaders``, ``credentials``,
``preflightStatusCode``); ``cors: true`` is every default. The model follows hapi's code:

- ``origin`` (default ``["*"]``) is a list; ``["*"]`` admits **every** Origin and answers
  with the request's own Origin (reflection, with credentials too when ``credentials`` is
  set); ``"ignore"`` answers ``*`` without looking at the Origin; otherwise entries are
  compared exactly, and an entry with ``*`` or ``?`` is a glob matched against the whole
  Origin. ``*`` beside other entries stops the server at startup;
- a response to an admitted Origin gets Allow-Origin, Allow-Credentials when
  ``credentials``, and Expose-Headers (``exposedHeaders`` + ``additionalExposedHeaders``,
  by default ``WWW-Authenticate,Server-Authorization``); ``Vary: origin`` unless
  ``"ignore"``. A request without Origin still gets Allow-Credentials and Expose-Headers;
- hapi answers ``OPTIONS`` itself (the route for the requested method is assumed to exist:
  a page calls the paths the app serves): 404 without Access-Control-Request-Method or
  (unless ``"ignore"``) without Origin; 200 without CORS headers when the Origin is not
  admitted or a requested header is not in ``headers`` + ``additionalHeaders`` (compared
  case-insensitively; ``origin`` is always allowed); otherwise ``preflightStatusCode``
  (200) with Allow-Origin, Allow-Methods (the requested method), Allow-Headers (the
  configured list), Max-Age (86400), Allow-Credentials and Expose-Headers.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from corslint.frameworks.express import js_string
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Value

DEFAULTS: dict[str, Any] = {
    "origin": ("*",),
    "maxAge": 86400,
    "headers": ("Accept", "Authorization", "Content-Type", "If-None-Match"),
    "additionalHeaders": (),
    "exposedHeaders": ("WWW-Authenticate", "Server-Authorization"),
    "additionalExposedHeaders": (),
    "credentials": False,
    "preflightStatusCode": 200,
}
OPTION_NAMES = frozenset(DEFAULTS)
NOT_FOUND = 404
REFUSED_PREFLIGHT = 200  # hapi's `{ message: "CORS error: ..." }`, without CORS headers


def _plain(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    if value is None:
        return DEFAULTS.get(name)
    return value.plain()


def _origin_setting(options: Options) -> Any:
    """hapi's `_origin`: True (every Origin), False ("ignore"), or (exact, globs)."""
    origin = options["origin"]
    if origin == "ignore":
        return False
    entries = tuple(origin) if isinstance(origin, tuple) else (origin,)
    if "*" in entries:
        return True
    exact = tuple(entry for entry in entries if "*" not in entry)
    globs = tuple(
        re.compile("^" + re.escape(entry).replace(r"\*", ".*").replace(r"\?", ".") + "$", re.DOTALL)
        for entry in entries
        if "*" in entry
    )
    return exact, globs


def _admits(setting: Any, origin: str | None) -> bool:
    if setting is True or setting is False:
        return True
    if not origin:
        return False
    exact, globs = setting
    return origin in exact or any(glob.search(origin) for glob in globs)


def _joined(*lists: Any) -> str:
    return ",".join(js_string(item) for items in lists for item in items)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    setting = options.once("origin setting", _origin_setting)
    exposed = _joined(options["exposedHeaders"], options["additionalExposedHeaders"])
    headers = HeaderList()
    origin = request.origin
    if request.method.upper() != "OPTIONS":
        if setting is not False:
            headers.set("Vary", "origin")
        if not _admits(setting, origin):
            return headers.response(None)
        if origin or setting is False:  # hapi leaves out a header whose value is undefined
            headers.set("Access-Control-Allow-Origin", "*" if setting is False else (origin or ""))
        if options["credentials"]:
            headers.set("Access-Control-Allow-Credentials", "true")
        if exposed:
            headers.add("Access-Control-Expose-Headers", exposed)
        return headers.response(None)
    method = request.header("access-control-request-method")
    if not method or (not origin and setting is not False):
        return headers.response(NOT_FOUND)
    if not _admits(setting, origin):
        return headers.response(REFUSED_PREFLIGHT)
    allowed = [js_string(name) for name in (*options["headers"], *options["additionalHeaders"])]
    requested = request.header("access-control-request-headers")
    if requested:
        lowered = {name.lower() for name in allowed} | {"origin"}
        if not all(name in lowered for name in re.split(r"\s*,\s*", requested.lower())):
            return headers.response(REFUSED_PREFLIGHT)
    headers.set("Access-Control-Allow-Origin", "*" if setting is False else (origin or ""))
    headers.set("Access-Control-Allow-Methods", method)
    headers.set("Access-Control-Allow-Headers", ",".join(allowed))
    headers.set("Access-Control-Max-Age", js_string(options["maxAge"]))
    if options["credentials"]:
        headers.set("Access-Control-Allow-Credentials", "true")
    if exposed:
        headers.set("Access-Control-Expose-Headers", exposed)
    status = int(options["preflightStatusCode"])
    if status == 204:
        headers.set("Vary", "accept-encoding")  # hapi's compression, measured on the empty 204
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """Exact entries are literal origins; entries with `*` or `?` are globs (regex entries);
    `["*"]` and `"ignore"` admit everything and name no origin."""
    value = policy.option("origin")
    if value is None or not value.known:
        return () if value is None else (OriginEntry(value, "literal"),)
    items = value.raw if isinstance(value.raw, tuple) else ()
    entries = []
    for item in items:
        if not item.known:
            entries.append(OriginEntry(item, "literal"))
        elif isinstance(item.raw, str) and item.raw != "*":
            glob = "*" in item.raw or "?" in item.raw
            entries.append(OriginEntry(_as_pattern(item) if glob else item, "regex" if glob else "literal"))
    return tuple(entries)


def _as_pattern(item: Value) -> Value:
    pattern = "^" + re.escape(item.raw).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return Value(pattern, item.location, item.provenance, item.env_var, item.description, item.related)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    value = policy.option("origin")
    if value is None or not value.known or not isinstance(value.raw, tuple):
        return ()
    if any(item.known and item.raw == "*" for item in value.raw) and len(value.raw) > 1:
        return (
            LibraryCheck(
                "hapi startup assertion",
                "origins",
                "hapi refuses `*` beside other origins (`Cannot specify cors.origin * together with "
                "other values`): the server does not start",
                value.location,
            ),
        )
    return ()


FRAMEWORK = Framework(
    name="hapi_cors",
    display="hapi CORS",
    respond=respond,
    roles={
        "origins": ("origin",),
        "credentials": ("credentials",),
        "headers": ("headers", "additionalHeaders"),
        "expose": ("exposedHeaders", "additionalExposedHeaders"),
        "max_age": ("maxAge",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the cors options passed to hapi",
    responder=responder,
)
