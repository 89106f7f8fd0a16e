"""AWS SAM templates (``template.yaml``): the CORS API Gateway gets from the SAM translator.

Read from aws-sam-translator's source (1.115.0; tests/test_differential_aws_sam.py runs it):

- ``aws_sam_rest``: ``Cors`` of an ``AWS::Serverless::Api`` (or ``Globals: Api: Cors``, which
  also covers the implicit API of events without ``RestApiId``). A string is ``AllowOrigin``
  alone. Every value is an API Gateway mapping expression, a literal in single quotes
  (``"'GET,POST'"``). ``swagger.py`` ``add_cors`` adds to every path without its own
  ``OPTIONS`` a MOCK integration answering 200 with ``Access-Control-Allow-Origin`` (default
  ``'*'``: one static value for every caller, never the request's Origin), and only when
  set ``-Allow-Headers`` (absent: every non-safelisted request header fails the preflight)
  and ``-Max-Age``; ``-Allow-Methods`` is ``AllowMethods``, or the path's own methods plus
  ``OPTIONS`` sorted (``ANY``: all seven); ``-Allow-Credentials: true`` only when
  ``AllowCredentials`` is the boolean ``true`` (a string such as ``"'true'"`` sends nothing).
  ``AllowCredentials: true`` with ``AllowOrigin: "'*'"`` is refused by the translator
  (``api_generator.py``). The other methods' responses come from the Lambda (proxy
  integration): as for the Serverless Framework, the model assumes the Lambda sends the
  same Allow-Origin / Allow-Credentials as the preflight, unless its source in the project
  never mentions CORS.
- ``aws_sam_http_api``: ``CorsConfiguration`` of an ``AWS::Serverless::HttpApi`` (or
  ``Globals: HttpApi``): copied into ``x-amazon-apigateway-cors`` (``open_api.py``), after
  which API Gateway answers preflights and adds the headers itself, as for the Serverless
  Framework's ``provider.httpApi.cors`` (its model is reused). ``true`` is ``AllowOrigins:
  ['*']`` and nothing else: no request header is allowed unless listed. Without
  ``AllowMethods`` the model allows the routes' methods (API Gateway's answer then is not
  documented: no CORS202 on a guess).
- ``aws_sam_function_url``: ``FunctionUrlConfig.Cors`` of a function (or ``Cors`` of an
  ``AWS::Lambda::Url``), passed through unchanged; Lambda answers preflights and adds the
  headers itself, with the same keys and, as modelled here, the HTTP API's behaviour (not
  run against AWS: the origin rules are what is judged with confidence).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from corslint.frameworks.framework import Framework, OriginEntry
from corslint.frameworks.serverless_framework import respond_http_api as respond_serverless_http_api
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Value

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")  # base_editor.py, sorted
# the rules probe one path; with the default Allow-Methods, which differs per path, they ask
# about a path the template does not have (see `_allow_methods`)
PROBE_PATH = "/corslint-probe"
PREFLIGHT_STATUS = 200  # the MOCK integration's `{"statusCode": 200}`
_QUOTED = re.compile(r"^'(.*)'$", re.DOTALL)
_HTTP_API_NAMES = {
    "AllowOrigins": "allowedOrigins",
    "AllowHeaders": "allowedHeaders",
    "AllowMethods": "allowedMethods",
    "ExposeHeaders": "exposedResponseHeaders",
    "MaxAge": "maxAge",
    "AllowCredentials": "allowCredentials",
}


def mapping_literal(raw: Any) -> str:
    """The header value API Gateway sends for a response-parameter value: a quoted literal
    is its content (`"'*'"` -> `*`); a list (a settled stand-in) is joined with ","."""
    if isinstance(raw, tuple):
        return ",".join(mapping_literal(item) for item in raw)
    if isinstance(raw, bool):
        return "true" if raw else "false"
    text = str(raw)
    quoted = _QUOTED.match(text.strip())
    return quoted.group(1) if quoted else text


def path_pattern(template_path: str) -> str:
    """A SAM path (`/users/{id}`, `/{proxy+}`) as a regex over request paths."""
    parts = re.split(r"(\{[^}]*\})", template_path.rstrip("/") or "/")
    pattern = "".join(
        (".+" if part.endswith("+}") else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return pattern + "/?"


def _allow_methods(policy: CorsPolicy, request: Request) -> str:
    configured = policy.plain_option("AllowMethods")
    if configured is not None and configured != "":
        return mapping_literal(configured)
    per_path: dict[str, Any] = policy.plain_option("path_methods") or {}
    for path, methods in per_path.items():
        if re.fullmatch(path_pattern(path), request.path):
            return ",".join(methods)
    # a request to no path of the template (the rules' probe, PROBE_PATH): every path's
    # methods, as each route's preflight allows at least its own method
    merged = {method for methods in per_path.values() for method in methods} | {"OPTIONS"}
    return ",".join(sorted(merged))


def _refused(policy: CorsPolicy) -> bool:
    """The translator refuses the template (an unknown `Cors` key): nothing is deployed."""
    refused = policy.option("refused_by_translator")
    return refused is not None and refused.known and refused.raw is True


def respond_rest(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    if _refused(policy):
        return headers.response(None)
    origin = mapping_literal(policy.plain_option("AllowOrigin") or "'*'")
    credentials = policy.plain_option("AllowCredentials") is True
    if request.method.upper() == "OPTIONS":
        headers.set("Access-Control-Allow-Origin", origin)
        allowed_headers = policy.plain_option("AllowHeaders")
        if allowed_headers:
            headers.set("Access-Control-Allow-Headers", mapping_literal(allowed_headers))
        headers.set("Access-Control-Allow-Methods", _allow_methods(policy, request))
        max_age = policy.plain_option("MaxAge")
        if max_age is not None:
            headers.set("Access-Control-Max-Age", mapping_literal(max_age))
        if credentials:
            headers.set("Access-Control-Allow-Credentials", "true")
        return headers.response(PREFLIGHT_STATUS)
    # the Lambda's answer, modelled as agreeing with the preflight (see the module's docstring)
    sends = policy.option("lambda_sends_cors")
    if sends is not None and sends.known and sends.raw is False:
        return headers.response(None)
    headers.set("Access-Control-Allow-Origin", origin)
    if credentials:
        headers.set("Access-Control-Allow-Credentials", "true")
    return headers.response(None)


def rest_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("AllowOrigin")
    if value is None or any(not item.known for item in value.walk()):
        return ()
    literal = mapping_literal(value.plain())
    if literal == "*":
        return ()  # any origin (CORS105 judges it)
    return (OriginEntry(Value(literal, value.location, value.provenance), "literal"),)


def _as_http_api(policy: CorsPolicy) -> CorsPolicy:
    options = {_HTTP_API_NAMES.get(name, name): value for name, value in policy.options.items()}
    credentials = options.get("allowCredentials")
    if credentials is not None and credentials.known and credentials.raw is not True:
        options["allowCredentials"] = Value(False, credentials.location)  # only `true` is sent
    where = policy.location
    if "allowedHeaders" not in options:  # SAM adds no default list, unlike the Serverless Framework
        options["allowedHeaders"] = Value((), where)
    if "allowedMethods" not in options:
        # what API Gateway allows without `allowMethods` is not documented: the model lets
        # each route's own method pass rather than guess a failure
        methods = {m for route in policy.routes or () for m in route.methods} or set(ALL_METHODS)
        options["allowedMethods"] = Value(
            tuple(Value(m, where) for m in sorted(methods | {"OPTIONS"})), where
        )
    return dataclasses.replace(policy, options=options)


def respond_http_api(policy: CorsPolicy, request: Request) -> Response:
    if _refused(policy):
        return HeaderList().response(None)
    return respond_serverless_http_api(_as_http_api(policy), request)


def http_api_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("AllowOrigins")
    if value is None or not value.known or not isinstance(value.raw, tuple):
        return ()
    return tuple(OriginEntry(item, "literal") for item in value.raw if not (item.known and item.raw == "*"))


_HTTP_API = Framework(
    name="aws_sam_http_api",
    display="AWS SAM `CorsConfiguration` on an API Gateway HTTP API (AWS::Serverless::HttpApi)",
    respond=respond_http_api,
    roles={
        "origins": ("AllowOrigins",),
        "credentials": ("AllowCredentials",),
        "methods": ("AllowMethods",),
        "headers": ("AllowHeaders",),
        "expose": ("ExposeHeaders",),
        "max_age": ("MaxAge",),
    },
    origin_entries=http_api_origin_entries,
    unread_options="the CorsConfiguration of this AWS SAM HTTP API",
)

FRAMEWORKS = (
    Framework(
        name="aws_sam_rest",
        display="AWS SAM `Cors` on an API Gateway REST API (AWS::Serverless::Api)",
        respond=respond_rest,
        roles={
            "origins": ("AllowOrigin",),
            "credentials": ("AllowCredentials",),
            "methods": ("AllowMethods",),
            "headers": ("AllowHeaders",),
            "max_age": ("MaxAge",),
        },
        origin_entries=rest_origin_entries,
        unread_options="the Cors settings of this AWS SAM API",
    ),
    _HTTP_API,
    # a function URL's Cors has the HTTP API's fields and answers as it does
    dataclasses.replace(
        _HTTP_API,
        name="aws_sam_function_url",
        display="AWS SAM `FunctionUrlConfig.Cors` on a Lambda function URL",
        unread_options="the Cors of this Lambda function URL",
    ),
)
