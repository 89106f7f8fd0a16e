"""itty-router's CORS helpers, which return ``{ preflight, corsify }`` (Cloudflare Workers),
and their predecessor, the ``itty-cors`` package.

**v4** ``createCors({ origins, methods, headers, maxAge })`` (read and measured on 4.2.2):

- ``preflight`` (``router.all("*", preflight)``) remembers ``Access-Control-Allow-Origin:
  <Origin>`` when ``origins`` (default ``["*"]``) includes the Origin *or* ``"*"``: ``"*"``
  reflects every origin, never sends ``*``, and no response carries ``Vary``. A string
  ``origins`` is a substring test (``String.prototype.includes``). Requests without Origin
  are tested as ``""``;
- an ``OPTIONS`` request is answered 200; only when it carries Origin,
  Access-Control-Request-Method *and* Access-Control-Request-Headers does the answer hold
  the preflight's own headers (the ``headers`` option, Allow-Methods ``OPTIONS`` plus
  ``methods`` (default ``["GET"]``), the requested headers, Max-Age when truthy, the Origin
  when allowed); any other ``OPTIONS`` (a preflight without custom headers too) gets an
  ``Allow`` header, and then only what ``corsify`` adds (no Allow-Headers, and
  Allow-Methods without ``OPTIONS``);
- ``corsify`` adds ``headers``, Allow-Methods (``methods`` alone), Max-Age and the
  remembered Allow-Origin to every answer without Allow-Origin (redirects and 101
  excepted), preflight answers included: header names differing in case are combined.
  Credentials exist only as a header written in ``headers``. Where the module never
  registers ``preflight`` (the extractor's "not-applied" evidence), no response gets an
  Allow-Origin and OPTIONS goes to the routes.

**itty-cors** ``createCors`` (measured on 0.3.7) is v4's, except that a missing Origin is
tested (and, when ``"*"`` is listed, sent) as ``null``, the three preflight headers need
only be present, and ``origins`` cannot be a function.

**v5** ``cors({ origin, credentials, allowMethods, allowHeaders, exposeHeaders, maxAge })``
(read and measured on 5.0.24; 5.0.9 to 5.0.24 behave alike), wired as ``before:
[preflight], finally: [corsify]``:

- the origin sent: ``origin: true`` reflects the Origin; a RegExp reflects it when
  ``.test`` passes; an array when it ``includes`` it; a function's return value is sent;
  ``"*"`` is sent as is **unless ``credentials`` is on: then the Origin is reflected**;
  any other string is sent whatever the Origin. No ``Vary`` is ever sent;
- every ``OPTIONS`` request is answered 204 with that origin, Allow-Methods (default
  ``*``), Expose-Headers, Allow-Headers (default: the requested ones), Max-Age and
  Allow-Credentials when truthy; ``corsify`` then adds Allow-Origin and Allow-Credentials
  again to an answer without Allow-Origin (a refused origin gets ``true, true``);
- other responses get Allow-Origin and Allow-Credentials from ``corsify`` (with the
  request as its second argument, which ``finally: [corsify]`` passes).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from corslint.frameworks.express import (
    UNDEFINED,
    is_origin_allowed,
    js_string,
    library_checks,
    listed_origin_entries,
    literal_origin_entries,
    regex_test,
    truthy,
)
from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, Regex, UnresolvedValueError, Value

V4_DEFAULTS: dict[str, Any] = {"origins": ("*",), "methods": ("GET",), "headers": {}}
V4_OPTION_NAMES = frozenset({*V4_DEFAULTS, "maxAge"})
V5_DEFAULTS: dict[str, Any] = {"origin": "*", "credentials": False, "allowMethods": "*"}
V5_OPTION_NAMES = frozenset({*V5_DEFAULTS, "allowHeaders", "exposeHeaders", "maxAge"})
V4_STATUS = 200  # `new Response(null, {headers})`
V5_PREFLIGHT_STATUS = 204


def _plain_with(defaults: dict[str, Any], policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    if value is None or (value.known and value.raw is UNDEFINED):
        return defaults.get(name, UNDEFINED)  # destructuring defaults replace `undefined` only
    return value.plain()


_plain_v4 = functools.partial(_plain_with, V4_DEFAULTS)
_plain_v5 = functools.partial(_plain_with, V5_DEFAULTS)


def _unknown(options: Options, name: str) -> UnresolvedValueError:
    value = options.policy.option(name)
    return UnresolvedValueError(value if value is not None else Value(None, options.policy.location))


def _function_result(options: Options, name: str, function: FunctionValue, origin: str | None) -> bool:
    """Whether a classified origin function admits `origin`."""
    if function.kind == "reflect-all":
        return True
    if function.kind == "deny-all":
        return False
    if function.kind == "allow-list":
        allowed = tuple(item.plain() for item in function.allowed)
        return bool(origin) and is_origin_allowed(origin, allowed)
    raise _unknown(options, name)


def _combined(fields: dict[str, Any]) -> HeaderList:
    """A Fetch `Headers` built from an object: keys differing only in case are combined."""
    headers = HeaderList()
    for name, value in fields.items():
        headers.add(name, js_string(value))
    combined = HeaderList()
    for name, _ in headers.response(None).headers:
        if combined.get(name) is None:
            joined = headers.get(name)
            assert joined is not None
            combined.set(name, joined)
    return combined


# --- v4: createCors --------------------------------------------------------------------


def _v4_admits(options: Options, origin: str | None) -> bool:
    origins = options["origins"]
    if origin is None:  # itty-cors tests the missing Origin as `null`
        if isinstance(origins, tuple):
            return None in origins or "*" in origins
        if isinstance(origins, str):
            return "null" in origins or "*" in origins
        raise _unknown(options, "origins")
    if isinstance(origins, FunctionValue):
        return _function_result(options, "origins", origins, origin)
    if isinstance(origins, (tuple, str)):
        # Array.prototype.includes, or String.prototype.includes (a substring test)
        return origin in origins or "*" in origins
    raise _unknown(options, "origins")  # `.includes` of anything else throws


def _v4_fields(options: Options) -> dict[str, Any]:
    methods = options["methods"]
    extra = options["headers"]
    if isinstance(extra, tuple):  # `{...["a, b"]}`: an array spreads as headers named "0", "1" ...
        extra = {str(index): item for index, item in enumerate(extra)}
    if not isinstance(methods, tuple) or not isinstance(extra, dict):
        raise _unknown(options, "methods" if not isinstance(methods, tuple) else "headers")
    fields: dict[str, Any] = {
        "content-type": "application/json",
        "Access-Control-Allow-Methods": ", ".join(js_string(m) if m is not None else "" for m in methods),
        **extra,
    }
    if truthy(options["maxAge"]):
        fields["Access-Control-Max-Age"] = options["maxAge"]
    return fields


def respond_v4(policy: CorsPolicy, request: Request) -> Response:
    return _respond_v4(Options(policy, _plain_v4), request)


def _responder_v4(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond_v4, Options(policy, _plain_v4))


def respond_itty_cors(policy: CorsPolicy, request: Request) -> Response:
    return _respond_v4(Options(policy, _plain_v4), request, package=True)


def _responder_itty_cors(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond_v4, Options(policy, _plain_v4), package=True)


def _respond_v4(options: Options, request: Request, *, package: bool = False) -> Response:
    """itty-router 4's createCors, or with `package` the itty-cors package's, which reads
    a missing header as `null` where itty-router reads it as empty."""
    if any(evidence.kind == "not-applied" for evidence in options.policy.evidence):
        return Response(None)  # `preflight` never runs: no Allow-Origin, OPTIONS left to the routes
    fields = _v4_fields(options)
    if package and isinstance(options["origins"], FunctionValue):
        raise _unknown(options, "origins")  # `.includes` of a function throws
    origin = request.origin if package else request.origin or ""
    allowed = _v4_admits(options, origin)
    allow = {"Access-Control-Allow-Origin": "null" if origin is None else origin} if allowed else {}
    methods = tuple(dict.fromkeys(["OPTIONS", *(js_string(m) for m in options["methods"])]))
    existing: dict[str, Any] = {}  # the headers of the answer corsify gets
    if request.method.upper() == "OPTIONS":
        requested = request.header("access-control-request-headers")
        asked = (request.origin, request.header("access-control-request-method"), requested)
        # itty-cors wants the three headers present, itty-router non-empty
        answered = all(item is not None for item in asked) if package else all(asked)
        if answered:
            preflight = {
                **fields,
                "Access-Control-Allow-Methods": ", ".join(methods),
                "Access-Control-Allow-Headers": requested,
                **allow,
            }
            answer = _combined(preflight).response(V4_STATUS)
        else:
            answer = Response(V4_STATUS, (("allow", ", ".join(methods)),))
        if answer.get("access-control-allow-origin") is not None:
            return answer
        existing = dict(answer.headers)
        status: int | None = V4_STATUS
    else:
        status = None  # the route's answer, which holds no Access-Control-Allow-Origin of its own
    # corsify: `{...Object.fromEntries(response.headers), ...headers, ...allowOrigin}`
    return _combined({**existing, **fields, **allow}).response(status)


# --- v5: cors ---------------------------------------------------------------------------


def _v5_origin(options: Options, request: Request) -> Any:
    origin = options["origin"]
    incoming = request.origin
    if origin is True:
        return incoming
    if isinstance(origin, Regex):
        return incoming if regex_test(origin, "null" if incoming is None else incoming) else None
    if isinstance(origin, tuple):
        return incoming if incoming in origin else None
    if isinstance(origin, FunctionValue):
        return incoming if _function_result(options, "origin", origin, incoming) else None
    if origin == "*" and truthy(options["credentials"]):
        return incoming
    return origin


def _joined_or_self(value: Any) -> Any:
    """``value?.join?.(",") ?? value``."""
    if isinstance(value, tuple):
        return ",".join("" if item is None or item is UNDEFINED else js_string(item) for item in value)
    return value


def respond_v5(policy: CorsPolicy, request: Request) -> Response:
    return _respond_v5(Options(policy, _plain_v5), request)


def _responder_v5(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond_v5, Options(policy, _plain_v5))


def _append_truthy(headers: HeaderList, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if truthy(value):
            headers.add(name, js_string(value))


def _respond_v5(options: Options, request: Request) -> Response:
    allow_origin = _v5_origin(options, request)
    credentials = options["credentials"]
    headers = HeaderList()
    if request.method.upper() == "OPTIONS":
        allow_headers = _joined_or_self(options["allowHeaders"])
        if allow_headers is None or allow_headers is UNDEFINED:
            allow_headers = request.header("access-control-request-headers")
        _append_truthy(
            headers,
            {
                "access-control-allow-origin": allow_origin,
                "access-control-allow-methods": _joined_or_self(options["allowMethods"]),
                "access-control-expose-headers": _joined_or_self(options["exposeHeaders"]),
                "access-control-allow-headers": allow_headers,
                "access-control-max-age": options["maxAge"],
                "access-control-allow-credentials": credentials,
            },
        )
        status = V5_PREFLIGHT_STATUS
    else:
        status = None  # the route's answer
    if headers.get("access-control-allow-origin") is None:  # corsify (`finally`)
        _append_truthy(
            headers,
            {"access-control-allow-origin": allow_origin, "access-control-allow-credentials": credentials},
        )
    return headers.response(status)


def _v5_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """Strings (a lone one is sent whatever the Origin), RegExps, a function's allow-list."""
    return listed_origin_entries(policy, star_in_list=True)


def _v4_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("origins")
    if value is None or (value.known and not isinstance(value.raw, (tuple, FunctionValue))):
        return ()  # the default `["*"]`, or a string (a substring test, judged by its answers)
    entries = literal_origin_entries(_renamed(policy))
    return tuple(entry for entry in entries if not (entry.value.known and entry.value.raw == "*"))


def _renamed(policy: CorsPolicy) -> CorsPolicy:
    """The policy with `origins` read as `origin` (for the shared entry readers)."""
    options = dict(policy.options)
    value = options.pop("origins", None)
    if value is not None:
        options["origin"] = value
    return dataclasses.replace(policy, options=options)


V4_FRAMEWORK = Framework(
    name="itty_router_create_cors",
    display="itty-router createCors()",
    respond=respond_v4,
    roles={
        "origins": ("origins",),
        "methods": ("methods",),
        "headers": ("headers",),
        "max_age": ("maxAge",),
    },
    origin_entries=_v4_origin_entries,
    comment_prefix="//",
    unread_options="the options object passed to itty-router's createCors()",
    responder=_responder_v4,
)

V5_FRAMEWORK = Framework(
    name="itty_router_cors",
    display="itty-router cors()",
    respond=respond_v5,
    roles=js_option_roles(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders"),
    origin_entries=_v5_origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object passed to itty-router's cors()",
    responder=_responder_v5,
)

ITTY_CORS_FRAMEWORK = dataclasses.replace(
    V4_FRAMEWORK,
    name="itty_cors",
    display="itty-cors createCors()",
    respond=respond_itty_cors,
    unread_options="the options object passed to itty-cors's createCors()",
    responder=_responder_itty_cors,
)

FRAMEWORKS = (V4_FRAMEWORK, V5_FRAMEWORK, ITTY_CORS_FRAMEWORK)
