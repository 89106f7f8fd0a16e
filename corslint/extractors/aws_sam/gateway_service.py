"""An AWS SAM template read for API Gateway's own OPTIONS answer to a Lambda handler
(serverless_framework/gateway_options.py), into the same `Service` a serverless.yml makes.

SAM adds an OPTIONS method to a REST API only for ``Cors`` (the API's own or ``Globals:
Api: Cors``; AWS SAM, "AWS::Serverless::Api", ``Cors``: "Manage cross-origin resource
sharing (CORS) for all your API Gateway APIs"), and configures an HTTP API's CORS only for
``CorsConfiguration``. Without them:

- ``Api`` events (REST): the resource has no OPTIONS method, and API Gateway answers a
  method that does not exist ``403 {"message":"Missing Authentication Token"}``.
- ``HttpApi`` events: a route is a method and a path; without a CORS configuration an
  OPTIONS request goes to a route that matches it, else API Gateway answers ``404``
  (AWS, "Configure CORS for HTTP APIs",
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html). An
  event without ``Path`` / ``Method`` is SAM's catch-all route (``$default``), ``ANY`` and
  ``{proxy+}`` take OPTIONS too: OPTIONS then reaches the Lambda, whose own answer counts.

Only where every link is read: a template of its own (``AWSTemplateFormatVersion`` /
``AWS::Serverless``), no ``AWS::ApiGateway`` / ``AWS::ApiGatewayV2`` resource, no include
(``AWS::Include``, ``Fn::Transform``), no nested application; every ``AWS::Serverless::Api``
/ ``HttpApi`` without ``Cors`` / ``CorsConfiguration``, ``DefinitionBody`` / ``DefinitionUri``
(an OpenAPI document may add OPTIONS) and ``GatewayResponses`` (they may change the 403),
nor any of them in ``Globals``; each event's API one of those. A function's source is
``CodeUri`` + ``Handler`` (``src/`` + ``app.handler`` -> ``src/app.{js,mjs,ts,py}``);
one not in the project (an image, ``InlineCode``, an S3 ``CodeUri``) is no handler here.
"""

from __future__ import annotations

import os

from corslint.extractors.serverless_framework.service_routes import (
    MAX_BYTES,
    Event,
    Function,
    Service,
    checked_events,
    real_source,
)
from corslint.extractors.serverless_framework.yaml_document import lookup, read_document
from corslint.model import SourceError, Value

TEMPLATE_NAMES = ("template.yaml", "template.yml")
_API_TYPES = {"AWS::Serverless::Api": "Cors", "AWS::Serverless::HttpApi": "CorsConfiguration"}
_API_OPTIONS = ("DefinitionBody", "DefinitionUri", "GatewayResponses")
_REFUSED_TEXT = ("AWS::ApiGateway", "AWS::Include", "Fn::Transform", "AWS::Serverless::Application")


def is_sam_template(path: str) -> bool:
    """Whether `path` is a SAM template (read again, whole, by `read_sam_service`)."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            return False
        with open(path, "rb") as file:
            return b"AWS::Serverless" in file.read()
    except OSError:
        return False


def _text(value: Value | None) -> str | None:
    return value.raw if value is not None and value.known and isinstance(value.raw, str) else None


def _referenced(value: Value) -> str | None:
    """The logical id in `!Ref X` or `{Ref: X}`."""
    if not value.known:
        description = value.description or ""
        return description[5:].strip() if description.startswith("!Ref ") else None
    if isinstance(value.raw, dict) and set(value.raw) == {"Ref"}:
        return _text(value.raw["Ref"])
    return None


def _apis_without_cors(root: Value, resources: dict[str, Value]) -> dict[str, str] | None:
    """The logical id and type of each API resource; None when one of them (or Globals)
    may answer OPTIONS or change API Gateway's own answer."""
    for section, cors in (("Api", "Cors"), ("HttpApi", "CorsConfiguration")):
        settings = lookup(root, f"Globals.{section}")
        if settings is not None and (
            not settings.known
            or not isinstance(settings.raw, dict)
            or any(key in settings.raw for key in (cors, *_API_OPTIONS))
        ):
            return None
    apis: dict[str, str] = {}
    for name, resource in resources.items():
        kind = _text(lookup(resource, "Type"))
        if kind not in _API_TYPES:
            continue
        properties = lookup(resource, "Properties")
        if properties is not None and (
            not properties.known
            or not isinstance(properties.raw, dict)
            or any(key in properties.raw for key in (_API_TYPES[kind], *_API_OPTIONS))
        ):
            return None
        apis[name] = kind
    return apis


def _event(event: Value, apis: dict[str, str]) -> Event | None:
    """One event of a function; None when not plainly read or its API is not one of `apis`."""
    kind = _text(lookup(event, "Type"))
    if kind is None:
        return None
    if kind not in ("Api", "HttpApi"):
        return Event("", "", "", False, event.location)
    properties = lookup(event, "Properties")
    if properties is None:
        properties = Value({}, event.location)
    if not properties.known or not isinstance(properties.raw, dict):
        return None
    key, api_type = (
        ("RestApiId", "AWS::Serverless::Api") if kind == "Api" else ("ApiId", "AWS::Serverless::HttpApi")
    )
    api = properties.raw.get(key)
    if api is not None and apis.get(_referenced(api) or "") != api_type:
        return None  # an API made elsewhere (or not read)
    path, method = properties.raw.get("Path"), properties.raw.get("Method")
    if path is None and method is None and kind == "HttpApi":
        return Event("httpApi", "$DEFAULT", "$default", False, properties.location)  # the catch-all
    if _text(path) is None or _text(method) is None:
        return None
    return Event(
        "http" if kind == "Api" else "httpApi",
        str(_text(method)).upper(),
        str(_text(path)),
        False,
        properties.location,
    )


def _function(resource: Value, root: Value, apis: dict[str, str], template_dir: str) -> Function | None:
    properties = lookup(resource, "Properties")
    if properties is None or not properties.known or not isinstance(properties.raw, dict):
        return None
    code = properties.raw.get("CodeUri") or lookup(root, "Globals.Function.CodeUri")
    handler = properties.raw.get("Handler") or lookup(root, "Globals.Function.Handler")
    source = None
    local = _text(code) is not None and "://" not in str(_text(code))
    if local and _text(handler) is not None and "InlineCode" not in properties.raw:
        source = real_source(os.path.join(template_dir, str(_text(code))), str(_text(handler)))
    events = properties.raw.get("Events")
    if events is None:
        return Function(source, ())
    if not events.known or not isinstance(events.raw, dict):
        return None
    found: list[Event] = []
    for event in events.raw.values():
        read = _event(event, apis)
        if read is None:
            return None
        found.append(read)
    checked = checked_events(found)
    return Function(source, checked) if checked is not None else None


def read_sam_service(template: str) -> Service | None:
    """The functions and routes `template` deploys; None when any answer would be unknown."""
    try:
        if os.path.getsize(template) > MAX_BYTES:
            return None
        with open(template, encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:
        return None
    if "AWS::Serverless" not in text or any(refused in text for refused in _REFUSED_TEXT):
        return None
    try:
        root = read_document(template, text)
    except SourceError:
        return None
    resources = lookup(root, "Resources") if root is not None else None
    if root is None or resources is None or not resources.known or not isinstance(resources.raw, dict):
        return None
    apis = _apis_without_cors(root, resources.raw)
    if apis is None:
        return None
    functions: list[Function] = []
    for resource in resources.raw.values():
        kind = _text(lookup(resource, "Type"))
        if kind is None:
            return None  # a resource whose type is not read
        if kind == "AWS::Serverless::StateMachine" and lookup(resource, "Properties.Events") is not None:
            return None  # its Api events are routes too
        if kind != "AWS::Serverless::Function":
            continue
        function = _function(resource, root, apis, os.path.dirname(template))
        if function is None:
            return None
        functions.append(function)
    return Service(template, tuple(functions), len(text), "sam")
