"""A Hono middleware that answers the preflight with a Fetch `Response` of its own and adds
the same headers after `await next()` (AutumnsGrove/GroveAuth `src/middleware/cors.ts`):

    export const cors: MiddlewareHandler = async (c, next) => {
      const origin = c.req.header('Origin');
      if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: headersFor(origin) });
      await next();
      for (const [k, v] of Object.entries(headersFor(origin))) c.res.headers.set(k, v);
    };

Hono hands the middleware its context `c`: the request is `c.req` (`c.req.header('Origin')`
is the request's Origin), and `c.res` is the response the rest of the app produced."""

from __future__ import annotations

from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.registrations import Analysis, find_registrations
from corslint.extractors.express.routes import routes_of
from corslint.extractors.express.shared_middleware_routes import using_importers
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Route


def imports_hono(module: JsModule) -> bool:
    """Whether the module imports anything from Hono (`hono`, `hono/cors`, types included)."""
    return any(
        specifier == "hono" or specifier.startswith("hono/") for specifier, _ in module.imports.values()
    )


def hono_context_requests(module: JsModule, names: list[str]) -> tuple[str, ...]:
    """The request of a Hono middleware or handler `(c, next)` whose Fetch Response is read:
    `c.req`, where the module imports Hono; () otherwise."""
    if not names or not names[0] or len(names) > 2 or not imports_hono(module):
        return ()
    return (f"{names[0]}.req",)


def hono_after_next(module: JsModule, function: Node) -> tuple[Node, Node, str, Node] | None:
    """`await next();` as a statement of a Hono middleware `(c, next)` that then writes
    `c.res.headers.set(...)`: the call, its statement, the response holder (`c.res`) and the
    node the writes come before (the body's closing brace). Hono sends `c.res` as it stands
    when the middleware returns, so those writes are the answer to every request that gets
    that far. None for anything else."""
    names = parameter_names(module, function)
    body = function.child_by_field_name("body")
    if len(names) != 2 or not all(names) or body is None or body.type != "statement_block":
        return None
    if not imports_hono(module):
        return None
    context, next_name = names
    holder = f"{context}.res"
    if f"{holder}.headers.set" not in module.text(body).replace(" ", ""):
        return None
    for statement in body.named_children:
        if statement.type != "expression_statement" or not statement.named_children:
            continue
        awaited = unwrap(statement.named_children[0])
        if awaited.type != "await_expression" or not awaited.named_children:
            continue
        call = unwrap(awaited.named_children[0])
        callee = call.child_by_field_name("function") if call.type == "call_expression" else None
        if callee is None or module.text(callee) != next_name or call_arguments(call):
            continue
        later = module.source[statement.end_byte : body.end_byte].decode("utf-8", "replace")
        if f"{holder}.headers.set" in later.replace(" ", ""):  # written on the app's answer
            return call, statement, holder, body.children[-1]
        return None
    return None


def hono_middleware_routes(module: JsModule, function: Node) -> tuple[Route, ...] | None:
    """The routes a Hono middleware `(c, next)` answering with Fetch Responses covers: those
    of the modules that import it and `.use` it (`app.use('*', cors)` before `app.delete(...)`);
    None when it is no such middleware or no importer's routes are known."""
    names = parameter_names(module, function)
    if len(names) != 2 or not all(names) or not imports_hono(module):
        return None
    importers = using_importers(module)
    if not importers:
        return None
    routes: list[Route] = []
    for importer in importers:
        analysis = Analysis(importer)
        find_registrations(analysis)
        routes += routes_of(analysis, None) or ()
        mounted = _mounted_routes(importer)
        if mounted is None:
            return None  # a sub-app corslint cannot load: its methods are unknown
        routes += mounted
    return tuple(routes) if routes else None


def _mounted_routes(module: JsModule) -> list[Route] | None:
    """The routes of the sub-apps `app.route('/prefix', sub)` mounts, `sub` imported from a
    module of the project (Hono's way of splitting an app across files), under the prefix;
    None when one cannot be loaded."""
    project = module.project
    found: list[Route] = []
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        if module.text(function.child_by_field_name("property")) != "route":
            continue
        arguments = call_arguments(call)
        prefix = string_value(arguments[0]) if len(arguments) == 2 else None
        if prefix is None or unwrap(arguments[1]).type != "identifier":
            continue
        imported = module.imports.get(module.text(unwrap(arguments[1])))
        if imported is None or not imported[0].startswith(".") or project is None:
            continue
        target = project.resolve_specifier(module, imported[0])
        loaded = project.load(target, project.display(module, target)) if target is not None else None
        if loaded is None:
            return None
        analysis = Analysis(loaded)
        find_registrations(analysis)
        for route in routes_of(analysis, None) or ():
            path = prefix.rstrip("/") + route.path if route.path.startswith("/") else route.path
            found.append(Route(path or "/", route.methods, route.location))
    return found
