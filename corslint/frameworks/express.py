"""Express + the ``cors`` package (measured on cors 2.8.6, express 5.3.0).

Options keep the package's own names (``origin``, ``methods``, ``allowedHeaders`` and its
alias ``headers``, ``exposedHeaders``, ``credentials``, ``maxAge``, ``preflightContinue``,
``optionsSuccessStatus``). The model follows the package's code path on the values as
written, with JavaScript's truthiness and string conversion:

- the options are ``Object.assign({}, defaults, options)``; a falsy ``origin`` (``false``,
  ``null``, ``""``) makes the middleware call ``next()`` and send nothing at all;
- ``"*"`` sends ``*`` on every response; any other string is a fixed Allow-Origin
  (+ ``Vary: Origin``) whatever the request's Origin; arrays compare each entry with
  ``===`` (``"*"`` inside an array matches nothing), RegExps with ``.test()`` (a search);
- every ``OPTIONS`` request is answered (``optionsSuccessStatus``, 204) unless
  ``preflightContinue``; header values that are falsy in JavaScript are never set.

A RegExp with the ``g`` (or ``y``) flag keeps ``lastIndex`` between requests: the model
answers as for a fresh RegExp and `library_checks` reports the alternation.

Express answers an ``OPTIONS`` request that nothing handled itself: its router sends 200
with an ``Allow`` header naming the route's methods, and no CORS headers of its own (any
set earlier stay). That is the answer when the middleware passes the request on (a falsy
``origin``, an origin function that refuses, ``preflightContinue``), and when the
preflight never reaches it: a ``cors()`` mounted on a route's own method
(``app.put("/x", cors(), ...)``), which the extractor records as ``preflight-unrouted``
evidence. (On a path with no route at all express answers 404; a page calls paths that
exist, so the model answers for those.)

The same package runs behind wrappers that hand it their options unchanged: NestJS on
its Express adapter (``enableCors``, ``NestFactory.create(..., {cors})``), Apollo Server
(``apollo-server``'s ``cors`` option, ``applyMiddleware({cors})``, ``@apollo/server``'s
standalone server), Socket.IO's ``cors`` option and routing-controllers'. Each is its
own `Framework` here (same behaviour, named for the wrapper in messages).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.frameworks.js_class_ranges import literal_class_dashes
from corslint.frameworks.origin_callbacks import callback_answer
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, Regex, Value

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
    "preflightContinue": False,
    "optionsSuccessStatus": 204,
}
OPTION_NAMES = frozenset(
    {
        "origin",
        "methods",
        "allowedHeaders",
        "headers",
        "exposedHeaders",
        "credentials",
        "maxAge",
        "preflightContinue",
        "optionsSuccessStatus",
    }
)


class Undefined:
    """JavaScript's ``undefined`` where it differs from ``null`` (a header value of it)."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


def defaults_reader(defaults: Mapping[str, Any]) -> Callable[[CorsPolicy, str], Any]:
    """How a cors-family package reads an option: the policy's value, else the package's
    default, else JavaScript's `undefined` (the shared reader of their models' `Options`)."""

    def read(policy: CorsPolicy, name: str) -> Any:
        value = policy.option(name)
        return defaults.get(name, UNDEFINED) if value is None else value.plain()

    return read


class _Next(Exception):
    """The middleware calls ``next()`` (or ``next(err)``) without touching the response."""

    def __init__(self, error: bool) -> None:
        super().__init__("next(err)" if error else "next()")
        self.error = error


def truthy(value: Any) -> bool:
    """JavaScript's ToBoolean on the plain values extractors produce."""
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def js_number(value: int | float) -> str:
    """Number.prototype.toString for the numbers configuration files hold."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def js_string(value: Any) -> str:
    """String(value): arrays join with ",", null/undefined inside arrays become ""."""
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, tuple):
        return ",".join("" if item is None or item is UNDEFINED else js_string(item) for item in value)
    if isinstance(value, Regex):
        return f"/{value.pattern}/{value.flags}"
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, FunctionValue):
        return "function"
    return str(value)


def joined(value: Any) -> Any:
    """``value.join ? value.join(',') : value``: how the cors-family packages turn an array
    option into a header value."""
    return js_string(value) if isinstance(value, tuple) else value


def _has_length(value: Any) -> bool:
    """``value && value.length``: only non-empty strings (and arrays) have one."""
    return isinstance(value, (str, tuple)) and len(value) > 0


_JS_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")


def python_regex(raw: Regex) -> re.Pattern[str]:
    """A JavaScript RegExp as Python's re reads it (named groups, ASCII \\d \\w)."""
    flags = 0 if ("u" in raw.flags or "v" in raw.flags) else re.ASCII
    for letter in raw.flags:
        flags |= _JS_FLAGS.get(letter, 0)
    pattern = raw.pattern if flags & re.ASCII == 0 else literal_class_dashes(raw.pattern)
    return re.compile(_NAMED_GROUP.sub("(?P<", pattern), flags)


def regex_test(raw: Regex, text: str) -> bool:
    """``RegExp.prototype.test`` on a fresh object; a sticky RegExp matches at 0 only."""
    compiled = python_regex(raw)
    if "y" in raw.flags:
        return bounded_regex.match(compiled, text) is not None
    return bounded_regex.search(compiled, text) is not None


def is_origin_allowed(origin: str | None, allowed: Any) -> bool:
    if isinstance(allowed, tuple):
        return any(is_origin_allowed(origin, item) for item in allowed)
    if isinstance(allowed, str):
        return origin == allowed
    if isinstance(allowed, Regex):
        return regex_test(allowed, "undefined" if origin is None else origin)
    return truthy(allowed)


def vary_append(headers: HeaderList, field: str) -> None:
    """The ``vary`` package: append a field unless already listed; ``*`` absorbs all."""
    current = headers.get("vary")
    if current is None:
        headers.set("Vary", field)
        return
    names = [name.strip() for name in current.split(",") if name.strip()]
    if "*" in names:
        return
    if field.lower() not in {name.lower() for name in names}:
        headers.set("Vary", ", ".join([*names, field]))


_plain = defaults_reader(DEFAULTS)


def _origin_callback(options: Options, request: Request) -> Any:
    """What the origin option resolves to for this request (the callback's answer)."""
    value = options.policy.option("origin")
    origin = options["origin"]
    if not truthy(origin):
        raise _Next(error=False)
    if not isinstance(origin, FunctionValue):
        return origin
    answer = callback_answer(origin, value, request.origin, is_origin_allowed)
    if answer == "allow":
        return True
    raise _Next(error=answer == "error")


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


AUTOMATIC_OPTIONS_STATUS = 200  # express's router, for an OPTIONS request nothing handled
PREFLIGHT_UNROUTED = "preflight-unrouted"


def _respond(options: Options, request: Request) -> Response:
    method = request.method.upper()
    options_request = method == "OPTIONS"
    if options_request and options.once(PREFLIGHT_UNROUTED, _unrouted):
        return Response(AUTOMATIC_OPTIONS_STATUS)  # the middleware never runs for it
    mounted_for = options.once("mounted methods", _mounted_methods)
    if mounted_for is not None and not options_request and method not in mounted_for:
        return Response(None)  # mounted on other methods' routes: another route answers
    try:
        origin_option = _origin_callback(options, request)
    except _Next as stop:
        if stop.error:
            return Response(500)
        return Response(AUTOMATIC_OPTIONS_STATUS if options_request else None)
    headers = HeaderList()

    def put(name: str, value: Any) -> None:
        if truthy(value):
            headers.set(name, js_string(value))

    if origin_option == "*":
        put("Access-Control-Allow-Origin", "*")
    elif isinstance(origin_option, str):
        put("Access-Control-Allow-Origin", origin_option)
        vary_append(headers, "Origin")
    else:
        allowed = is_origin_allowed(request.origin, origin_option)
        put("Access-Control-Allow-Origin", request.origin if allowed else False)
        vary_append(headers, "Origin")
    if options["credentials"] is True:
        put("Access-Control-Allow-Credentials", "true")

    def expose() -> None:
        exposed = joined(options["exposedHeaders"])
        if truthy(exposed) and _has_length(exposed):
            put("Access-Control-Expose-Headers", exposed)

    if request.method.upper() != "OPTIONS":
        expose()
        return headers.response(None)

    methods = options["methods"]
    if methods is None or methods is UNDEFINED:
        raise TypeError("Cannot read properties of undefined (reading 'join')")
    put("Access-Control-Allow-Methods", joined(methods))
    allowed_headers = options["allowedHeaders"]
    if not truthy(allowed_headers):
        allowed_headers = options["headers"]
    if not truthy(allowed_headers):
        allowed_headers = request.header("access-control-request-headers")
        vary_append(headers, "Access-Control-Request-Headers")
    else:
        allowed_headers = joined(allowed_headers)
    if truthy(allowed_headers) and _has_length(allowed_headers):
        put("Access-Control-Allow-Headers", allowed_headers)
    max_age = options["maxAge"]
    if (isinstance(max_age, (int, float)) and not isinstance(max_age, bool)) or truthy(max_age):
        text = js_string(max_age)
        if text:
            put("Access-Control-Max-Age", text)
    expose()
    if truthy(options["preflightContinue"]):
        return headers.response(AUTOMATIC_OPTIONS_STATUS)  # next(): the router answers it
    return headers.response(_status(options["optionsSuccessStatus"]))


def _mounted_methods(options: Options) -> frozenset[str] | None:
    """The methods of the routes a cors() is mounted on (`app.get(path, cors(), ...)`), or
    None for middleware every request passes through."""
    policy = options.policy
    if not policy.route_level or not policy.routes:
        return None
    return frozenset(method.upper() for route in policy.routes for method in route.methods)


def _unrouted(options: Options) -> bool:
    """Whether OPTIONS requests never reach this middleware (mounted on routes only)."""
    return any(evidence.kind == PREFLIGHT_UNROUTED for evidence in options.policy.evidence)


def _status(value: Any) -> int:
    """``res.statusCode = value``: node coerces with ``|0`` and refuses 100 > code > 999."""
    try:
        code = int(float(value)) if not isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        code = 0
    if not 100 <= code <= 999:
        raise ValueError(f"Invalid status code: {js_string(value)}")
    return code


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    return listed_origin_entries(policy, star_in_list=True)


def listed_origin_entries(policy: CorsPolicy, *, star_in_list: bool) -> tuple[OriginEntry, ...]:
    """The entries of an `origin` option as the cors package and @fastify/cors read it:
    strings compared literally, RegExps, an origin function's allow-list. `star_in_list`:
    whether a `"*"` inside an array is an entry (a literal no origin equals)."""
    value = policy.option("origin")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    raw = value.raw
    items: tuple[Value, ...]
    if isinstance(raw, FunctionValue):
        items = raw.allowed
    elif isinstance(raw, tuple):
        items = _flatten(value)
    else:
        items = (value,)
    entries: list[OriginEntry] = []
    for item in items:
        if not item.known:
            entries.append(OriginEntry(item, "literal"))
        elif isinstance(item.raw, Regex):
            entries.append(OriginEntry(item, "regex"))
        elif isinstance(item.raw, str) and item.raw != "*":
            entries.append(OriginEntry(item, "literal"))
        elif star_in_list and isinstance(item.raw, str) and item is not value:
            entries.append(OriginEntry(item, "literal"))  # "*" in an array: a literal nothing equals
    return tuple(entries)


def _flatten(value: Value) -> tuple[Value, ...]:
    if value.known and isinstance(value.raw, tuple):
        return tuple(leaf for item in value.raw for leaf in _flatten(item))
    return (value,)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    checks: list[LibraryCheck] = []
    for entry in origin_entries(policy):
        raw = entry.value.raw
        if not isinstance(raw, Regex):
            continue
        stateful = [flag for flag in "gy" if flag in raw.flags]
        if stateful:
            checks.append(
                LibraryCheck(
                    f"RegExp /{raw.flags}",
                    "origins",
                    f"the origin RegExp has the `{stateful[0]}` flag, so `.test()` keeps "
                    "`lastIndex` between requests: every second request from the same allowed "
                    "origin gets no Access-Control-Allow-Origin and fails; drop the flag",
                    entry.value.location,
                    stateful=True,
                )
            )
        unreadable = unreadable_regex(entry)
        if unreadable is not None:
            checks.append(unreadable)
    return tuple(checks)


def unreadable_regex(entry: OriginEntry) -> LibraryCheck | None:
    """A RegExp origin entry that Python's `re` cannot read: it is left unjudged, and said so."""
    raw = entry.value.raw
    if not isinstance(raw, Regex):
        return None
    try:
        python_regex(raw)
    except re.error as error:
        return LibraryCheck(
            "SyntaxError",
            "origins",
            f"the origin RegExp could not be read ({error}); corslint did not check it",
            entry.value.location,
        )
    return None


def literal_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """The entries of an `origin` option as @koa/cors and Hono read it: only strings,
    compared literally (no RegExp, no nested array); `"*"` alone allows every origin,
    inside an array it is a literal nothing equals."""
    value = policy.option("origin")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    raw = value.raw
    items: tuple[Value, ...]
    if isinstance(raw, FunctionValue):
        # a function's own tests (`origin.startsWith(...)`, `RE.test(origin)`) are patterns
        items = raw.allowed
        patterns = tuple(
            OriginEntry(item, "regex") for item in items if item.known and isinstance(item.raw, Regex)
        )
    elif isinstance(raw, tuple):
        items, patterns = raw, ()
    else:
        items, patterns = (value,), ()
    return (
        *(
            OriginEntry(item, "literal")
            for item in items
            if not item.known or (isinstance(item.raw, str) and (item.raw != "*" or item is not value))
        ),
        *patterns,
    )


FRAMEWORK = Framework(
    name="express",
    display="Express cors",
    respond=respond,
    roles={
        "origins": ("origin",),
        "credentials": ("credentials",),
        "methods": ("methods",),
        "headers": ("allowedHeaders", "headers"),
        "expose": ("exposedHeaders",),
        "max_age": ("maxAge",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object passed to cors()",
    responder=responder,
)
# wrappers that hand their options to the cors package unchanged, named in messages
FRAMEWORKS = (
    FRAMEWORK,
    dataclasses.replace(
        FRAMEWORK,
        name="nestjs",
        display="NestJS CORS (the cors package)",
        unread_options="the CORS options NestJS passes to cors()",
    ),
    dataclasses.replace(
        FRAMEWORK,
        name="apollo_server",
        display="Apollo Server CORS (the cors package)",
        unread_options="the CORS options Apollo Server passes to cors()",
    ),
    dataclasses.replace(
        FRAMEWORK,
        name="socketio",
        display="Socket.IO CORS (the cors package)",
        unread_options="the CORS options Socket.IO passes to cors()",
    ),
    dataclasses.replace(
        FRAMEWORK,
        name="routing_controllers",
        display="routing-controllers CORS (the cors package)",
        unread_options="the CORS options routing-controllers passes to cors()",
    ),
    dataclasses.replace(
        FRAMEWORK,
        name="firebase_functions",
        display="Firebase Functions onRequest CORS (the cors package)",
        unread_options="the `cors` setting firebase-functions passes to cors() as its origin",
    ),
)
