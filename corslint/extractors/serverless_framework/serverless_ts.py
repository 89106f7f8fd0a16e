"""``serverless.ts``: the Serverless Framework's TypeScript configuration, read for API
Gateway's own OPTIONS answer exactly as ``serverless.yml`` is (service_routes.py).

The framework loads the file and takes the object it exports (``module.exports =
serverlessConfiguration`` or ``export default``), typed ``AWS`` from
``@serverless/typescript``; that object is the one ``serverless.yml`` would hold. It is read
with the JS reader (corslint/extractors/js): literals, constants and imported modules
(``import hello from '@functions/hello'`` through tsconfig ``paths``) resolve; anything
else is unknown, and an unknown link makes the whole answer unknown.

The aws-nodejs-typescript template writes each function in its own
``src/functions/<name>/index.ts``: ``handler: `${handlerPath(__dirname)}/handler.main` ``,
where ``handlerPath`` (``src/libs/handler-resolver.ts``) turns the folder into its path
relative to the working folder (``context.split(process.cwd())[1]``), the service's when
the framework runs there. That form is read where ``handlerPath`` is imported from a
project file that reads ``process.cwd()``; the handler is then ``<folder>/handler.main``,
the folder taken relative to the service.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import JsProject, exported_value
from corslint.extractors.serverless_framework.gateway_responses import (
    GATEWAY_RESPONSE,
    other_gateway_resources,
)
from corslint.extractors.serverless_framework.service_routes import (
    MAX_BYTES,
    Service,
    service_from_root,
    service_text,
)
from corslint.extractors.serverless_framework.yaml_document import lookup
from corslint.model import Provenance, SourceError, Value

_HANDLER_PATH = re.compile(r"`\$\{\s*handlerPath\(\s*__dirname\s*\)\s*\}/([\w./-]+)`")
_SPREAD = "**"  # the key the JS reader gives a spread it could not read


def _unread_spread(value: Value) -> bool:
    """Whether an object spread inside `value` was not read (it may hold any key)."""
    if not value.known:
        return False
    if isinstance(value.raw, dict):
        return _SPREAD in value.raw or any(_unread_spread(item) for item in value.raw.values())
    if isinstance(value.raw, tuple):
        return any(_unread_spread(item) for item in value.raw)
    return False


def _fully_known(value: Value) -> bool:
    if not value.known:
        return False
    if isinstance(value.raw, dict):
        return all(_fully_known(item) for item in value.raw.values())
    if isinstance(value.raw, tuple):
        return all(_fully_known(item) for item in value.raw)
    return True


def _text_of(value: Value) -> str:
    if isinstance(value.raw, dict):
        return " ".join(f"{key} {_text_of(item)}" for key, item in value.raw.items())
    if isinstance(value.raw, tuple):
        return " ".join(_text_of(item) for item in value.raw)
    return str(value.raw)


def _resolver_reads_cwd(module: JsModule, project: JsProject) -> bool:
    """Whether `handlerPath` is imported from a project file that makes the path relative
    to the working folder (`process.cwd()`), as the template's handler-resolver does."""
    imported = module.imports.get("handlerPath")
    if imported is None:
        return False
    target = project.resolve_specifier(module, imported[0])
    if target is None:
        return False
    try:
        if os.path.getsize(target) > MAX_BYTES:
            return False
        text = target.read_text("utf-8", errors="replace")
    except OSError:
        return False
    return "process.cwd()" in text and "handlerPath" in text


def _handler_path(value: Value, project: JsProject, service_dir: str) -> Value | None:
    """The handler a `${handlerPath(__dirname)}/handler.main` template names, relative to
    the service; None when `value` is not that template, plainly read."""
    if value.known or value.location is None:
        return None
    module = project.loaded(value.location.path)
    if module is None or module.file is None or not _resolver_reads_cwd(module, project):
        return None
    for node in module.of_kind("template_string"):
        if module.location(node) != value.location:
            continue
        match = _HANDLER_PATH.fullmatch(module.text(node))
        if match is None:
            return None
        folder = os.path.relpath(os.path.dirname(os.path.abspath(module.file)), service_dir)
        if folder.startswith(".."):
            return None
        handler = f"{Path(folder).as_posix()}/{match.group(1)}" if folder != "." else match.group(1)
        return Value(handler, value.location, Provenance.CONSTANT)
    return None


def _with_handler_paths(root: Value, project: JsProject, service_dir: str) -> Value | None:
    """`root` with each function's `handlerPath` template read; None when one is not."""
    functions = lookup(root, "functions")
    if functions is None or not functions.known or not isinstance(functions.raw, dict):
        return None
    read: dict[str, Value] = {}
    for name, function in functions.raw.items():
        handler = lookup(function, "handler")
        if handler is not None and not handler.known and isinstance(function.raw, dict):
            resolved = _handler_path(handler, project, service_dir)
            if resolved is None:
                return None
            function = Value({**function.raw, "handler": resolved}, function.location, function.provenance)
        read[name] = function
    raw = dict(root.raw) if isinstance(root.raw, dict) else {}
    raw["functions"] = Value(read, functions.location, functions.provenance)
    return Value(raw, root.location, root.provenance)


def read_ts_service(config: str) -> Service | None:
    """The service `config` (a serverless.ts) deploys; None when any answer of it would be
    unknown (see the module and service_routes.py)."""
    if (text := service_text(config)) is None:
        return None
    project = JsProject()
    try:
        module = project.module(config, text, Path(config))
    except SourceError:
        return None
    root = exported_value(module, "default")
    if root is None or not root.known or not isinstance(root.raw, dict) or _unread_spread(root):
        return None
    plugins = root.raw.get("plugins")
    if plugins is not None and not _fully_known(plugins):
        return None  # a plugin not read may add CORS or OPTIONS methods
    resources = root.raw.get("resources")
    resource_text = _text_of(resources) if resources is not None else ""
    if resources is not None and (not _fully_known(resources) or other_gateway_resources(resource_text)):
        return None  # resources read elsewhere, or API Gateway resources of its own
    root = _with_handler_paths(root, project, os.path.dirname(config))
    return service_from_root(config, root, len(text), error_answers=GATEWAY_RESPONSE in resource_text)
