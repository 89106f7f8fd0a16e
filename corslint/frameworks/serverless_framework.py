"""The Serverless Framework's `cors` settings in ``serverless.yml`` (AWS API Gateway).

Read from the framework's own source (serverless v3.39.0; the same in v4,
docs/semantics/serverless-framework.md quotes the lines):

- ``serverless_rest``: ``functions.<f>.events[].http.cors`` (a REST API). The framework
  adds an ``OPTIONS`` method to the path, a MOCK integration answering 200 with
  ``Access-Control-Allow-Origin: <origin>`` (default ``*``), ``-Allow-Headers`` (the
  default list below, joined with ``,``), ``-Allow-Methods`` (``OPTIONS`` and the methods
  of the path's events; ``ANY`` becomes ``DELETE,GET,HEAD,PATCH,POST,PUT``), and
  ``-Allow-Credentials`` / ``-Max-Age`` / ``Cache-Control`` when set (``cors.js``). With
  an ``origins`` list the static header is the first entry and a response template
  replaces it with the request's Origin when that fully matches one entry, read as a Java
  regex with ``.`` escaped and the first ``*`` made ``.+``. The other methods' responses
  come from the Lambda (proxy integration): the model assumes the Lambda sends the same
  Allow-Origin / Allow-Credentials as the preflight, what the framework's docs tell it to
  do (the handler's own headers are judged where corslint reads the handler).
- ``serverless_http_api``: ``provider.httpApi.cors`` (an HTTP API). API Gateway itself
  answers preflights and adds the configured headers to every response for an allowed
  Origin, ignoring the integration's own CORS headers. ``cors: true`` is ``allowedOrigins:
  ['*']``, the default header list, and the methods of the routes (``http-api.js``).
"""

from __future__ import annotations

import re
from typing import Any

from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex, Value

DEFAULT_HEADERS = (
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
    "X-Amzn-Trace-Id",
)
ANY_METHODS = "DELETE,GET,HEAD,PATCH,POST,PUT"
PREFLIGHT_STATUS = 200  # the MOCK integration's `{statusCode:200}`
HTTP_API_PREFLIGHT_STATUS = 204


def _text(value: Any) -> str:
    """How a YAML scalar lands in a template string (`'${value}'`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):  # `origin: [a, b]`: the template string joins it with ","
        return ",".join(_text(item) for item in value)
    return str(value)


def origin_glob_regex(entry: str) -> str:
    """cors.js `regexifyWildcards`: `.` escaped, the *first* `*` made `.+`."""
    return entry.replace(".", "[.]").replace("*", ".+", 1)


def _rest_origins(policy: CorsPolicy) -> tuple[str, tuple[str, ...]]:
    """The static Allow-Origin, and the entries of the response template (may be empty)."""
    origins = tuple(_text(item) for item in policy.plain_option("origins", ()) or ())
    origin = policy.plain_option("origin")
    if isinstance(origin, str) and "," in origin:
        origins = tuple(part.strip() for part in origin.split(","))
    if origins:
        return origins[0], origins
    return _text("*" if origin is None else origin), ()


def _rest_allow_origin(policy: CorsPolicy, request: Request) -> str:
    static, origins = _rest_origins(policy)
    sent = request.origin or ""
    for entry in origins:
        if re.fullmatch(origin_glob_regex(entry), sent):
            return sent
    return static


def respond_rest(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    credentials = bool(policy.plain_option("allowCredentials", False))
    if request.method.upper() == "OPTIONS":
        headers.set("Access-Control-Allow-Origin", _rest_allow_origin(policy, request))
        headers.set(
            "Access-Control-Allow-Headers",
            ",".join(_text(h) for h in policy.plain_option("headers", DEFAULT_HEADERS)),
        )
        methods = ",".join(_text(m) for m in policy.plain_option("methods", ("OPTIONS",)))
        headers.set("Access-Control-Allow-Methods", methods.replace("ANY", ANY_METHODS, 1))
        if credentials:
            headers.set("Access-Control-Allow-Credentials", "true")
        max_age = policy.plain_option("maxAge")
        if max_age:
            headers.set("Access-Control-Max-Age", _text(max_age))
        cache_control = policy.plain_option("cacheControl")
        if cache_control:
            headers.set("Cache-Control", _text(cache_control))
        return headers.response(PREFLIGHT_STATUS)
    # the Lambda's answer, modelled as agreeing with the preflight (see the module's docstring),
    # unless its source in the project never mentions CORS (extractors' handler_files)
    sends = policy.option("lambda_sends_cors")
    if sends is not None and sends.known and sends.raw is False:
        return headers.response(None)
    allow_origin = _rest_allow_origin(policy, request)
    headers.set("Access-Control-Allow-Origin", allow_origin)
    if credentials:
        headers.set("Access-Control-Allow-Credentials", "true")
    if _rest_origins(policy)[1]:
        headers.set("Vary", "Origin")
    return headers.response(None)


def rest_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    for name in ("origins", "origin"):
        value = policy.option(name)
        if value is None:
            continue
        for item in value.entries:
            if name == "origin" and item.known and item.raw == "*":
                continue  # the whole value, not an entry: any origin (CORS105 judges it)
            if item.known and isinstance(item.raw, str) and "*" in item.raw:
                regex = Value(Regex(origin_glob_regex(item.raw)), item.location, item.provenance)
                entries.append(OriginEntry(regex, "regex"))
            else:
                entries.append(OriginEntry(item, "literal"))
    return tuple(entries)


def _http_api_allows(origins: tuple[str, ...], origin: str | None) -> str | None:
    """The Allow-Origin API Gateway sends to `origin`, or None."""
    if origin is None:
        return None
    if "*" in origins:
        return "*"
    return origin if origin in origins else None


def respond_http_api(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    origins = tuple(_text(o) for o in policy.plain_option("allowedOrigins", ("*",)))
    allow_origin = _http_api_allows(origins, request.origin)
    credentials = bool(policy.plain_option("allowCredentials", False))
    if allow_origin is not None:
        headers.set("Access-Control-Allow-Origin", allow_origin)
        if credentials:
            headers.set("Access-Control-Allow-Credentials", "true")
        if allow_origin != "*":
            headers.set("Vary", "Origin")
    if request.is_preflight:
        if allow_origin is not None:
            methods = policy.plain_option("allowedMethods", ("OPTIONS",))
            headers.set("Access-Control-Allow-Methods", ",".join(_text(m) for m in methods))
            allowed = policy.plain_option("allowedHeaders", DEFAULT_HEADERS)
            headers.set("Access-Control-Allow-Headers", ",".join(_text(h) for h in allowed))
            max_age = policy.plain_option("maxAge")
            if max_age is not None:
                headers.set("Access-Control-Max-Age", _text(max_age))
        return headers.response(HTTP_API_PREFLIGHT_STATUS)
    if allow_origin is not None:
        exposed = policy.plain_option("exposedResponseHeaders")
        if exposed:
            headers.set("Access-Control-Expose-Headers", ",".join(_text(h) for h in exposed))
    return headers.response(None)


def http_api_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("allowedOrigins")
    if value is None:
        return ()
    return tuple(
        OriginEntry(item, "literal") for item in value.entries if not (item.known and item.raw == "*")
    )


FRAMEWORKS = (
    Framework(
        name="serverless_rest",
        display="The Serverless Framework's `cors` on this http event (API Gateway REST API)",
        respond=respond_rest,
        roles={
            "origins": ("origins", "origin"),
            "credentials": ("allowCredentials",),
            "methods": ("methods",),
            "headers": ("headers",),
            "max_age": ("maxAge",),
        },
        origin_entries=rest_origin_entries,
        unread_options="the cors settings of this http event",
    ),
    Framework(
        name="serverless_http_api",
        display="The Serverless Framework's `provider.httpApi.cors` (API Gateway HTTP API)",
        respond=respond_http_api,
        roles={
            "origins": ("allowedOrigins",),
            "credentials": ("allowCredentials",),
            "methods": ("allowedMethods",),
            "headers": ("allowedHeaders",),
            "expose": ("exposedResponseHeaders",),
            "max_age": ("maxAge",),
        },
        origin_entries=http_api_origin_entries,
        unread_options="the httpApi cors settings",
    ),
)
