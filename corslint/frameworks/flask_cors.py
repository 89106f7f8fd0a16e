"""Flask-CORS ``CORS`` extension and ``@cross_origin`` (measured on flask-cors 6.0.5, Flask 3.1).

Options are the library's keyword names (``origins``, ``supports_credentials`` ...). A policy
holds the options *after* the library's merge for one resource: defaults, then the app's
``CORS_*`` config, then the constructor's and ``init_app``'s keywords, then the resource's
own options. ``resources`` holds the resource patterns of the same ``CORS`` call in the order
the library tries them, and ``CorsPolicy.scope`` names the one this policy is, so a request
path answered by an earlier pattern gets nothing from this policy.

The model reproduces the library's quirks on the values exactly as written: strings holding
any of ``*\\]?$^[]()`` are regexes (case-insensitive, matched at the start only), other
strings are compared case-insensitively, allowed methods are a *substring* test on their
comma-joined string, and falsy header values (``max_age=0``) are dropped.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex, Value

ALL_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
DEFAULTS: dict[str, Any] = {
    "origins": "*",
    "methods": ALL_METHODS,
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "automatic_options": True,
    "vary_header": True,
    "resources": r"/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
}
OPTIONS = frozenset(DEFAULTS)
# app.config keys the library reads, and the option each one sets
CONFIG_KEYS = {f"CORS_{name.upper()}": name for name in DEFAULTS}
REGEX_HINTS = frozenset("*\\]?$^[]()")
_FLAG_BITS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "a": re.ASCII}


def probably_regex(pattern: object) -> bool:
    """The library's test for "this string is a regex": any of its hint characters."""
    if isinstance(pattern, (Regex, re.Pattern)):
        return True
    return isinstance(pattern, str) and not REGEX_HINTS.isdisjoint(pattern)


def compiled(raw: Regex) -> re.Pattern[str]:
    flags = 0
    for letter in raw.flags:
        flags |= _FLAG_BITS.get(letter, 0)
    return re.compile(raw.pattern, flags)


def _as_list(raw: Any) -> list[Any]:
    """A scalar (a string, a pattern, a number) becomes a one-item list; iterables their items."""
    if isinstance(raw, (str, Regex, int, float, type(None))):
        return [raw]
    if isinstance(raw, dict):
        return list(raw)
    return list(raw)


def _fix_star(item: Any) -> Any:
    # the library lets a bare `*` stand for the regex `.*`
    return ".*" if item == "*" else item


def _resolved(item: Any, *, ignore_case: bool) -> Any:
    """A configured pattern as the library keeps it: a compiled regex, or the literal as is."""
    if isinstance(item, Regex):
        return compiled(item)
    if isinstance(item, str) and probably_regex(item):
        try:
            return re.compile(item, re.IGNORECASE if ignore_case else 0)
        except re.error as error:
            raise ValueError(f"invalid regular expression {item!r}: {error}") from None
    return item


def _matches(text: str, pattern: Any, *, case_sensitive: bool) -> bool:
    if isinstance(pattern, re.Pattern):
        return bounded_regex.match(pattern, text) is not None
    if case_sensitive:
        return text == str(pattern)
    return text.casefold() == str(pattern).casefold()


def _joined(raw: Any) -> str | None:
    """Methods and exposed headers: sorted and joined when a list, `str()` otherwise."""
    if raw is None:
        return None
    if isinstance(raw, str) or not isinstance(raw, (tuple, list, dict, set, frozenset)):
        return str(raw)
    return ", ".join(str(item) for item in sorted(raw))


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    return DEFAULTS[name] if value is None else value.plain()


def resource_patterns(policy: CorsPolicy) -> list[Any]:
    """The resource patterns in the order the library tries them."""
    return _resource_patterns(Options(policy, _option))


def _resource_patterns(options: Options) -> list[Any]:
    raw = options["resources"]
    if isinstance(raw, dict):
        items = [_fix_star(key) for key in raw]
        items.sort(key=resource_rank)
    elif isinstance(raw, (str, Regex)):
        items = [_fix_star(raw)]
    elif isinstance(raw, Iterable):
        items = [_fix_star(item) for item in raw]
    else:
        raise ValueError("Unexpected value for resources argument.")
    return [_resolved(item, ignore_case=False) for item in items]


def resource_rank(pattern: Any) -> tuple[int, int, int, int]:
    """The library's order for a resources dict: literal paths first, then compiled
    patterns, then regex strings; within each, more `/` first, then longer first."""
    pattern = _fix_star(pattern)
    if isinstance(pattern, (Regex, re.Pattern)):
        return (1, 0, -pattern.pattern.count("/"), -len(pattern.pattern))
    text = str(pattern)
    if probably_regex(text):
        return (1, 1, -text.count("/"), -len(text))
    return (0, 0, -text.count("/"), -len(text))


def pattern_text(pattern: Any) -> str:
    if isinstance(pattern, (re.Pattern, Regex)):
        return str(pattern.pattern)
    return str(pattern)


def request_path(path: str) -> str:
    """The path the extension matches resources against: werkzeug's decoded ``request.path``,
    percent-decoded once more by the library."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    decoded = urllib.parse.unquote(path, errors="replace")
    return urllib.parse.unquote("/" + decoded.lstrip("/"))


def answers_path(policy: CorsPolicy, path: str) -> bool:
    """Whether this policy (and not another resource of the same call) answers `path`."""
    return _answers_path(Options(policy, _option), path)


def _answers_path(options: Options, path: str) -> bool:
    policy = options.policy
    if policy.route_level:
        return True
    normalised = request_path(path)
    patterns = options.once("resources", _resource_patterns)
    for pattern in patterns:
        if _matches(normalised, pattern, case_sensitive=True):
            # one pattern is this policy's whatever its scope says (an unknown pattern's
            # stand-in is named by its source)
            return not policy.scope or len(patterns) == 1 or pattern_text(pattern) == policy.scope
    return False


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _respond(options: Options, request: Request) -> Response:
    policy = options.policy
    method = request.method.upper()
    # Flask answers OPTIONS itself (automatic OPTIONS); the view never runs.
    status = 200 if method == "OPTIONS" else None
    headers = HeaderList()
    if not _answers_path(options, request.path):
        return headers.response(status)
    if policy.route_level and method == "OPTIONS":
        explicit = policy.option("automatic_options")
        if explicit is not None and not explicit.plain():
            # Flask's own automatic OPTIONS answers without calling the decorated view
            return headers.response(status)

    config: _Config = options.once("config", _config)
    allow_all, credentials, send_wildcard = config.allow_all, config.credentials, config.send_wildcard
    origins, allow_headers, methods, max_age = (
        config.origins,
        config.allow_headers,
        config.methods,
        config.max_age,
    )

    origin = request.origin
    sent: list[str] = []
    if origin:
        if allow_all and send_wildcard:
            sent = ["*"]
        elif any(_matches(origin, pattern, case_sensitive=False) for pattern in origins):
            sent = [origin]
    elif options["always_send"]:
        if allow_all:
            sent = [] if credentials else ["*"]
        else:
            sent = sorted(item for item in origins if isinstance(item, str))
    if not sent:
        return headers.response(status)

    # Only the first of several origins reaches the response: the library builds a
    # multi-valued header list, then copies it key by key.
    values: list[tuple[str, Any]] = [("Access-Control-Allow-Origin", sent[0])]
    values.append(("Access-Control-Expose-Headers", _joined(options["expose_headers"])))
    if credentials:
        values.append(("Access-Control-Allow-Credentials", "true"))
    if request.header("access-control-request-private-network") == "true":
        values.append(
            (
                "Access-Control-Allow-Private-Network",
                "true" if options["allow_private_network"] else "false",
            )
        )
    if method == "OPTIONS":
        requested_method = (request.header("access-control-request-method") or "").upper()
        if requested_method and methods and requested_method in methods:
            values.append(("Access-Control-Allow-Headers", _allowed_headers(allow_headers, request)))
            values.append(("Access-Control-Max-Age", max_age))
            values.append(("Access-Control-Allow-Methods", methods))
    if (
        options["vary_header"]
        and sent[0] != "*"
        and (len(origins) > 1 or len(sent) > 1 or any(isinstance(o, re.Pattern) for o in origins))
    ):
        values.append(("Vary", "Origin"))
    for name, raw in values:
        if raw:
            headers.add(name, str(raw))
    return headers.response(status)


@dataclass(frozen=True)
class _Config:
    """What the extension makes of its options when a request comes, the same each time."""

    allow_all: bool
    credentials: bool
    send_wildcard: bool
    origins: list[Any]
    allow_headers: list[Any]
    methods: str | None
    max_age: Any


def _config(options: Options) -> _Config:
    origins_raw = [_fix_star(item) for item in _as_list(options["origins"])]
    allow_all = ".*" in origins_raw
    credentials = bool(options["supports_credentials"])
    send_wildcard = bool(options["send_wildcard"])
    if allow_all and credentials and send_wildcard:
        raise ValueError("supports_credentials with origins '*' and send_wildcard")
    origins = [_resolved(item, ignore_case=True) for item in origins_raw]
    allow_headers = [
        _resolved(_fix_star(item), ignore_case=True) for item in _as_list(options["allow_headers"])
    ]
    methods = _joined(options["methods"])
    if methods is not None:
        methods = methods.upper()
    return _Config(allow_all, credentials, send_wildcard, origins, allow_headers, methods, options["max_age"])


def _allowed_headers(patterns: list[Any], request: Request) -> str | None:
    requested = request.header("access-control-request-headers")
    if not requested:
        return None
    names = [name.strip() for name in requested.split(",")]
    matching = [n for n in names if any(_matches(n, p, case_sensitive=False) for p in patterns)]
    return ", ".join(sorted(matching))


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("origins")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    entries: list[OriginEntry] = []
    items: Iterable[Value] = value.entries
    if isinstance(value.raw, dict):
        items = ()
    for entry in items:
        regex = entry.known and probably_regex(entry.raw)
        entries.append(OriginEntry(entry, "regex" if regex else "literal"))
    return tuple(entries)


@dataclass(frozen=True)
class StartupErrors:
    """How a Flask-CORS-like library fails on a bad configuration: its name, the options it
    compiles as regexes, and what a pattern that does not compile costs."""

    display: str
    regex_options: tuple[str, ...]
    looks_like_regex: Callable[[object], bool]
    option: Callable[[CorsPolicy, str], Any]
    regex_error: str
    regex_use: str
    regex_effect: str | None  # None: where the ValueError stops the app (startup or the view)


def startup_errors(policy: CorsPolicy, errors: StartupErrors) -> tuple[LibraryCheck, ...]:
    """The regexes that do not compile, and `*` with send_wildcard and credentials, refused."""
    checks: list[LibraryCheck] = []
    where = "the application fails to start" if not policy.route_level else "every request to the view fails"
    for name in errors.regex_options:
        value = policy.option(name)
        if value is None or not value.known or isinstance(value.raw, dict):
            continue
        for entry in value.entries:
            if not (entry.known and isinstance(entry.raw, str) and errors.looks_like_regex(entry.raw)):
                continue
            if entry.raw == "*":
                continue
            try:
                re.compile(entry.raw)
            except re.error as error:
                checks.append(
                    LibraryCheck(
                        errors.regex_error,
                        "headers" if name == "allow_headers" else "origins",
                        f"`{entry.raw}` in {name} holds a regex character, so {errors.display} "
                        f"{errors.regex_use}, and it is not a valid regular expression ({error}); "
                        f"{errors.regex_effect or where}",
                        entry.location,
                    )
                )
    try:
        origins = [_fix_star(item) for item in _as_list(errors.option(policy, "origins"))]
        credentials = bool(errors.option(policy, "supports_credentials"))
        send_wildcard = bool(errors.option(policy, "send_wildcard"))
    except Exception:  # unresolved: CORS305 reports it
        return tuple(checks)
    if ".*" in origins and credentials and send_wildcard:
        value = policy.option("send_wildcard") or policy.option("supports_credentials")
        checks.append(
            LibraryCheck(
                "ValueError at startup",
                "credentials",
                "origins `*` with send_wildcard=True and supports_credentials=True is refused by "
                f"{errors.display}; {where}",
                value.location if value is not None else policy.location,
            )
        )
    return tuple(checks)


STARTUP_ERRORS = StartupErrors(
    display="Flask-CORS",
    regex_options=("origins", "allow_headers", "resources"),
    looks_like_regex=probably_regex,
    option=_option,
    regex_error="ValueError at startup",
    regex_use="compiles it",
    regex_effect=None,
)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """The ValueErrors `CORS(app, ...)` / the first request through `@cross_origin` raise."""
    return startup_errors(policy, STARTUP_ERRORS)


FRAMEWORK = Framework(
    name="flask_cors",
    display="Flask-CORS",
    respond=respond,
    roles={
        "origins": ("origins",),
        "credentials": ("supports_credentials",),
        "methods": ("methods",),
        "headers": ("allow_headers",),
        "expose": ("expose_headers",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    answers=answers_path,
    library_checks=library_checks,
    responder=responder,
    unread_options="options passed as `**kwargs` or loaded into the app config (`CORS_*`)",
)
