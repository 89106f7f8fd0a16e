"""The routes a Serverless service gives its functions, read once per configuration file
for API Gateway's own OPTIONS answer (gateway_options.py).

A `Service` is what the answer needs of a configuration, whatever its format (this module
reads ``serverless.yml``; serverless_ts.py reads ``serverless.ts``): each function's
handler source and its ``http`` / ``httpApi`` events. Whatever makes every answer of the
service unknown is decided here, once: an include, API Gateway resources of its own, an
imported API, ``provider.httpApi.cors``, a plugin named for CORS, a function or event not
plainly read, a route that may pass OPTIONS to a function, ``cors`` on an ``httpApi``
event. What depends on the handler asked about (another trigger, ``cors`` on its own REST
event) is kept in the events.

Read through the context's memo (`Memo.remembered`), whose hits note the observations
made while reading: the results cache still sees the configuration and every handler
file looked for (an lru_cache would hide them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from corslint.extractors.context import Memo
from corslint.extractors.serverless_framework.gateway_responses import (
    GATEWAY_RESPONSE,
    other_gateway_resources,
)
from corslint.extractors.serverless_framework.handler_files import handler_source
from corslint.extractors.serverless_framework.helper_importers import importing_files
from corslint.extractors.serverless_framework.yaml_document import Variables, lookup, read_document
from corslint.model import Location, SourceError, Value

MAX_BYTES = 256_000
KINDS = ("http", "httpApi")


@dataclass(frozen=True)
class Event:
    """One event of a function: `kind` is `http`, `httpApi`, or "" for another trigger."""

    kind: str
    method: str
    path: str
    sets_cors: bool
    location: Location


@dataclass(frozen=True)
class Function:
    """One function of the service: its handler's source file and its HTTP events."""

    source: str | None  # the real path of the handler's source, None when not in the project
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Service:
    """A service's functions as its config file declares them (serverless.yml, serverless.ts,
    a SAM template)."""

    config: str
    functions: tuple[Function, ...]
    size: int  # for the memo's budget
    dialect: str = "serverless"  # or "sam" (aws_sam/gateway_service.py): how the answer is worded
    # `AWS::ApiGateway::GatewayResponse` resources of its own: API Gateway's error answers
    # (403/404 included) are changed, its OPTIONS mock for `cors` events is not (gateway_responses)
    error_answers: bool = False

    @property
    def handlers(self) -> set[str]:
        return {function.source for function in self.functions if function.source is not None}


def opens_options(method: str, path: str) -> bool:
    """Whether a route could take an OPTIONS request (and pass it to a function)."""
    return method in ("OPTIONS", "ANY", "*", "$DEFAULT") or "{proxy+}" in path or "$default" in path


def mocked_options(event: Event) -> bool:
    """A REST `ANY` event with `cors` (no proxy path): the Framework gives its resource an
    OPTIONS method (a MOCK, cors.js), which API Gateway picks over ANY (sweep 12 Y2)."""
    return event.kind == "http" and event.sets_cors and event.method == "ANY" and "+}" not in event.path


def checked_events(events: list[Event]) -> tuple[Event, ...] | None:
    """`events` of a function, None when one of them may pass OPTIONS to a function or
    gives an `httpApi` event `cors` (ignored by the framework: CORS303 says so)."""
    for event in events:
        if event.kind and opens_options(event.method, event.path) and not mocked_options(event):
            return None
        if event.kind == "httpApi" and event.sets_cors:
            return None
    return tuple(events)


def real_source(service_dir: str, handler: str) -> str | None:
    source = handler_source(service_dir, handler)
    return os.path.realpath(source) if source is not None else None


def _plain(value: Value | None) -> str | None:
    if value is None or not value.known or not isinstance(value.raw, str):
        return None
    return value.raw


def _event_route(body: Value) -> tuple[str, str, bool] | None:
    """(method, path, sets cors) of an `http` / `httpApi` event; None when not plainly read."""
    if not body.known:
        return None
    if isinstance(body.raw, str):
        method, _, path = body.raw.strip().partition(" ")
        return (method.upper(), path.strip(), False) if path.strip() else None
    if not isinstance(body.raw, dict):
        return None
    named, at = _plain(body.raw.get("method")), _plain(body.raw.get("path"))
    if named is None or at is None:
        return None
    cors = body.raw.get("cors")
    sets_cors = cors is not None and not (cors.known and cors.raw in (False, None))
    return named.upper(), at, sets_cors


def _source_text(value: Value) -> str:
    if not value.known:
        return ""
    if isinstance(value.raw, tuple):
        return " ".join(_source_text(item) for item in value.raw)
    if isinstance(value.raw, dict):
        return " ".join(f"{key} {_source_text(item)}" for key, item in value.raw.items())
    return str(value.raw)


def _function(function: Value, variables: Variables, service_dir: str) -> Function | None:
    if not function.known or not isinstance(function.raw, dict):
        return None
    handler_value = function.raw.get("handler")
    handler = _plain(variables.resolve(handler_value)) if handler_value is not None else None
    if handler is None:
        return None
    source = real_source(service_dir, handler)
    events = function.raw.get("events")
    if events is None:
        return Function(source, ())
    if not events.known or not isinstance(events.raw, tuple):
        return None
    found: list[Event] = []
    for event in events.raw:
        if not event.known or not isinstance(event.raw, dict) or len(event.raw) != 1:
            return None
        kind, body = next(iter(event.raw.items()))
        if kind not in KINDS:
            found.append(Event("", "", "", False, event.location))
            continue
        route = _event_route(variables.resolve(body))
        if route is None:
            return None
        found.append(Event(kind, *route, body.location))
    checked = checked_events(found)
    return Function(source, checked) if checked is not None else None


def service_text(config: str) -> str | None:
    """The text of a service's config file, None when it is too large to read or holds what
    makes every answer unknown: an include, API Gateway resources of its own other than
    gateway responses (`other_gateway_resources`)."""
    try:
        if os.path.getsize(config) > MAX_BYTES:
            return None
        with open(config, encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:
        return None
    return None if "${file(" in text or other_gateway_resources(text) else text


def read_yaml_service(config: str) -> Service | None:
    """The service `config` (a serverless.yml) deploys; None when any answer of it would be
    unknown (see the module)."""
    if (text := service_text(config)) is None:
        return None
    try:
        root = read_document(config, text)
    except SourceError:  # invalid YAML: the file's own extraction reports it
        return None
    return service_from_root(config, root, len(text), error_answers=GATEWAY_RESPONSE in text)


def service_from_root(
    config: str, root: Value | None, size: int, *, error_answers: bool = False
) -> Service | None:
    """The service of a configuration read into values (YAML, or a serverless.ts object)."""
    if root is None or not root.known or not isinstance(root.raw, dict):
        return None
    provider = lookup(root, "provider")
    if provider is None or not provider.known or not isinstance(provider.raw, dict):
        return None
    variables = Variables(root)
    name = provider.raw.get("name")
    if name is None or _plain(variables.resolve(name)) != "aws":
        return None
    for section, key in (("apiGateway", "restApiId"), ("httpApi", "id"), ("httpApi", "cors")):
        settings = provider.raw.get(section)
        if settings is not None and (
            not settings.known or not isinstance(settings.raw, dict) or key in settings.raw
        ):
            return None  # an API made elsewhere, or the HTTP API's own CORS answer
    plugins = root.raw.get("plugins")
    if plugins is not None and "cors" in _source_text(plugins).lower():
        return None  # a plugin that may add CORS or OPTIONS methods
    functions = lookup(root, "functions")
    if functions is None or not functions.known or not isinstance(functions.raw, dict):
        return None
    service_dir = os.path.dirname(config)
    read: list[Function] = []
    for function in functions.raw.values():
        found = _function(function, variables, service_dir)
        if found is None:
            return None
        read.append(found)
    return Service(config, tuple(read), size, error_answers=error_answers)


def _service_size(service: Service | None) -> int:
    return service.size if service is not None else 0


def remembered_service(
    config: str, read: Callable[[str], Service | None], memo: Memo | None
) -> Service | None:
    """`read(config)` (a reader of this or another format), through `memo` when there is one."""
    if memo is None:
        return read(config)
    key: Hashable = ("serverless.gateway_service", config, read.__name__)
    return memo.remembered(key, lambda: read(config), _service_size)


def remembered_importers(service_dir: str, helper: str, memo: Memo | None) -> set[str] | None:
    """`importing_files`, through `memo` when there is one (it lists the whole service)."""
    if memo is None:
        return importing_files(service_dir, helper)
    found = memo.remembered(
        ("serverless.gateway_importers", service_dir, helper),
        lambda: frozenset(f) if (f := importing_files(service_dir, helper)) is not None else None,
        lambda value: sum(len(path) for path in value) if value else 0,
    )
    return set(found) if found is not None else None
