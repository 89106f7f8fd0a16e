"""aiohttp-middlewares' `cors_middleware(...)` (aiohttp-middlewares 3.0.0 on aiohttp 3.14),
a different library from aiohttp-cors (frameworks/aiohttp_cors.py).

Read from `aiohttp_middlewares.cors.cors_middleware` and checked against it
(tests/test_differential_aiohttp_middlewares_cors.py):

- only paths matching `urls` (strings compared exactly, patterns with `re.match`;
  default: every path) are handled;
- a preflight (OPTIONS with `Access-Control-Request-Method`) is answered by the middleware
  itself, 200 with an empty body; other requests by the app;
- with an Origin, `Access-Control-Allow-Credentials: true` is set first whenever
  `allow_credentials` is on, even for an Origin that is then refused;
- an Origin passes with `allow_all`, or when it equals a string of `origins` or a pattern
  of it `re.match`es; Allow-Origin is then `*` for `allow_all` without credentials, else
  the Origin itself; no `Vary` is ever sent;
- `expose_headers` (if any) follow; on every OPTIONS request, `Allow-Headers` and
  `Allow-Methods` (`", ".join` of the options as written: a plain string is joined letter
  by letter) and `Max-Age` when set.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex

DEFAULT_ALLOW_HEADERS = (
    "accept",
    "accept-encoding",
    "authorization",
    "content-type",
    "dnt",
    "origin",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)
DEFAULT_ALLOW_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DEFAULTS: dict[str, Any] = {
    "allow_all": False,
    "origins": None,
    "urls": None,
    "expose_headers": None,
    "allow_headers": DEFAULT_ALLOW_HEADERS,
    "allow_methods": DEFAULT_ALLOW_METHODS,
    "allow_credentials": False,
    "max_age": None,
}


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    return DEFAULTS[name] if value is None else value.plain()


def _matches(item: Any, text: str) -> bool:
    """`aiohttp_middlewares.utils.match_path`."""
    if isinstance(item, str):
        return item == text
    if isinstance(item, Regex):
        flags = re.IGNORECASE if "i" in item.flags else 0
        return bool(bounded_regex.match(item.pattern, text, flags))
    return False


def _any_match(items: Any, text: str) -> bool:
    return any(_matches(item, text) for item in items)


def answers(policy: CorsPolicy, path: str) -> bool:
    urls = _option(policy, "urls")
    return urls is None or _any_match(urls, path)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _respond(options: Options, request: Request) -> Response:
    headers = HeaderList()
    urls = options["urls"]
    if urls is not None and not _any_match(urls, request.path):
        return headers.response(None)
    is_options = request.method == "OPTIONS"
    preflight = is_options and request.header("access-control-request-method") is not None
    status = 200 if preflight else None
    origin = request.origin
    if not origin:
        return headers.response(status)
    credentials = bool(options["allow_credentials"])
    if credentials:
        headers.set("Access-Control-Allow-Credentials", "true")
    allow_all = bool(options["allow_all"])
    origins = options["origins"]
    if not allow_all and not (origins and _any_match(origins, origin)):
        return headers.response(status)
    headers.set("Access-Control-Allow-Origin", "*" if allow_all and not credentials else origin)
    expose = options["expose_headers"]
    if expose:
        headers.set("Access-Control-Expose-Headers", ", ".join(expose))
    if is_options:
        headers.set("Access-Control-Allow-Headers", ", ".join(options["allow_headers"]))
        headers.set("Access-Control-Allow-Methods", ", ".join(options["allow_methods"]))
        if options["max_age"] is not None:
            headers.set("Access-Control-Max-Age", str(options["max_age"]))
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("origins")
    if value is None:
        return ()
    return tuple(
        OriginEntry(item, "regex" if isinstance(item.raw, Regex) else "literal") for item in value.entries
    )


FRAMEWORK = Framework(
    name="aiohttp_middlewares",
    display="aiohttp-middlewares cors_middleware",
    respond=respond,
    roles={
        "origins": ("allow_all", "origins"),
        "credentials": ("allow_credentials",),
        "methods": ("allow_methods",),
        "headers": ("allow_headers",),
        "expose": ("expose_headers",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    answers=answers,
    unread_options="cors_middleware options passed as `**kwargs`",
    responder=responder,
)
