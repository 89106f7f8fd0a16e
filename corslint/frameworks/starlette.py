"""Starlette / FastAPI ``CORSMiddleware`` (measured on starlette 1.10.0).

The model follows the library's data flow step by step, on the option values exactly
as written: a plain string where a list was meant keeps Python's ``in`` substring test
and ``", ".join`` over characters, as the real middleware does.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = {"Accept", "Accept-Language", "Content-Language", "Content-Type"}
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
DEFAULTS: dict[str, Any] = {
    "allow_origins": (),
    "allow_methods": ("GET",),
    "allow_headers": (),
    "allow_credentials": False,
    "allow_origin_regex": None,
    "allow_private_network": False,
    "expose_headers": (),
    "max_age": 600,
}


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    return DEFAULTS[name] if value is None else value.plain()


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _respond(options: Options, request: Request) -> Response:
    allow_origins = options["allow_origins"]
    allow_methods = options["allow_methods"]
    allow_headers_option = options["allow_headers"]
    allow_credentials = options["allow_credentials"]
    regex = options["allow_origin_regex"]
    expose_headers = options["expose_headers"]

    if "*" in allow_methods:
        allow_methods = ALL_METHODS
    allow_all_origins = "*" in allow_origins
    allow_all_headers = "*" in allow_headers_option
    explicit_origin = not allow_all_origins or allow_credentials

    def is_allowed(origin: str) -> bool:
        if allow_all_origins:
            return True
        if regex is not None and bounded_regex.fullmatch(regex, origin):
            return True
        return origin in allow_origins

    if request.is_preflight:
        assert request.origin is not None
        headers = HeaderList()
        headers.set("Vary", PREFLIGHT_VARY)
        if not explicit_origin:
            headers.set("Access-Control-Allow-Origin", "*")
        headers.set("Access-Control-Allow-Methods", ", ".join(allow_methods))
        headers.set("Access-Control-Max-Age", str(options["max_age"]))
        merged_headers = sorted(SAFELISTED_HEADERS | set(allow_headers_option))
        if merged_headers and not allow_all_headers:
            headers.set("Access-Control-Allow-Headers", ", ".join(merged_headers))
        if allow_credentials:
            headers.set("Access-Control-Allow-Credentials", "true")

        failed = False
        if is_allowed(request.origin):
            if explicit_origin:
                headers.set("Access-Control-Allow-Origin", request.origin)
        else:
            failed = True
        if request.header("access-control-request-method") not in allow_methods:
            failed = True
        requested = request.header("access-control-request-headers")
        if allow_all_headers and requested is not None:
            headers.set("Access-Control-Allow-Headers", requested)
        elif requested is not None:
            allowed_lower = [h.lower() for h in merged_headers]
            if any(h.lower().strip() not in allowed_lower for h in requested.split(",")):
                failed = True
        if request.header("access-control-request-private-network") is not None:
            if options["allow_private_network"]:
                headers.set("Access-Control-Allow-Private-Network", "true")
            else:
                failed = True
        return headers.response(400 if failed else 200)

    headers = HeaderList()
    origin = request.origin
    if origin is not None:
        if allow_all_origins:
            headers.set("Access-Control-Allow-Origin", "*")
        if allow_credentials:
            headers.set("Access-Control-Allow-Credentials", "true")
        if expose_headers:
            headers.set("Access-Control-Expose-Headers", ", ".join(expose_headers))
    if origin is not None and (
        (allow_all_origins and allow_credentials) or (not allow_all_origins and is_allowed(origin))
    ):
        headers.set("Access-Control-Allow-Origin", origin)
    headers.set("Vary", "Origin")
    return headers.response(None)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    origins = policy.option("allow_origins")
    if origins is not None and origins.known:
        if isinstance(origins.raw, str):
            entries.append(OriginEntry(origins, "substring"))
        else:
            entries.extend(OriginEntry(entry, "literal") for entry in origins.entries)
    regex = policy.option("allow_origin_regex")
    if regex is not None and regex.known and isinstance(regex.raw, str):
        entries.append(OriginEntry(regex, "regex"))
    return tuple(entries)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    regex = policy.option("allow_origin_regex")
    if regex is None or not regex.known or not isinstance(regex.raw, str):
        return ()
    try:
        re.compile(regex.raw)
    except re.error as error:
        return (
            LibraryCheck(
                "re.error at startup",
                "origins",
                f"allow_origin_regex is not a valid regular expression ({error}); "
                "the application fails to start",
                regex.location,
            ),
        )
    return ()


FRAMEWORK = Framework(
    name="starlette",
    display="Starlette CORSMiddleware",
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
    origins_required=True,
    responder=responder,
)
