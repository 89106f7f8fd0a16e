"""Litestar ``CORSConfig`` passed to ``Litestar(cors_config=...)`` (measured on litestar 2.25.0).

The model follows the library's internal ``CORSMiddleware`` step by step, on the option
values as written (docs/semantics/litestar.md). Two behaviours differ from Starlette's:
with ``"*"`` and credentials, the caller's Origin is reflected only when the request
carries a Cookie (a credentialed browser request is assumed to carry one), and every
OPTIONS request with an Origin is answered by the middleware, 204 or 400.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, UnresolvedValueError, Value

DEFAULT_ALLOWED_HEADERS = frozenset({"Accept", "Accept-Language", "Content-Language", "Content-Type"})
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
DEFAULTS: dict[str, Any] = {
    "allow_origins": ("*",),
    "allow_methods": ("*",),
    "allow_headers": ("*",),
    "allow_credentials": False,
    "allow_origin_regex": None,
    "expose_headers": (),
    "max_age": 600,
}


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    plain = DEFAULTS[name] if value is None else value.plain()
    if name == "allow_headers":  # CORSConfig.__post_init__ lower-cases them (a string: its characters)
        return tuple(header.lower() for header in plain)
    return plain


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _origins_pattern(options: Options) -> str:
    """CORSConfig.allowed_origins_regex: each entry escaped, its `*` turned into `.*`."""
    parts = [".*".join(re.escape(part) for part in origin.split("*")) for origin in options["allow_origins"]]
    if options["allow_origin_regex"]:
        parts.append(options["allow_origin_regex"])
    return "|".join(parts)


def _is_allowed(options: Options, origin: str) -> bool:
    if "*" in options["allow_origins"]:
        return True
    return bool(bounded_regex.fullmatch(options.once("pattern", _origins_pattern), origin))


def _compiles(options: Options) -> bool:
    try:
        re.compile(options.once("pattern", _origins_pattern))
    except re.error:
        return False
    return True


def _respond(options: Options, request: Request) -> Response:
    origin = request.origin
    if not origin:
        return Response(None)
    if "*" not in options["allow_origins"] and not options.once("compiles", _compiles):
        return Response(500)  # re.error raised while the middleware answers
    if request.method == "OPTIONS":
        return _preflight(options, request, origin)
    allow_all_origins = "*" in options["allow_origins"]
    headers = HeaderList()
    if allow_all_origins:
        headers.set("Access-Control-Allow-Origin", "*")
    if options["allow_credentials"]:
        headers.set("Access-Control-Allow-Credentials", "true")
    if options["expose_headers"]:
        headers.set("Access-Control-Expose-Headers", ", ".join(sorted(set(options["expose_headers"]))))
    has_cookie = request.credentials or request.header("cookie") is not None
    if (allow_all_origins and has_cookie) or (not allow_all_origins and _is_allowed(options, origin)):
        headers.set("Access-Control-Allow-Origin", origin)
        headers.set("Vary", "Origin")
    headers.set("Access-Control-Allow-Headers", ", ".join(sorted(set(options["allow_headers"]))))
    headers.set("Access-Control-Allow-Methods", ", ".join(sorted(set(options["allow_methods"]))))
    return headers.response(None)


def _preflight(options: Options, request: Request, origin: str) -> Response:
    allow_methods = options["allow_methods"]
    allow_headers = options["allow_headers"]
    allow_all_origins = "*" in options["allow_origins"]
    allow_all_headers = "*" in allow_headers
    failed = False
    method = request.header("access-control-request-method")
    if "*" not in allow_methods and method and method not in allow_methods:
        failed = True
    headers = HeaderList()
    headers.set("Access-Control-Max-Age", str(options["max_age"]))
    if allow_all_origins:
        headers.set("Access-Control-Allow-Origin", "*")
    else:
        headers.set("Vary", "Origin")
    if options["allow_credentials"]:
        headers.set("Access-Control-Allow-Credentials", str(options["allow_credentials"]).lower())
    if not allow_all_headers:
        headers.set(
            "Access-Control-Allow-Headers", ", ".join(sorted(set(allow_headers) | DEFAULT_ALLOWED_HEADERS))
        )
    if allow_methods:
        methods = ALL_METHODS if "*" in allow_methods else sorted(set(allow_methods))
        headers.set("Access-Control-Allow-Methods", ", ".join(methods))
    if not _is_allowed(options, origin):
        failed = True
    elif not allow_all_origins:
        headers.set("Access-Control-Allow-Origin", origin)
    requested = [
        h.strip() for h in (request.header("access-control-request-headers") or "").split(",") if h.strip()
    ]
    if requested:
        if allow_all_headers:
            headers.set(
                "Access-Control-Allow-Headers", ", ".join(sorted(set(requested) | DEFAULT_ALLOWED_HEADERS))
            )
        else:
            allowed = set(allow_headers) | {name.lower() for name in DEFAULT_ALLOWED_HEADERS}
            if any(header.lower() not in allowed for header in requested):
                failed = True
    if failed:
        return Response(400)  # "Disallowed CORS ...", without any CORS header
    return headers.response(204)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    origins = policy.option("allow_origins")
    if origins is not None and origins.known and not isinstance(origins.raw, str):
        for entry in origins.entries:
            glob = (
                entry.known and isinstance(entry.raw, str) and "*" in entry.raw and entry.raw.strip() != "*"
            )
            entries.append(OriginEntry(entry, "regex" if glob else "literal"))
    regex = policy.option("allow_origin_regex")
    if regex is not None and regex.known and isinstance(regex.raw, str) and regex.raw:
        entries.append(OriginEntry(regex, "regex"))
    return tuple(entries)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    checks: list[LibraryCheck] = []
    origins = policy.option("allow_origins")
    if origins is not None and origins.known and isinstance(origins.raw, str) and origins.raw != "*":
        checks.append(
            LibraryCheck(
                "plain string",
                "origins",
                "allow_origins is a plain string: CORSConfig reads it character by character, so "
                "no origin is ever allowed (write a list)",
                origins.location,
            )
        )
    if _origins_unknown_or_wildcard(origins):
        return tuple(checks)  # `*` allows every origin before the pattern is ever compiled
    regex = policy.option("allow_origin_regex")
    if regex is None or not regex.known or not isinstance(regex.raw, str):
        return tuple(checks)
    try:
        re.compile(regex.raw)
    except re.error as error:
        checks.append(
            LibraryCheck(
                "re.error on the first cross-origin request",
                "origins",
                f"allow_origin_regex is not a valid regular expression ({error}); "
                "every request with an Origin header fails with HTTP 500",
                regex.location,
            )
        )
    return tuple(checks)


def _origins_unknown_or_wildcard(origins: Value | None) -> bool:
    if origins is None:
        return True  # the default, ["*"]
    try:
        return "*" in origins.plain()
    except UnresolvedValueError:
        return True


FRAMEWORK = Framework(
    name="litestar",
    display="Litestar CORSConfig",
    respond=respond,
    roles={
        "origins": ("allow_origins", "allow_origin_regex"),
        "credentials": ("allow_credentials",),
        "methods": ("allow_methods",),
        "headers": ("allow_headers",),
        "expose": ("expose_headers",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    responder=responder,
)
