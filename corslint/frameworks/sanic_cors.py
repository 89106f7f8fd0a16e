"""Sanic-CORS ``CORS(app, ...)`` and ``@cross_origin(app, ...)`` (measured on sanic-cors 2.2.0,
Sanic 25.12.1).

Sanic-CORS is a port of Flask-CORS 3.0: the same options, the same merge (defaults, the app's
``CORS_*`` config, the keywords, a resource's own options) and the same answer to a request
with an Origin, so the policies are the Flask-CORS extractor's and the model is Flask-CORS's
with the port's differences (tests/test_differential_sanic_cors.py checks each one):

- a string is a regex only when it holds one of ``*\\]?`` (``^https://a.com$`` is a literal);
- a resources dict is tried longest pattern first; paths are matched without regard to case
  (``re.match(..., IGNORECASE)``, literals by ``lower()``) against Sanic's undecoded path;
- ``Access-Control-Max-Age`` is ``str(max_age)``: ``None`` when unset, ``0`` is sent;
- a request without an Origin gets ``*`` for ``origins="*"`` even with credentials, else the
  last of the sorted literal origins; there is no private-network option;
- a ``@cross_origin`` view answers a preflight only when its route accepts OPTIONS: Sanic
  adds no automatic OPTIONS, it answers 405.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
import corslint.frameworks.flask_cors as flask_cors
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex, Value

DEFAULTS: dict[str, Any] = {
    name: value for name, value in flask_cors.DEFAULTS.items() if name != "allow_private_network"
}
REGEX_HINTS = frozenset("*\\]?")


def probably_regex(pattern: object) -> bool:
    """The port's (Flask-CORS 3.0's) test for "this string is a regex"."""
    if isinstance(pattern, (Regex, re.Pattern)):
        return True
    return isinstance(pattern, str) and not REGEX_HINTS.isdisjoint(pattern)


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    return DEFAULTS[name] if value is None else value.plain()


def _try_match(text: str, pattern: Any) -> bool:
    """`core.try_match`: compiled patterns as compiled, regex strings case-insensitively
    (start-anchored), other values by `lower()`."""
    if isinstance(pattern, Regex):
        return bounded_regex.match(flask_cors.compiled(pattern), text) is not None
    if isinstance(pattern, str) and probably_regex(pattern):
        try:
            return bounded_regex.match(re.compile(pattern, re.IGNORECASE), text) is not None
        except re.error as error:
            raise ValueError(f"invalid regular expression {pattern!r}: {error}") from None
    if isinstance(pattern, str):
        return text.lower() == pattern.lower()
    return bool(text == pattern)


def _pattern_length(pattern: Any) -> int:
    return len(pattern.pattern if isinstance(pattern, Regex) else str(pattern))


def resource_patterns(policy: CorsPolicy) -> list[Any]:
    """The resource patterns in the order the port tries them."""
    return _resource_patterns(Options(policy, _option))


def _resource_patterns(options: Options) -> list[Any]:
    raw = options["resources"]
    if isinstance(raw, dict):
        return sorted((flask_cors._fix_star(key) for key in raw), key=_pattern_length, reverse=True)
    if isinstance(raw, (str, Regex)):
        return [flask_cors._fix_star(raw)]
    if isinstance(raw, (list, tuple, set, frozenset)):
        return [flask_cors._fix_star(item) for item in raw]
    raise ValueError("Unexpected value for resources argument.")


def request_path(path: str) -> str:
    """Sanic's `request.path`: the raw path, not percent-decoded."""
    return path.split("#", 1)[0].split("?", 1)[0] or "/"


def answers_path(policy: CorsPolicy, path: str) -> bool:
    return _answers_path(Options(policy, _option), path)


def _answers_path(options: Options, path: str) -> bool:
    policy = options.policy
    if policy.route_level:
        return True
    wanted = request_path(path)
    patterns = options.once("resources", _resource_patterns)
    for pattern in patterns:
        if _try_match(wanted, pattern):
            text = flask_cors.pattern_text(pattern)
            return not policy.scope or len(patterns) == 1 or text == policy.scope
    return False


@dataclass(frozen=True)
class _Config:
    """The options as `serialize_options` leaves them, the same for every request."""

    wildcard: bool
    origins: list[Any]
    allow_headers: list[Any]
    methods: str | None
    max_age: str


def _config(options: Options) -> _Config:
    origins = [flask_cors._fix_star(item) for item in flask_cors._as_list(options["origins"])]
    wildcard = ".*" in origins
    if wildcard and options["supports_credentials"] and options["send_wildcard"]:
        raise ValueError("supports_credentials with origins '*' and send_wildcard")
    allow_headers = [flask_cors._fix_star(item) for item in flask_cors._as_list(options["allow_headers"])]
    methods = flask_cors._joined(options["methods"])
    max_age = options["max_age"]
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    return _Config(
        wildcard, origins, allow_headers, None if methods is None else methods.upper(), str(max_age)
    )


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _route_refuses_options(policy: CorsPolicy) -> bool:
    """A `@cross_origin` view whose routes are known and none of them accepts OPTIONS."""
    routes = policy.routes
    return bool(routes) and not any("OPTIONS" in route.methods for route in routes or ())


def _respond(options: Options, request: Request) -> Response:
    policy = options.policy
    method = request.method.upper()
    status = 200 if method == "OPTIONS" else None
    headers = HeaderList()
    if not _answers_path(options, request.path):
        return headers.response(status)
    if policy.route_level and method == "OPTIONS":
        if _route_refuses_options(policy):
            return headers.response(405)
        explicit = policy.option("automatic_options")
        if explicit is not None and not explicit.plain():
            return headers.response(status)
    config: _Config = options.once("config", _config)
    origin = request.origin
    sent: list[Any]
    if origin:
        if config.wildcard and options["send_wildcard"]:
            sent = ["*"]
        elif any(_try_match(origin, pattern) for pattern in config.origins):
            sent = [origin]
        else:
            sent = []
    elif options["always_send"]:
        if config.wildcard:
            sent = ["*"]
        else:
            sent = sorted(item for item in config.origins if not probably_regex(item))
    else:
        sent = []
    if not sent:
        return headers.response(status)

    # the port writes every origin into one dict key: the last one stays
    values: list[tuple[str, Any]] = [("Access-Control-Allow-Origin", sent[-1])]
    values.append(("Access-Control-Expose-Headers", flask_cors._joined(options["expose_headers"])))
    if options["supports_credentials"]:
        values.append(("Access-Control-Allow-Credentials", "true"))
    if method == "OPTIONS":
        requested = (request.header("access-control-request-method") or "").upper()
        if requested and config.methods is not None and requested in config.methods:
            values.append(("Access-Control-Allow-Headers", _allowed_headers(config.allow_headers, request)))
            values.append(("Access-Control-Max-Age", config.max_age))
            values.append(("Access-Control-Allow-Methods", config.methods))
    if (
        options["vary_header"]
        and sent[-1] != "*"
        and (len(config.origins) > 1 or len(sent) > 1 or any(map(probably_regex, config.origins)))
    ):
        values.append(("Vary", "Origin"))
    for name, raw in values:
        if raw:
            headers.add(name, str(raw))
    return headers.response(status)


def _allowed_headers(patterns: list[Any], request: Request) -> str | None:
    requested = request.header("access-control-request-headers")
    if not requested:
        return None
    names = [name.strip() for name in requested.split(",")]
    return ", ".join(sorted(name for name in names if any(_try_match(name, p) for p in patterns)))


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("origins")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    items: tuple[Value, ...] = () if isinstance(value.raw, dict) else value.entries
    return tuple(
        OriginEntry(entry, "regex" if entry.known and probably_regex(entry.raw) else "literal")
        for entry in items
    )


STARTUP_ERRORS = flask_cors.StartupErrors(
    display="Sanic-CORS",
    regex_options=("origins", "allow_headers"),
    looks_like_regex=probably_regex,
    option=_option,
    regex_error="re.error at request time",
    regex_use="matches it as a regex",
    regex_effect="every request it is tried on fails",
)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """The ValueError `CORS(app, ...)` raises, and the regexes a request fails to compile."""
    return flask_cors.startup_errors(policy, STARTUP_ERRORS)


FRAMEWORK = Framework(
    name="sanic_cors",
    display="Sanic-CORS",
    respond=respond,
    roles=flask_cors.FRAMEWORK.roles,
    origin_entries=origin_entries,
    answers=answers_path,
    library_checks=library_checks,
    responder=responder,
)
