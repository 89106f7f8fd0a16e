"""CORS headers set by route decorators: NestJS's and routing-controllers'
``@Header('Access-Control-Allow-Origin', '*')`` on a controller method. The header is sent
on that route's responses only, for its own method; the `OPTIONS` preflight never reaches
the method (Express answers it itself), so such a policy is judged like a route handler's
hand-written headers."""

from __future__ import annotations

from corslint.extractors.express.handler_roles import EXPRESS
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import CorsPolicy, Evidence, Location, Route, Value

_PACKAGES = frozenset({"@nestjs/common", "routing-controllers"})
# the route decorators and the methods they serve (HEAD rides along with GET)
_ROUTE_DECORATORS = {
    "Get": ("GET", "HEAD"),
    "Post": ("POST",),
    "Put": ("PUT",),
    "Patch": ("PATCH",),
    "Delete": ("DELETE",),
    "All": ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"),
}


def decorator_header_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names = _decorator_names(module)
    if "Header" not in names.values():
        return []
    policies = []
    for method in module.of_kind("method_definition"):
        decorators = _decorators_of(method)
        writes: list[tuple[str, Node, Node]] = []  # header, value node, decorator
        route: tuple[str, tuple[str, ...], Node] | None = None
        status = 200
        for decorator in decorators:
            call = _call(decorator)
            if call is None:
                continue
            name, arguments = _callee(module, call, names)
            if name == "Header" and len(arguments) == 2:
                header = string_value(arguments[0])
                if header is not None:
                    writes.append((header, arguments[1], decorator))
            elif name in _ROUTE_DECORATORS:
                path = string_value(arguments[0]) if arguments else ""
                route = (path or "", _ROUTE_DECORATORS[name], decorator)
            elif name == "HttpCode" and arguments:
                code = module.resolve(arguments[0])
                status = code.raw if code.known and isinstance(code.raw, int) else status
        if route is None or not any(h.lower() == "access-control-allow-origin" for h, _, _ in writes):
            continue
        policies.append(_policy(module, method, writes, route, status, bearer))
    return policies


def _policy(
    module: JsModule,
    method: Node,
    writes: list[tuple[str, Node, Node]],
    route: tuple[str, tuple[str, ...], Node],
    status: int,
    bearer: tuple[Evidence, ...],
) -> CorsPolicy:
    path, methods, route_decorator = route
    condition = "METHOD:" + ",".join(methods)
    options: dict[str, Value] = {}
    # decorators apply bottom-up, but each names its own header: their order does not matter
    for header, value_node, decorator in writes:
        canonical = "-".join(part.capitalize() for part in header.split("-"))
        if not (canonical.startswith("Access-Control-") or canonical == "Vary"):
            continue
        location = module.location(decorator)
        options[_unique(options, canonical)] = _step(
            {"value": module.resolve(value_node), "writer": Value("setHeader", location)}, condition, location
        )
    location = module.location(route_decorator)
    options["end"] = _step({"status": Value(status, location)}, condition, location)
    controller = _controller_path(module, method)
    full_path = "/" + "/".join(part.strip("/") for part in (controller, path) if part and part.strip("/"))
    return CorsPolicy(
        framework=EXPRESS,
        location=location,
        options=options,
        routes=(Route(full_path, methods, location),),
        evidence=bearer,
        development_only=is_development_path(module.path),
        label="hand-written CORS headers",
        scope=full_path,
        probe_path=full_path if ":" not in full_path and "*" not in full_path else "/",
        route_level=True,
    )


def _step(fields: dict[str, Value], condition: str, location: Location) -> Value:
    when = Value((Value(condition, location),), location)
    return Value({**fields, "when": when}, location)


def _unique(options: dict[str, Value], name: str) -> str:
    candidate, number = name, 2
    while candidate in options:
        candidate, number = f"{name} #{number}", number + 1
    return candidate


def _decorator_names(module: JsModule) -> dict[str, str]:
    """Local name -> exported name, for the decorators imported from a controller package."""
    return {
        local: exported
        for local, (specifier, exported) in module.imports.items()
        if specifier in _PACKAGES
        and exported in {"Header", "HttpCode", "Controller", "JsonController", *_ROUTE_DECORATORS}
    }


def _decorators_of(method: Node) -> list[Node]:
    """A method's decorators: children of the method in TypeScript's tree, or siblings just
    before it in the class body."""
    return [child for child in method.named_children if child.type == "decorator"] + _preceding(method)


def _preceding(node: Node) -> list[Node]:
    """The decorators written just before `node` (comments between them skipped)."""
    found = []
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type in {"decorator", "comment"}:
        if sibling.type == "decorator":
            found.append(sibling)
        sibling = sibling.prev_named_sibling
    return found


def _call(decorator: Node) -> Node | None:
    for child in decorator.named_children:
        if unwrap(child).type == "call_expression":
            return unwrap(child)
    return None


def _callee(module: JsModule, call: Node, names: dict[str, str]) -> tuple[str, list[Node]]:
    function = unwrap(call.child_by_field_name("function"))
    arguments = call.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    return names.get(module.text(function), ""), named


def _controller_path(module: JsModule, method: Node) -> str:
    """The prefix of `@Controller("feed")` / `@JsonController("/artist")` on the class."""
    node = method.parent
    while node is not None and node.type not in {"class_declaration", "class", "abstract_class_declaration"}:
        node = node.parent
    if node is None:
        return ""
    candidates = [child for child in node.named_children if child.type == "decorator"] + _preceding(node)
    if node.parent is not None and node.parent.type == "export_statement":
        candidates += [child for child in node.parent.named_children if child.type == "decorator"]
    names = _decorator_names(module)
    for decorator in candidates:
        call = _call(decorator)
        if call is None:
            continue
        name, arguments = _callee(module, call, names)
        if name in {"Controller", "JsonController"} and arguments:
            return string_value(arguments[0]) or ""
    return ""
