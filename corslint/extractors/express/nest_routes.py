"""The routes of a NestJS app: the `@Get()` / `@Post(':id')` / ... methods of its
`@Controller('prefix')` classes (docmost/docmost serves 126 routes, all `@Get`/`@Post`,
so @fastify/cors's GET,HEAD,POST default suffices). Controllers are read from the
project's source files that name `@Controller(`; a decorator counts only when imported
from `@nestjs/common`."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.express.registrations import ROUTE_METHODS
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_files, project_root
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Route

NEST_COMMON = "@nestjs/common"
_VERBS = {
    "Get": "get",
    "Post": "post",
    "Put": "put",
    "Patch": "patch",
    "Delete": "delete",
    "All": "all",
    "Head": "head",
}
_MARKER = b"@Controller("
_MAX_FILES = 4000


def nest_controller_routes(module: JsModule) -> tuple[Route, ...] | None:
    """Every controller route of the Node project `module` belongs to; None when there is
    no controller (the routes are then not known) or a controller cannot be read."""
    project = module.project
    if module.file is None or project is None:
        return None
    root = project_root(module.file)
    if root is None:
        return None
    routes: list[Route] = []
    for count, file in enumerate(project_files(root)):
        if count >= _MAX_FILES:
            return None
        if file.suffix not in {".ts", ".js", ".mts", ".cts"} or not _names_controller(file):
            continue
        loaded = project.load(file, project.display(module, file))
        if loaded is None:
            return None
        routes += _controller_routes(loaded)
    return tuple(routes) if routes else None


def _names_controller(file: Path) -> bool:
    try:
        return _MARKER in file.read_bytes()
    except OSError:
        return False


def _controller_routes(module: JsModule) -> list[Route]:
    routes = []
    for decorator in module.of_kind("decorator"):
        call = _call(decorator)
        name = _nest_name(module, call)
        if name is None or name not in _VERBS or decorator.parent is None:
            continue
        if decorator.parent.type != "class_body" or decorator.parent.parent is None:
            continue
        prefix = _controller_prefix(module, decorator.parent.parent)
        if prefix is None:
            continue
        path = _path_argument(module, call) if call is not None else ""
        if path is None:
            path = "?"
        joined = "/" + "/".join(part.strip("/") for part in (prefix, path) if part.strip("/"))
        routes.append(Route(joined, ROUTE_METHODS[_VERBS[name]], module.location(decorator)))
    return routes


def _call(decorator: Node) -> Node | None:
    inner = [child for child in decorator.named_children if child.type != "comment"]
    return unwrap(inner[0]) if inner and unwrap(inner[0]).type == "call_expression" else None


def _nest_name(module: JsModule, call: Node | None) -> str | None:
    """The `@nestjs/common` export a decorator call names (`Get` for `@Get()`)."""
    if call is None:
        return None
    function = call.child_by_field_name("function")
    if function is None or unwrap(function).type != "identifier":
        return None
    local = module.text(unwrap(function))
    imported = module.imports.get(local)
    if imported is None or imported[0] != NEST_COMMON:
        return None
    return imported[1] if imported[1] not in {"*", "default"} else local


def _controller_prefix(module: JsModule, declaration: Node) -> str | None:
    """The path of the class's `@Controller(...)` decorator ("" for none); None when the
    class is no controller."""
    holders = [declaration]
    if declaration.parent is not None and declaration.parent.type == "export_statement":
        holders.append(declaration.parent)
    for holder in holders:
        for child in holder.children:
            if child.type != "decorator":
                continue
            call = _call(child)
            if _nest_name(module, call) == "Controller" and call is not None:
                path = _path_argument(module, call)
                return "?" if path is None else path
    return None


def _path_argument(module: JsModule, call: Node) -> str | None:
    """A decorator's path: `('x')`, `({ path: 'x' })`, nothing (""); None when unknown."""
    arguments = call.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
    if not named:
        return ""
    first = unwrap(named[0])
    text = string_value(first)
    if text is not None:
        return text
    if first.type == "object":
        for pair in first.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            value = pair.child_by_field_name("value") if key is not None else None
            if key is not None and value is not None and module.text(key).strip("'\"") == "path":
                return string_value(value)
        return ""
    return None
