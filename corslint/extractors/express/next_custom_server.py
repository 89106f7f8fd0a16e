"""A custom Node server in front of Next.js: `const app = next({ dev }); const handle =
app.getRequestHandler()`, with the requests handed to `handle(req, res)` behind a cors layer
(`cors({...})(req, res, () => handle(req, res))` in `http.createServer`, or `server.use(cors())`
then `server.all('*', (req, res) => handle(req, res))`). The App Router route handlers
(`app/**/route.js` exporting `PUT`, `DELETE`...) are then the routes that layer covers: a
`methods` list without their methods fails their preflights, which the cors package answers
itself before Next.js runs (CORS202; held-out set 18, aremirc/app `server.js` with
`methods: ['GET', 'POST']` and `src/app/api/users/route.js` exporting PUT and DELETE).

Only an app-wide layer whose routes corslint found none of is given them, and only when the
module hands requests to the Next.js request handler it creates; a `dir` other than the
server's own folder leaves the project unknown."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath

from corslint.extractors.express.next_handler_methods import app_route_handlers
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import CorsPolicy, Route

_APP_WIDE = frozenset({"", "/", "*", "/*"})


def with_next_server_routes(module: JsModule, policies: list[CorsPolicy]) -> list[CorsPolicy]:
    """The `cors` policies of `module` with the Next.js route handlers as their routes,
    where the module serves Next.js behind them and no route of theirs is known."""
    if not policies or b"getRequestHandler" not in module.source:
        return policies
    wanted = [
        policy
        for policy in policies
        if policy.framework == "express"
        and policy.routes is None
        and not policy.route_level
        and policy.scope in _APP_WIDE
    ]
    if not wanted:
        return policies
    routes = _next_routes(module)
    if not routes:
        return policies
    return [
        dataclasses.replace(policy, routes=routes) if any(policy is w for w in wanted) else policy
        for policy in policies
    ]


def _next_routes(module: JsModule) -> tuple[Route, ...]:
    """The route handlers of the Next.js project the module's request handler serves."""
    if module.file is None:
        return ()
    names = {name for name, (specifier, exported) in module.imports.items() if specifier == "next"}
    if not names:
        return ()
    folder = module.file.parent
    for call in module.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "identifier" or module.text(callee) not in names:
            continue
        instance = _bound_name(module, call)
        if instance is None or not _handler_used(module, instance):
            continue
        root = _project_dir(module, call, folder)
        if root is None:
            return ()
        return tuple(app_route_handlers(root, str(PurePosixPath(module.path).parent)))
    return ()


def _bound_name(module: JsModule, call: Node) -> str | None:
    """`app` in `const app = next({ dev })`."""
    parent = call.parent
    while parent is not None and parent.type in {"parenthesized_expression", "await_expression"}:
        parent = parent.parent
    if parent is None or parent.type != "variable_declarator":
        return None
    name = parent.child_by_field_name("name")
    return module.text(name) if name is not None and name.type == "identifier" else None


def _handler_used(module: JsModule, instance: str) -> bool:
    """Whether `instance.getRequestHandler()` is bound to a name the module then calls or
    hands on (`handle(req, res)`, `server.all('*', handle)`)."""
    for call in module.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            continue
        holder = unwrap(callee.child_by_field_name("object"))
        prop = callee.child_by_field_name("property")
        if holder is None or module.text(holder) != instance or prop is None:
            continue
        if module.text(prop) != "getRequestHandler":
            continue
        handler = _bound_name(module, call)
        if handler is None:
            return False
        uses = [node for node in module.of_kind("identifier") if module.text(node) == handler]
        return len(uses) > 1  # the declaration, and a call or a hand-over
    return False


def _project_dir(module: JsModule, call: Node, folder: Path) -> Path | None:
    """The folder Next.js serves: the server's own (Next.js's default is the working
    folder, from which `node server.js` runs; `dir: __dirname` and `dir: '.'` say so);
    None for any other `dir` or options corslint cannot read."""
    arguments = call_arguments(call)
    if not arguments:
        return folder
    options = unwrap(arguments[0])
    if options is None or options.type != "object":
        return None
    for pair in options.named_children:
        if pair.type == "shorthand_property_identifier" and module.text(pair) == "dir":
            return None
        if pair.type == "spread_element":
            return None
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        if key is None or (string_value(key) or module.text(key)) != "dir":
            continue
        value = unwrap(pair.child_by_field_name("value"))
        if value is not None and (module.text(value) == "__dirname" or string_value(value) in {".", "./"}):
            return folder
        return None
    return folder
