"""``micro-cors`` (measured on micro-cors 0.1.1): ``Cors(options)(handler)`` wraps a micro
handler or a Next.js API route. Its code path:

- every request, with or without Origin, gets ``Access-Control-Allow-Origin: <origin>``
  (default ``*``; an array is one header line per entry), and
  ``Access-Control-Allow-Credentials: true`` while ``allowCredentials`` is truthy, which it
  is **by default**: ``*`` beside credentials unless the options say otherwise;
- ``exposeHeaders`` (default ``[]``) is joined with "," when it has a length;
- an ``OPTIONS`` request (a preflight or not) also gets ``allowMethods.join(",")``
  (default ``POST,GET,PUT,PATCH,DELETE,OPTIONS``), ``allowHeaders.join(",")`` (default
  ``X-Requested-With,Access-Control-Allow-Origin,X-HTTP-Method-Override,Content-Type,
  Authorization,Accept``) and ``Max-Age`` (default 86400);
- then the wrapped handler runs, for ``OPTIONS`` too: it decides the status, so the answer
  to a preflight is not known here (the headers are);
- a list option that is not an array (a string) makes ``.join`` throw before the handler
  runs: micro and Next.js answer 500, with the headers set before it.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.destructured_options import destructured_option
from corslint.frameworks.express import UNDEFINED, js_string, literal_origin_entries, truthy
from corslint.frameworks.framework import Framework, Options, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Provenance, UnresolvedValueError, Value

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "maxAge": 60 * 60 * 24,
    "allowMethods": ("POST", "GET", "PUT", "PATCH", "DELETE", "OPTIONS"),
    "allowHeaders": (
        "X-Requested-With",
        "Access-Control-Allow-Origin",
        "X-HTTP-Method-Override",
        "Content-Type",
        "Authorization",
        "Accept",
    ),
    "allowCredentials": True,
    "exposeHeaders": (),
}
OPTION_NAMES = frozenset(DEFAULTS)
ERROR_STATUS = 500


class _Thrown(Exception):
    """The wrapper throws before the handler runs (`.join` of a string, `.length` of null)."""


_plain = functools.partial(destructured_option, defaults=DEFAULTS)


def _joined(value: Any) -> str:
    if not isinstance(value, tuple):
        raise _Thrown
    return js_string(value)


def _lines(value: Any) -> list[str]:
    """`res.setHeader(name, value)`: an array is one line per item, other values String()
    (`null` is sent as the text `null`)."""
    if isinstance(value, tuple):
        return [js_string(item) for item in value]
    return [js_string(value)]


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def before_handler(policy: CorsPolicy, request: Request) -> Response:
    """What the wrapper sends before the handler runs; status None: the handler answers
    (for OPTIONS requests too), 500: the wrapper threw."""
    return _before_handler(Options(policy, _plain), request)


def _respond(options: Options, request: Request) -> Response:
    response = _before_handler(options, request)
    if response.status is None and request.method.upper() == "OPTIONS":
        raise UnresolvedValueError(
            Value(
                None,
                options.policy.location,
                Provenance.UNKNOWN,
                description="what the wrapped handler answers to OPTIONS requests",
            )
        )
    return response


def _before_handler(options: Options, request: Request) -> Response:
    headers = HeaderList()
    try:
        for line in _lines(options["origin"]):
            headers.add("Access-Control-Allow-Origin", line)
        if truthy(options["allowCredentials"]):
            headers.set("Access-Control-Allow-Credentials", "true")
        exposed = options["exposeHeaders"]
        if exposed is None or exposed is UNDEFINED:
            raise _Thrown  # `.length` of null
        if _has_length(exposed):
            headers.set("Access-Control-Expose-Headers", _joined(exposed))
        if request.method.upper() == "OPTIONS":
            headers.set("Access-Control-Allow-Methods", _joined(options["allowMethods"]))
            headers.set("Access-Control-Allow-Headers", _joined(options["allowHeaders"]))
            headers.set("Access-Control-Max-Age", js_string(options["maxAge"]))
    except _Thrown:
        # micro and Next.js answer 500 and keep the headers set before the throw
        return headers.response(ERROR_STATUS)
    return headers.response(None)


def _has_length(value: Any) -> bool:
    """`value.length` is truthy: a non-empty array or string (numbers and booleans have none)."""
    return isinstance(value, (tuple, str)) and len(value) > 0


FRAMEWORK = Framework(
    name="micro_cors",
    display="micro-cors",
    respond=respond,
    roles={
        "origins": ("origin",),
        "credentials": ("allowCredentials",),
        "methods": ("allowMethods",),
        "headers": ("allowHeaders",),
        "expose": ("exposeHeaders",),
        "max_age": ("maxAge",),
    },
    origin_entries=literal_origin_entries,
    comment_prefix="//",
    unread_options="the options passed to micro-cors",
    responder=responder,
)
