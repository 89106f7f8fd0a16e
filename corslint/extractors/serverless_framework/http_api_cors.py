"""Where an API Gateway HTTP API with CORS configured replaces the CORS headers a Lambda
returns (sweep 12 Y3: aryasalona/todosls, ``provider.httpApi.cors: true`` and four handlers
in todo/*.js returning ``Access-Control-Allow-Origin: *``).

AWS HTTP API CORS documentation: "If you configure CORS for an API, API Gateway ignores
CORS headers returned from your backend integration"; it also answers every preflight
itself. The Serverless Framework (v2/v3 ``httpApi.cors``) configures the API's CORS from
``provider.httpApi.cors`` (``true``: origins ``*``; an object: its ``allowedOrigins`` ...).
The CORS answer browsers see is then the gateway's, judged from serverless.yml by its own
extraction; the Lambda's header lines change nothing.

Only for a handler file of a serverless.yml service read whole (service_routes.py, with
``provider.httpApi.cors`` set to ``true`` or an object), where every function deploying
that file is reached by ``httpApi`` events only (no REST ``http`` event, no other trigger)
and no file importing it starts a server of its own (a local copy of the API). Anything
else: None."""

from __future__ import annotations

import os
from dataclasses import replace

from corslint.extractors.context import Memo
from corslint.extractors.serverless_framework.gateway_cors import starts_a_server
from corslint.extractors.serverless_framework.gateway_options import memo_of, service_config_of
from corslint.extractors.serverless_framework.gateway_responses import GATEWAY_RESPONSE
from corslint.extractors.serverless_framework.service_routes import (
    Service,
    read_yaml_service,
    remembered_importers,
    service_from_root,
    service_text,
)
from corslint.extractors.serverless_framework.yaml_document import lookup, read_document
from corslint.model import Location, SourceError, Value


def _configured_cors(provider: Value) -> Value | None:
    """`provider.httpApi.cors` when it plainly configures CORS (`true` or an object)."""
    if not provider.known or not isinstance(provider.raw, dict):
        return None
    settings = provider.raw.get("httpApi")
    if settings is None or not settings.known or not isinstance(settings.raw, dict):
        return None
    cors: Value | None = settings.raw.get("cors")
    if cors is None or not cors.known or not (cors.raw is True or isinstance(cors.raw, dict)):
        return None
    return cors


def _without_cors(provider: Value) -> Value:
    settings = provider.raw["httpApi"]
    kept = {key: item for key, item in settings.raw.items() if key != "cors"}
    raw = dict(provider.raw)
    raw["httpApi"] = replace(settings, raw=kept)
    return replace(provider, raw=raw)


def read_http_api_service(config: str) -> tuple[Service, Location] | None:
    """The service of `config` (a serverless.yml) with `provider.httpApi.cors` configured,
    and where it is; None otherwise or when any route of it is not plainly read."""
    if (text := service_text(config)) is None:
        return None
    try:
        root = read_document(config, text)
    except SourceError:
        return None
    if root is None or not root.known or not isinstance(root.raw, dict):
        return None
    provider = lookup(root, "provider")
    if provider is None or (cors := _configured_cors(provider)) is None:
        return None
    raw = dict(root.raw)
    raw["provider"] = _without_cors(provider)
    service = service_from_root(
        config, replace(root, raw=raw), len(text), error_answers=GATEWAY_RESPONSE in text
    )
    return (service, cors.location) if service is not None else None


def _remembered(config: str, memo: Memo | None) -> tuple[Service, Location] | None:
    if memo is None:
        return read_http_api_service(config)
    return memo.remembered(
        ("serverless.http_api_cors", config),
        lambda: read_http_api_service(config),
        lambda found: found[0].size if found is not None else 0,
    )


def http_api_replaces_headers(handler_file: str, memo: Memo | None = None) -> Location | None:
    """`provider.httpApi.cors` of the service whose HTTP API replaces every CORS header the
    Lambda code of `handler_file` returns; None when not known (see the module)."""
    found = service_config_of(handler_file)
    if found is None or found[1] is not read_yaml_service:
        return None
    read = _remembered(found[0], memo)
    if read is None:
        return None
    service, at = read
    target = os.path.realpath(handler_file)
    mine = [function for function in service.functions if function.source == target]
    if not mine:
        return None
    for function in mine:
        if not function.events or any(event.kind != "httpApi" for event in function.events):
            return None
    if starts_a_server(remembered_importers(os.path.dirname(service.config), target, memo) or ()):
        return None
    return at


def replaced_by_http_api(module: object) -> bool:
    """Whether the Lambda result code of the JS `module` (its `file` and `project`) has its
    CORS headers replaced by an HTTP API's own CORS (`http_api_replaces_headers`)."""
    file = getattr(module, "file", None)
    if file is None:
        return False
    return http_api_replaces_headers(str(file), memo_of(getattr(module, "project", None))) is not None
