"""The routes an AdonisJS app declares in ``start/routes.ts`` (and ``start/routes/*``):
``router.patch('/path', ...)`` (AdonisJS 6) or ``Route.patch(...)`` (AdonisJS 5), and
``resource(...)`` routes narrowed by ``.only([...])`` / ``.except([...])``. Their methods
must pass the CORS preflight (CORS202); the generated config/cors.ts leaves PATCH out."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import JsProject
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Route

_ROUTERS = frozenset({"router", "Route"})
_VERBS = {"get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",), "delete": ("DELETE",)}
# what each action of `router.resource(...)` answers
_RESOURCE_ACTIONS = {
    "index": ("GET",),
    "create": ("GET",),
    "store": ("POST",),
    "show": ("GET",),
    "edit": ("GET",),
    "update": ("PUT", "PATCH"),
    "destroy": ("DELETE",),
}
_API_ONLY = frozenset(_RESOURCE_ACTIONS) - {"create", "edit"}
_SUFFIXES = (".ts", ".js", ".mjs", ".mts")


def adonis_routes(project: JsProject, config: JsModule, app_root: Path) -> tuple[Route, ...] | None:
    """The routes of the app whose root folder is `app_root` (located as seen from its
    `config` module); None when none are seen."""
    start = app_root / "start"
    files = [start / f"routes{suffix}" for suffix in _SUFFIXES]
    folder = start / "routes"
    if folder.is_dir():
        files += sorted(path for path in folder.iterdir() if path.suffix in _SUFFIXES)
    routes: list[Route] = []
    for file in files:
        if not file.is_file():
            continue
        module = project.load(file, project.display(config, file))
        if module is not None:
            routes += _declared(module)
    return tuple(routes) or None


def _declared(module: JsModule) -> list[Route]:
    found: list[Route] = []
    for call in module.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        if callee.type != "member_expression":
            continue
        receiver = module.text(callee.child_by_field_name("object"))
        verb = module.text(callee.child_by_field_name("property"))
        if receiver not in _ROUTERS:
            continue
        arguments = [unwrap(a) for a in call.child_by_field_name("arguments").named_children]
        path = string_value(arguments[0]) if arguments else None
        if path is None:
            continue
        if verb in _VERBS:
            found.append(Route(path, _VERBS[verb], module.location(call)))
        elif verb == "resource":
            methods = _resource_methods(module, call)
            found.append(Route(path, methods, module.location(call)))
    return found


def _resource_methods(module: JsModule, call: Node) -> tuple[str, ...]:
    """The methods a resource answers after the `.only` / `.except` / `.apiOnly` it is given."""
    actions = set(_RESOURCE_ACTIONS)
    node = call
    while node.parent is not None and node.parent.type == "member_expression":
        chained = node.parent.parent
        name = module.text(node.parent.child_by_field_name("property"))
        if chained is None or chained.type != "call_expression":
            break
        listed = _listed(module, chained)
        if name == "apiOnly":
            actions &= _API_ONLY
        elif name == "only" and listed is not None:
            actions &= listed
        elif name == "except" and listed is not None:
            actions -= listed
        node = chained
    return tuple(dict.fromkeys(method for action in sorted(actions) for method in _RESOURCE_ACTIONS[action]))


def _listed(module: JsModule, call: Node) -> set[str] | None:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or not arguments.named_children:
        return None
    value = module.resolve(arguments.named_children[0])
    if not value.known or not isinstance(value.raw, tuple):
        return None
    return {item.raw for item in value.raw if item.known and isinstance(item.raw, str)}
