"""NestJS `@nestjs/config` namespaces: `configService.getOrThrow('app.corsOrigins')` reads the
`corsOrigins` property of the object the factory of `registerAs('app', () => ({...}))` returns
(brocoders/nestjs-boilerplate src/config/app.config.ts: `corsOrigins: (process.env.APP_CORS_ORIGINS
|| process.env.FRONTEND_DOMAIN || '*').split(',')...`). The factory runs once at start-up on the
process environment, so its defaults are what the application gets when the variables are unset."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from corslint.extractors.js.config_service import is_config_service
from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location, Provenance, Value

# A `JsModule` (typed loosely: js.module imports this module)
JsModule = Any

_KEY = re.compile(r"^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)$")
_METHODS = frozenset({"get", "getOrThrow"})
_MAX_CANDIDATES = 60  # config files read per namespace lookup
_SUFFIXES = (".ts", ".js")


def registered_config_value(
    module: JsModule, receiver: Node | None, method: str, arguments: list[Node], use: Location, depth: int
) -> Value | None:
    """The value `<ConfigService>.get('namespace.key')` reads from a `registerAs('namespace')`
    factory in the project's config folders, or None when no such factory property is found."""
    if receiver is None or method not in _METHODS or not arguments or b"ConfigService" not in module.source:
        return None
    key = string_value(arguments[0])
    matched = _KEY.match(key) if key is not None else None
    if matched is None or module.project is None or not is_config_service(module, receiver):
        return None
    namespace, prop = matched.groups()
    for file in _config_files(module):
        try:
            source = file.read_bytes()
        except OSError:
            continue
        if b"registerAs" not in source or namespace.encode() not in source:
            continue
        loaded = module.project.load(file, module.project.display(module, file))
        if loaded is None:
            continue
        written = _factory_property(loaded, namespace, prop)
        if written is not None:
            value = loaded.resolve(written, depth + 1)
            if value.provenance is Provenance.UNKNOWN:
                return None
            return Value(
                value.raw,
                use,
                value.provenance,
                value.env_var,
                value.description,
                (value.location, *value.related),
            )
    return None


def _config_files(module: JsModule) -> list[Path]:
    """`*.config.ts` / `config/*.ts` files: beside the importer, in its `config/` folder and in
    `<root>/src/config/` (the layouts `@nestjs/config` projects use)."""
    if module.file is None:
        return []
    folders = [module.file.parent, module.file.parent / "config"]
    root = project_root(module.file)
    if root is not None:
        folders += [root / "src" / "config", root / "config"]
    found: list[Path] = []
    for folder in dict.fromkeys(folders):
        if not folder.is_dir():
            continue
        for file in sorted(folder.iterdir()):
            in_config_folder = folder.name == "config"
            if file.suffix in _SUFFIXES and file.is_file() and (in_config_folder or ".config." in file.name):
                found.append(file)
    return found[:_MAX_CANDIDATES]


def _factory_property(module: JsModule, namespace: str, prop: str) -> Node | None:
    """The value node of `prop` in the object `registerAs(namespace, factory)` returns."""
    for call in module.of_kind("call_expression"):
        function = call.child_by_field_name("function")
        if function is None or module.text(function) != "registerAs":
            continue
        arguments = call.child_by_field_name("arguments")
        listed = arguments.named_children if arguments is not None else []
        if len(listed) != 2 or string_value(listed[0]) != namespace:
            continue
        returned = _returned_object(module, unwrap(listed[1]))
        if returned is None:
            return None
        for pair in returned.named_children:
            name = pair.child_by_field_name("key") if pair.type == "pair" else None
            if name is not None and module.text(name).strip("'\"") == prop:
                return pair.child_by_field_name("value")
        return None
    return None


def _returned_object(module: JsModule, factory: Node) -> Node | None:
    """The object literal an arrow/function factory returns (its only top-level `return`)."""
    if factory.type not in {"arrow_function", "function_expression", "function"}:
        return None
    body = factory.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        body = unwrap(body)
        return body if body.type == "object" else None
    returns = [child for child in body.named_children if child.type == "return_statement"]
    if len(returns) != 1 or not returns[0].named_children:
        return None
    returned = unwrap(returns[0].named_children[0])
    return returned if returned.type == "object" else None
