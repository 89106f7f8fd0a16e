"""A Koa CORS middleware registered after koa-router's routes: `app.use(router.routes())`
before `app.use(cors(...))`, also chained (`app.use(router.routes()).use(router.allowedMethods())
.use(cors())`, 10 of 10 find_string hits for that chain in public Koa apps).

A matched route runs its handlers and, unless a handler calls `next()`, never reaches the
middleware registered after the router: the route's responses get no CORS headers. A
preflight matches no route (no OPTIONS route), so it goes on to the CORS middleware and is
answered; so are unmatched paths. Measured with @koa/cors 5.0.0, koa2-cors 2.0.6 and kcors
2.2.2 behind @koa/router 13.1.0 on koa 3.3.0 (tests/test_differential_koa_router_order.py).

Kept quiet where unsure: the router's module must be read, and no route's last handler there
may call `next()` (the chain then goes on to the CORS middleware)."""

from __future__ import annotations

import re

from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence

ROUTER_PACKAGES = frozenset({"koa-router", "@koa/router"})
_ROUTER_MOUNTS = frozenset({"routes", "middleware"})
_ROUTE_VERBS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "head", "options"})
_CALLS_NEXT = re.compile(r"\bnext\s*\(")


def routes_before(module: JsModule, cors_call: Node, label: str) -> list[Evidence]:
    """`misordered` evidence when the `use` that mounts `cors_call` comes after a `use` of a
    koa-router's routes on the same app, and those routes end the chain."""
    if not _uses_koa_router(module):
        return []
    mounting = _mounting_use(module, cors_call)
    if mounting is None:
        return []
    root = _chain_root(mounting)
    if root is None:
        return []
    app = module.text(root)
    for router, mounted in _earlier_router_mounts(module, app, mounting):
        if _routes_may_call_next(module, router):
            return []
        line = module.location(mounted).line
        return [
            Evidence(
                "misordered",
                f"this {label} is registered after koa-router's routes (`{module.text(mounted)}` at "
                f"line {line}): a matched route answers without calling the middleware registered "
                "after it, so the routes' responses get no CORS headers; only preflights and "
                "unmatched paths reach it",
                module.location(cors_call),
            )
        ]
    return []


def _uses_koa_router(module: JsModule) -> bool:
    if any(specifier in ROUTER_PACKAGES for specifier, _ in module.imports.values()):
        return True
    project = module.project
    return project is not None and bool(ROUTER_PACKAGES & project.dependencies(module))


def _mounting_use(module: JsModule, cors_call: Node) -> Node | None:
    """The `x.use(...)` call `cors_call` (or the const it is bound to) is an argument of."""
    candidates = [cors_call]
    parent = cors_call.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is not None and name.type == "identifier":
            candidates += module.references(module.text(name))
    for node in candidates:
        arguments = node.parent
        call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
        if call is not None and _member_call(module, call) == "use":
            return call
    return None


def _member_call(module: JsModule, call: Node) -> str | None:
    """The property a member call calls (`use` for `app.use(...)`), or None."""
    if call.type != "call_expression":
        return None
    function = unwrap(call.child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return None
    prop = function.child_by_field_name("property")
    return module.text(prop) if prop is not None else None


def _holder(call: Node) -> Node | None:
    function = unwrap(call.child_by_field_name("function"))
    return unwrap(function.child_by_field_name("object")) if function is not None else None


def _chain_root(call: Node) -> Node | None:
    """`app` in `app.use(a).use(b)`: the identifier the chain of `use` calls starts from."""
    holder = _holder(call)
    while holder is not None and holder.type == "call_expression":
        holder = _holder(holder)
    return holder if holder is not None and holder.type in {"identifier", "member_expression"} else None


def _earlier_router_mounts(module: JsModule, app: str, mounting: Node) -> list[tuple[str, Node]]:
    """Each `R.routes()` mounted on `app` before `mounting`, with R's name."""
    found: list[tuple[str, Node]] = []
    for call in module.of_kind("call_expression"):
        if _member_call(module, call) != "use":
            continue
        if call.end_byte > mounting.start_byte and not _inside(mounting, call):
            continue  # not before it: a later statement, or the chain `mounting` is a link of
        root = _chain_root(call)
        if root is None or module.text(root) != app:
            continue
        for argument in call_arguments(call):
            mounted = unwrap(argument)
            if _member_call(module, mounted) in _ROUTER_MOUNTS and not list(call_arguments(mounted)):
                router = _holder(mounted)
                if router is not None and router.type == "identifier":
                    found.append((module.text(router), mounted))
    return sorted(found, key=lambda item: item[1].start_byte)


def _inside(outer: Node, inner: Node) -> bool:
    """Whether `inner` is an earlier link of the `use` chain `outer` ends."""
    holder = _holder(outer)
    while holder is not None and holder.type == "call_expression":
        if holder.id == inner.id:
            return True
        holder = _holder(holder)
    return False


def _routes_may_call_next(module: JsModule, router: str) -> bool:
    """Whether a route's last handler may call `next()` (going on to the middleware after
    the router), or the router's routes cannot be read. Only the last handler counts: an
    earlier one (`auth`) hands over to the next handler of the same route."""
    home = _router_module(module, router)
    if home is None:
        return True
    home_module, name = home
    for call in home_module.of_kind("call_expression"):
        if _member_call(home_module, call) not in _ROUTE_VERBS:
            continue
        holder = _holder(call)
        if holder is None or (name is not None and home_module.text(holder) != name):
            continue
        arguments = list(call_arguments(call))
        if len(arguments) >= 2 and _calls_next(home_module, unwrap(arguments[-1])):
            return True
    return False


def _calls_next(module: JsModule, handler: Node) -> bool:
    """Whether a handler written here calls `next()`; one imported from elsewhere (a
    controller's method) is taken to end the chain, as route handlers do."""
    function = module.function_node(handler)
    return function is not None and _CALLS_NEXT.search(module.text(function)) is not None


def _router_module(module: JsModule, router: str) -> tuple[JsModule, str | None] | None:
    """The module that declares `router`'s routes, and its name there (None: any receiver,
    for a module that exports its router)."""
    if router in module.declarations:
        return module, router
    imported = module.imports.get(router)
    project = module.project
    if imported is None or project is None or not imported[0].startswith("."):
        return None
    target = project.resolve_specifier(module, imported[0])
    if target is None:
        return None
    loaded = project.load(target, project.display(module, target))
    return (loaded, None) if loaded is not None else None
