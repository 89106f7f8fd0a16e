"""The `falcon-cors` package: `CORS(allow_all_origins=..., ...)` applied by `cors.middleware`
(falcon-cors 1.1.7 on falcon 4.4.0; not Falcon's own `CORSMiddleware`, frameworks/falcon.py).

Read from `falcon_cors.CORS.process` and checked against it
(tests/test_differential_falcon_cors.py). It runs in `process_resource`, so only for
requests routed to a resource, before the responder (Falcon's default OPTIONS responder
answers preflights 200):

- no Origin: nothing (but `Vary: origin` first, when `allow_all_origins` is set together
  with a credentials *list or regex*: the only case it ever sends `Vary`);
- Allow-Origin: with `allow_all_origins`, the request's Origin when any credentials option
  is set, else `*`; otherwise the Origin when it is in `allow_origins_list` or
  `allow_origins_regex` matches it (`re.match`: anchored at the start only); else stop;
- simple requests: `Allow-Credentials: true` when the Origin passes a credentials option
  (`allow_credentials_all_origins`, `_origins_list`, `_origins_regex`), and each
  `expose_headers_list` entry, lower-cased;
- preflights: stop without `Access-Control-Request-Method`; Allow-Methods lists the
  resource's methods (`allow_all_methods`) or those also in `allow_methods_list`, and the
  preflight stops there unless the requested method is among them; then every requested
  header must pass (`allow_all_headers`, `allow_headers_list`, `allow_headers_regex`),
  echoed as requested, else stop; then credentials as above and `Max-Age` when truthy.
"""

from __future__ import annotations

import functools
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex

DEFAULTS: dict[str, Any] = {
    "allow_all_origins": False,
    "allow_origins_list": (),
    "allow_origins_regex": None,
    "allow_all_headers": False,
    "allow_headers_list": (),
    "allow_headers_regex": None,
    "expose_headers_list": (),
    "allow_all_methods": False,
    "allow_methods_list": (),
    "allow_credentials_all_origins": False,
    "allow_credentials_origins_list": (),
    "allow_credentials_origins_regex": None,
    "max_age": None,
}
# falcon.HTTP_METHODS order; where the resource is not known it is taken to serve these
HTTP_METHODS = ("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE")
RESOURCE_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")
CREDENTIALS = (
    "allow_credentials_all_origins",
    "allow_credentials_origins_list",
    "allow_credentials_origins_regex",
)


def _option(policy: CorsPolicy, name: str) -> Any:
    if name not in DEFAULTS:
        return None
    value = policy.option(name)
    if value is None:
        return DEFAULTS[name]
    plain = value.plain()
    if isinstance(plain, Regex):
        return plain.pattern
    return plain


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request, _resource_methods(policy))


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option), methods=_resource_methods(policy))


def _resource_methods(policy: CorsPolicy) -> tuple[str, ...]:
    if policy.routes is None:
        return RESOURCE_METHODS
    return tuple(sorted({method.upper() for route in policy.routes for method in route.methods}))


def _matches(pattern: Any, text: str) -> bool:
    return pattern is not None and bool(bounded_regex.match(pattern, text))


def _credentials(options: Options, origin: str) -> bool:
    return bool(
        options["allow_credentials_all_origins"]
        or origin in options["allow_credentials_origins_list"]
        or (
            options["allow_credentials_origins_regex"]
            and _matches(options["allow_credentials_origins_regex"], origin)
        )
    )


def _respond(options: Options, request: Request, methods: tuple[str, ...]) -> Response:
    headers = HeaderList()
    status = 200 if request.method == "OPTIONS" else None  # Falcon's default OPTIONS responder
    supports_credentials = any(options[name] for name in CREDENTIALS)
    if options["allow_all_origins"] and (
        options["allow_credentials_origins_list"] or options["allow_credentials_origins_regex"]
    ):
        headers.add("Vary", "origin")
    origin = request.origin
    if not origin:
        return headers.response(status)
    if options["allow_all_origins"]:
        headers.set("Access-Control-Allow-Origin", origin if supports_credentials else "*")
    elif origin in options["allow_origins_list"] or _matches(options["allow_origins_regex"], origin):
        headers.set("Access-Control-Allow-Origin", origin)
    else:
        return headers.response(status)
    if request.method != "OPTIONS":
        if _credentials(options, origin):
            headers.set("Access-Control-Allow-Credentials", "true")
        exposed = [str(name).lower() for name in options["expose_headers_list"]]
        if exposed:
            headers.set("Access-Control-Expose-Headers", ", ".join(exposed))
        return headers.response(status)
    requested_method = request.header("access-control-request-method")
    if not requested_method:
        return headers.response(status)
    allowed_methods = _allowed_methods(options, requested_method, methods)
    if allowed_methods is None:
        return headers.response(status)
    if allowed_methods:
        headers.set("Access-Control-Allow-Methods", ", ".join(allowed_methods))
    if requested_method not in allowed_methods:
        return headers.response(status)
    requested = [h.strip() for h in (request.header("access-control-request-headers") or "").split(",")]
    requested = [h for h in requested if h]
    if requested:
        listed = {str(name).lower() for name in options["allow_headers_list"]}
        approved = [
            h
            for h in requested
            if options["allow_all_headers"]
            or h.lower() in listed
            or (options["allow_headers_regex"] and _matches(options["allow_headers_regex"], h))
        ]
        if len(approved) != len(requested):
            return headers.response(status)
        headers.set("Access-Control-Allow-Headers", ", ".join(approved))
    if _credentials(options, origin):
        headers.set("Access-Control-Allow-Credentials", "true")
    if options["max_age"]:
        headers.set("Access-Control-Max-Age", str(options["max_age"]))
    return headers.response(status)


def _allowed_methods(options: Options, requested: str, methods: tuple[str, ...]) -> list[str] | None:
    """The Allow-Methods list, or None where none is sent and the preflight stops."""
    served = [method for method in HTTP_METHODS if method in methods]
    if options["allow_all_methods"]:
        return served
    listed = [str(method).upper() for method in options["allow_methods_list"]]
    if requested in listed:
        return [method for method in served if method in listed]
    return None


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """`allow_methods_list` is checked against `falcon.HTTP_METHODS` before it is
    upper-cased: `"get"` (or any unknown name) stops the app at startup."""
    methods = policy.option("allow_methods_list")
    if methods is None or not methods.known:
        return ()
    for entry in methods.entries:
        if entry.known and isinstance(entry.raw, str) and entry.raw not in HTTP_METHODS:
            return (
                LibraryCheck(
                    "ValueError at startup",
                    "methods",
                    f"`{entry.raw}` in allow_methods_list is not one of falcon.HTTP_METHODS (written "
                    "in capitals): CORS() raises `ValueError: Unknown methods specified for "
                    "allow_methods_list` and the app does not start",
                    entry.location,
                ),
            )
    return ()


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    listed = policy.option("allow_origins_list")
    if listed is not None:
        entries.extend(OriginEntry(item, "literal") for item in listed.entries)
    pattern = policy.option("allow_origins_regex")
    if pattern is not None and not (pattern.known and pattern.raw is None):
        entries.append(OriginEntry(pattern, "regex"))
    return tuple(entries)


FRAMEWORK = Framework(
    name="falcon_cors",
    display="falcon-cors",
    respond=respond,
    roles={
        "origins": ("allow_all_origins", "allow_origins_list", "allow_origins_regex"),
        "credentials": CREDENTIALS,
        "methods": ("allow_all_methods", "allow_methods_list"),
        "headers": ("allow_all_headers", "allow_headers_list", "allow_headers_regex"),
        "expose": ("expose_headers_list",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    unread_options="CORS() settings passed as `**kwargs`",
    responder=responder,
)
