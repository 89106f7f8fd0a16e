"""Routes, and the order of middleware against them: the routes a layer covers (also in
router modules it mounts), routes registered before it, and preflights nothing answers."""

from __future__ import annotations

from corslint.extractors.express.constructor_order import runs_after_construction
from corslint.extractors.express.order_exempt_routes import order_exempt
from corslint.extractors.express.registrations import (
    DATA_SUFFIXES,
    ROUTE_METHODS,
    Analysis,
    Registration,
    find_registrations,
    is_cors_call,
)
from corslint.extractors.express.server_routes import called_server_to_server
from corslint.extractors.express.setup_call_order import runs_before
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence, Route


def misordered(analysis: Analysis, registration: Registration, what_kind: str = "cors") -> list[Evidence]:
    """Routes of the same app registered before `app.use(cors())`, inside its scope."""
    earlier = []
    for other in analysis.registrations:
        if other.receiver != registration.receiver:
            continue
        order = runs_before(analysis.module, other.call, registration.call)  # setup functions
        if order is False or (order is None and other.call.start_byte >= registration.call.start_byte):
            continue
        if other.method.split(":")[-1] not in ROUTE_METHODS and not (
            other.method == "use" and other.path and _has_router(analysis, other)
        ):
            continue
        if other.method == "use" and not _has_router(analysis, other):
            continue
        if registration.path and other.path and not other.path.startswith(registration.path.rstrip("*")):
            continue
        if any(is_cors_middleware(analysis, argument) for argument in other.arguments):
            continue  # `app.get("/health", cors(), ...)`: the route brings its own layer
        if called_server_to_server(analysis, other):
            continue  # a webhook mounted early on purpose: browsers never call it
        if runs_after_construction(analysis.module, other.call, registration.call):
            continue  # a route a method adds once the server object is built
        if order_exempt(other, registration.call):
            continue  # a route only some deployments register; a health check
        earlier.append(other)
    if not earlier:
        return []
    first = earlier[0]
    verb = first.method.split(":")[-1]
    shown = first.path or "/"
    if shown == "?":  # a path held in a constant or template: as written
        arguments = first.call.child_by_field_name("arguments")
        shown = (
            analysis.module.text(arguments.named_children[0])
            if arguments and arguments.named_children
            else shown
        )
    what = f"the router mounted at {shown}" if verb == "use" else f"{verb.upper()} {shown}"
    line = analysis.module.location(first.call).line
    layer = "cors()" if what_kind == "cors" else "this CORS middleware"
    return [
        Evidence(
            "misordered",
            f"{layer} is registered after routes it should cover ({what} at line {line}): express "
            "runs middleware in registration order, so those routes answer without CORS headers "
            "and their preflights fail",
            analysis.module.location(registration.call),
        )
    ]


def _has_router(analysis: Analysis, registration: Registration) -> bool:
    for argument in registration.arguments:
        node = unwrap(argument)
        if node.type == "identifier" and analysis.module.text(node) in _routers(analysis.module):
            return True
        if node.type == "identifier" and node.type != "call_expression":
            imported = analysis.module.imports.get(analysis.module.text(node))
            if imported is not None and imported[0].startswith("."):
                return True
    return False


def _routers(module: JsModule) -> set[str]:
    names = set()
    for name, values in module.declarations.items():
        value = unwrap(values[0])
        if value.type == "call_expression":
            callee = module.text(value.child_by_field_name("function")).replace(" ", "")
            if callee.endswith("Router") or callee in {"express", "express.default"}:
                names.add(name)
    return names


def routes_of(analysis: Analysis, registration: Registration | None) -> tuple[Route, ...] | None:
    """Routes of the module (and of in-tree router modules it mounts); None when unknown."""
    routes = list(_module_routes(analysis.module))
    project = analysis.module.project
    seen = {analysis.module.path}
    for other in analysis.registrations:
        if other.method != "use":
            continue
        for argument in other.arguments:
            node = unwrap(argument)
            if node.type != "identifier" or project is None:
                continue
            imported = analysis.module.imports.get(analysis.module.text(node))
            if imported is None or not imported[0].startswith("."):
                continue
            target = project.resolve_specifier(analysis.module, imported[0])
            if target is None or target.suffix in DATA_SUFFIXES:
                return None
            display = project.display(analysis.module, target)
            if display in seen:
                continue
            seen.add(display)
            loaded = project.load(target, display)
            if loaded is None:
                return None
            prefix = other.path if other.path and other.path.startswith("/") else ""
            for route in _module_routes(loaded):
                routes.append(
                    Route(
                        prefix.rstrip("/") + route.path if prefix else route.path,
                        route.methods,
                        route.location,
                    )
                )
    return tuple(routes) if routes else None


_EVERY_PATH = frozenset({"*", "/*", "(.*)", "/(.*)", "*splat", "/*splat", "/{*splat}", "{*splat}"})


def _module_routes(module: JsModule) -> list[Route]:
    analysis = Analysis(module)
    find_registrations(analysis)
    routes = []
    for registration in analysis.registrations:
        verb = registration.method.split(":")[-1]
        if verb == "all" and (registration.path or "*") in _EVERY_PATH:
            continue  # `app.all("*", ...)`: middleware (CORS, auth) or a catch-all, no route of its own
        if verb in ROUTE_METHODS and registration.arguments:
            routes.append(
                Route(registration.path or "?", ROUTE_METHODS[verb], module.location(registration.call))
            )
    return routes


def preflight_unrouted(analysis: Analysis, call: Node, via: str | None) -> list[Evidence]:
    """`app.put("/x", cors(), handler)`: OPTIONS requests never reach a cors() mounted on a
    route's own method, and unless another cors() answers `OPTIONS /x` (an
    `app.options(...)` or an earlier `app.use(cors())`), express answers the preflight
    itself, without CORS headers. `preflight-unrouted` says so to the model; for PUT,
    PATCH and DELETE, whose every request is preflighted, CORS303 reports it."""
    module = analysis.module
    uses = [analysis.mounted.get(call.id)]
    if via:
        uses += [analysis.mounted.get(reference.id) for reference in module.references(via)]
    mounted = [registration for registration in uses if registration is not None]
    if not mounted or any(r.method.split(":")[-1] in {"use", "options", "all"} for r in mounted):
        return []
    uncovered = [registration for registration in mounted if not _options_covered(analysis, registration)]
    if not uncovered:
        return []
    first = uncovered[0]
    evidence = [
        Evidence(
            "preflight-unrouted",
            f"OPTIONS {first.path or '/'} never reaches this cors(): express answers it itself",
            module.location(first.call),
        )
    ]
    for registration in uncovered:
        verb = registration.method.split(":")[-1]
        if verb not in {"put", "patch", "delete", "del"}:
            continue
        path = registration.path or "/"
        evidence.append(
            Evidence(
                "misordered",
                f"cors() is applied to {verb.upper()} {path} only: the browser's preflight "
                f"(OPTIONS {path}) never reaches it and express answers it without CORS "
                f"headers, so the {verb.upper()} is never sent; register "
                f"`app.options('{path}', cors(...))` before it",
                module.location(registration.call),
            )
        )
        break
    return evidence


def _options_covered(analysis: Analysis, registration: Registration) -> bool:
    """Whether another cors() answers `OPTIONS <its path>`: before or after the route, as
    the route itself never matches OPTIONS, and express's own answer comes last."""
    path = registration.path or "/"
    return any(
        other.receiver == registration.receiver
        and (
            (other.method == "options" and (other.path == path or covers_every_path(other.path)))
            or (other.method == "use" and (not other.path or path.startswith(other.path)))
        )
        and any(is_cors_middleware(analysis, argument) for argument in other.arguments)
        for other in analysis.registrations
    )


def is_cors_middleware(analysis: Analysis, node: Node) -> bool:
    node = unwrap(node)
    if is_cors_call(analysis, node):
        return True
    if node.type == "identifier":
        bound = analysis.module.binding(analysis.module.text(node))
        return bound is not None and is_cors_call(analysis, bound)
    return False


def probe_path_for(path: str) -> str:
    cleaned = path.split("*", 1)[0].split(":", 1)[0].split("(", 1)[0]
    if not cleaned.startswith("/"):
        return "/"
    return cleaned.rstrip("/") + "/x" if cleaned not in {"", "/"} else "/"


def covers_every_path(path: str | None) -> bool:
    return path is None or "*" in path or (path.startswith("/") and path.endswith("/") and "." in path)
