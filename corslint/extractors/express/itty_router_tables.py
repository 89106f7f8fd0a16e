"""Route handlers of an itty-router table in a Cloudflare Worker: `router.get('/posts',
getPosts).post('/posts', postPost)` on `Router()` / `AutoRouter()` from itty-router (v2-v5),
each handler a function of the same module or the default or named export of another
(sergei-p/social-media-feed-project `server/worker-api/src/handler.js` and `handlers/*.js`;
code corpus: `router.get('/', () => new Response(...))` in Worker entry files). A handler
answers the method it is registered for, whether or not it names the request.

An OPTIONS request goes to the router like any other: a table without an OPTIONS route (no
`.options(...)`, no `.all(...)`, no `preflight` from itty's CORS helpers) matches nothing,
so `Router().handle(request)` gives `undefined` (the Worker fails to answer) and
`AutoRouter()` answers 404 (measured with itty-router 4 and 5 from tests/node): every
preflight fails."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.js.declared_values import declared_name
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

ITTY_ROUTE = "itty_router_route_headers"  # the framework of a routed handler's policy
_PACKAGE = "itty-router"
_ROUTERS = frozenset({"Router", "AutoRouter", "IttyRouter"})
_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head"})
_OPEN = frozenset({"options", "all"})  # routes that take OPTIONS requests
# itty's own answer to a request no route matches: AutoRouter's 404; Router's `undefined`
# leaves the Worker without a Response (the runtime answers with an error)
_MISSING_STATUS = {"AutoRouter": 404}
_NO_RESPONSE = 500


@dataclass(frozen=True)
class Registration:
    """The method a handler is registered for, and what the router answers OPTIONS with
    (None where an OPTIONS route or a preflight helper may answer it)."""

    method: str
    options_status: int | None


def registrations(module: JsModule, function: Node) -> list[Registration]:
    """Where `function` is an itty-router route handler: its registrations, found in its
    own module (an inline handler or a local name) and in the modules importing it."""
    parent = function.parent
    if parent is not None and parent.type == "arguments":
        call = parent.parent
        return _registration(module, call, function) if call is not None else []
    name = declared_name(module, function)
    if not name:
        return []
    found = _named_registrations(module, {name})
    exported = _exported_as(module, name)
    if not exported or b"itty-router" in module.source:
        return found
    importers = candidate_importers(module, also=_PACKAGE.encode())
    if importers is None or module.project is None:
        return found
    for importer in importers.modules:
        locals_ = {
            local
            for local, (specifier, imported) in importer.imports.items()
            if imported in exported and _names(module, importer, specifier, importers.own)
        }
        found += _named_registrations(importer, locals_)
    return found


def _names(module: JsModule, importer: JsModule, specifier: str, own: Path) -> bool:
    """Whether `specifier`, imported by `importer`, is `module`'s file."""
    if module.project is None or not specifier.startswith("."):
        return False
    target = module.project.resolve_specifier(importer, specifier)
    return target is not None and target.resolve() == own


def _exported_as(module: JsModule, name: str) -> set[str]:
    """The names `name` is exported under (`default` for `export default name`)."""
    names: set[str] = set()
    for statement in module.root.named_children:
        if statement.type != "export_statement":
            continue
        value = statement.child_by_field_name("value")
        declaration = statement.child_by_field_name("declaration")
        if value is not None and module.text(unwrap(value)) == name:
            names.add("default")
        elif declaration is not None and declared_in(module, declaration, name):
            names.add(name)
        elif declaration is None and value is None:
            clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
            for specifier in clause.named_children if clause is not None else ():
                local = specifier.child_by_field_name("name")
                alias = specifier.child_by_field_name("alias")
                if local is not None and module.text(local) == name:
                    names.add(module.text(alias if alias is not None else local))
    return names


def declared_in(module: JsModule, declaration: Node, name: str) -> bool:
    own = declaration.child_by_field_name("name")
    if own is not None:
        return module.text(own) == name
    return any(
        (target := declarator.child_by_field_name("name")) is not None and module.text(target) == name
        for declarator in declaration.named_children
        if declarator.type == "variable_declarator"
    )


def _named_registrations(module: JsModule, names: set[str]) -> list[Registration]:
    if not names or _PACKAGE.encode() not in module.source:
        return []
    found: list[Registration] = []
    for call in module.of_kind("call_expression"):
        arguments = call_arguments(call)
        if arguments and any(module.text(unwrap(a)) in names for a in arguments[1:]):
            last = unwrap(arguments[-1])
            if module.text(last) in names:
                found += _registration(module, call, last)
    return found


def _registration(module: JsModule, call: Node, handler: Node) -> list[Registration]:
    """`router.post(path, ..., handler)` with `handler` its last argument, on a router
    from itty-router."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type != "member_expression":
        return []
    method = module.text(callee.child_by_field_name("property"))
    arguments = call_arguments(call)
    if method not in _METHODS or len(arguments) < 2 or unwrap(arguments[-1]) != handler:
        return []
    router = _router_name(module, callee.child_by_field_name("object"))
    kind = _router_kind(module, router) if router else None
    if kind is None:
        return []
    return [Registration(method.upper(), _options_status(module, router, kind))]


def _router_name(module: JsModule, node: Node | None) -> str:
    """The router a (possibly chained) registration is made on: `router` in
    `router.get(...).post(...)`."""
    while node is not None:
        node = unwrap(node)
        if node.type == "identifier":
            return module.text(node)
        if node.type == "call_expression":
            node = node.child_by_field_name("function")
        elif node.type == "member_expression":
            node = node.child_by_field_name("object")
        else:
            return ""
    return ""


def _router_kind(module: JsModule, name: str) -> str | None:
    """`Router` / `AutoRouter` / `IttyRouter` when `name` is bound to one built from
    itty-router's export (`const router = Router()`, also with options)."""
    value = module.binding(name)
    if value is None or unwrap(value).type != "call_expression":
        return None
    callee = unwrap(unwrap(value).child_by_field_name("function"))
    imported = module.imports.get(module.text(callee))
    if imported is None or not imported[0].startswith(_PACKAGE) or imported[1] not in _ROUTERS:
        return None
    return imported[1]


def _options_status(module: JsModule, router: str, kind: str) -> int | None:
    """What the router answers an OPTIONS request with: None where a route, a `preflight`
    or router options (`AutoRouter({ before: [preflight] })`) may answer it."""
    if "preflight" in module.imports or "preflight" in module.declarators:
        return None  # itty's CORS helper (`const { preflight, corsify } = cors()`)
    value = module.binding(router)
    if value is not None and call_arguments(unwrap(value)):
        return None  # router options: `before` / `missing` handlers corslint does not follow
    for call in module.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        if callee.type != "member_expression":
            continue
        if (
            module.text(callee.child_by_field_name("property")) in _OPEN
            and _router_name(module, callee) == router
        ):
            return None
    return _MISSING_STATUS.get(kind, _NO_RESPONSE)
