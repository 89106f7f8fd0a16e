"""The routes a Starlette / FastAPI app serves, and signs that it authenticates with an
Authorization header: what the rules weigh beside the CORS options."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from corslint.extractors.development_paths import is_test_path
from corslint.extractors.python import MAX_DEPTH, PythonModule
from corslint.extractors.python.flow import FUNCTIONS
from corslint.extractors.python.project_files import project_root, sources_holding
from corslint.extractors.starlette.arguments import arguments_of
from corslint.model import Evidence, Location, Route

APP_CLASSES = frozenset(
    {"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette"}
)
ROUTER_CLASSES = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter", "starlette.routing.Router"})
ROUTE_CLASSES = frozenset({"starlette.routing.Route", "fastapi.routing.APIRoute"})
HTTP_METHOD_DECORATORS = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "options": ("OPTIONS",),
    "head": ("HEAD",),
    "trace": ("TRACE",),
}
ENDPOINT_BASES = frozenset({"starlette.endpoints.HTTPEndpoint"})
ENDPOINT_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
BEARER_CLASSES = ("OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "HTTPBearer", "OAuth2")


def application_routes(module: PythonModule) -> tuple[Route, ...] | None:
    """Routes of the apps and routers defined in this module (and routers it includes)."""
    routes: list[Route] = []
    complete = True
    seen: set[str] = set()
    queue: list[tuple[PythonModule, set[str]]] = [(module, _bound_to(module, APP_CLASSES | ROUTER_CLASSES))]
    while queue:
        current, names = queue.pop()
        if current.path in seen:
            continue
        seen.add(current.path)
        routes.extend(_decorated_routes(current, names))
        routes.extend(_route_objects(current))
        for other in _imported_route_lists(current):
            if other.path not in seen:
                seen.add(other.path)
                routes.extend(_route_objects(other))
        for call in current.calls:
            if not (
                isinstance(call.func, ast.Attribute)
                and call.func.attr == "include_router"
                and (call.args or call.keywords)
            ):
                continue
            target = arguments_of(call)[0].value
            if isinstance(target, ast.Name) and target.id in names:
                continue
            found = None
            if current.project is not None:
                qualified = current.qualified_name(target)
                if qualified is not None and qualified != getattr(target, "id", None):
                    found = current.project.lookup(current, qualified)
            if found is None:
                complete = False
                continue
            other, name = found
            if isinstance(target, ast.Attribute):
                # `api.router` where api is a module: the router is `router` in that module
                name = target.attr
            # the module that imports the router may decorate routes on it too
            queue.append((other, {name} | _bound_to(other, ROUTER_CLASSES)))
            other, name = _defined_at(other, name)
            queue.append((other, {name} | _bound_to(other, ROUTER_CLASSES)))
    if not routes or not complete:
        return None
    return tuple(routes)


def _defined_at(module: PythonModule, name: str) -> tuple[PythonModule, str]:
    """A router a package's `__init__` re-exports (`from api.router import router`): the
    module that defines it, whose decorators and `include_router` calls add its routes
    (volturine/polars-fastapi-svelte, set 22: `api/__init__.py` -> `api/router.py`)."""
    for _ in range(MAX_DEPTH):
        qualified = module.imports.get(name)
        if qualified is None or name in module.assignments or module.project is None:
            break
        found = module.project.lookup(module, qualified)
        if found is None:
            break
        module, name = found
    return module, name


def helper_caller_routes(
    module: PythonModule,
    receiver: ast.expr | None,
    shared: dict[str, object],
) -> tuple[Route, ...] | None:
    """`def setup_cors(app): app.add_middleware(CORSMiddleware, ...)` in a module without
    the app: the routes of the app its callers pass, when every caller is in one module
    that builds the app (`setup_cors(app)` beside `app = FastAPI()`, the helper imported
    through a package's `__init__`; MohmdFo/kong-auth, set 20). Tests aside."""
    project = module.project
    if not isinstance(receiver, ast.Name) or project is None:
        return None
    function = next(
        (
            node
            for node in module.tree.body
            if isinstance(node, FUNCTIONS)
            and receiver.id in [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            and any(inner is receiver for inner in ast.walk(node))
        ),
        None,
    )
    if function is None:
        return None
    sources = sources_holding(module.path, f"{function.name}(".encode(), shared)
    top = project_root(module.path).resolve()
    callers = [
        (file, text)
        for file, text in sources or []
        if file.resolve() != Path(module.real_path()).resolve()
        and file.resolve().is_relative_to(top)
        and not is_test_path(file.resolve().relative_to(top).as_posix())
        and f"def {function.name}(" not in text
    ]
    if len(callers) != 1:
        return None
    caller = project.module_at(callers[0][0], project.display_path(module.path, callers[0][0]))
    if caller is None or not _bound_to(caller, APP_CLASSES):
        return None
    return application_routes(caller)


def _bound_to(module: PythonModule, classes: frozenset[str]) -> set[str]:
    names: set[str] = set()

    for node in module.nodes:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and (module.qualified_name(node.value.func) or "") in classes
        ):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def _decorated_routes(module: PythonModule, owners: set[str]) -> list[Route]:
    routes: list[Route] = []

    functions = [node for node in module.nodes if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    functions.sort(key=lambda node: (node.lineno, node.col_offset))
    for function in functions:
        for decorator in function.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            owner = decorator.func.value
            if not (isinstance(owner, ast.Name) and owner.id in owners):
                continue
            methods = _route_methods(module, decorator, decorator.func.attr)
            if methods is not None:
                routes.append(
                    Route(_route_path(module, decorator), methods, _decorator_location(module, decorator))
                )
    return routes


def _decorator_location(module: PythonModule, decorator: ast.expr) -> Location:
    """From the `@`, which ast leaves out of the decorator's expression."""
    span = module.location(decorator)
    line = module.lines[span.line - 1] if span.line <= len(module.lines) else ""
    at = line.rfind("@", 0, span.column - 1)
    column = at + 1 if at >= 0 else span.column
    return Location(span.path, span.line, column, span.end_line, span.end_column)


def _route_methods(module: PythonModule, call: ast.Call, verb: str) -> tuple[str, ...] | None:
    if verb in HTTP_METHOD_DECORATORS:
        return HTTP_METHOD_DECORATORS[verb]
    if verb not in {"api_route", "route", "add_api_route", "add_route"}:
        return None
    for keyword in call.keywords:
        if keyword.arg == "methods":
            value = module.resolve(keyword.value)
            if value.known and isinstance(value.raw, tuple):
                methods = [item.raw.upper() for item in value.raw if item.known and isinstance(item.raw, str)]
                return tuple(methods)
            return None
    return ("GET",) if verb in {"api_route", "add_api_route"} else ("GET", "HEAD")


def _route_path(module: PythonModule, call: ast.Call) -> str:
    if call.args and not isinstance(call.args[0], ast.Starred):
        value = module.resolve(call.args[0])
        if value.known and isinstance(value.raw, str):
            return value.raw
    return "?"


def _route_objects(module: PythonModule) -> list[Route]:
    routes: list[Route] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in ROUTE_CLASSES:
            continue
        methods = _endpoint_class_methods(module, call)
        if methods is None:
            methods = _route_methods(module, call, "route")
        if methods is not None:
            routes.append(Route(_route_path(module, call), methods, module.location(call)))
    return routes


def _imported_route_lists(module: PythonModule) -> list[PythonModule]:
    """The modules that define the `routes=` list an app or router of this module imports
    (`from app.api.routes import routes`; `Starlette(routes=routes)`)."""
    found: list[PythonModule] = []
    if module.project is None:
        return found
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in APP_CLASSES | ROUTER_CLASSES:
            continue
        for keyword in call.keywords:
            if keyword.arg != "routes" or not isinstance(keyword.value, ast.Name):
                continue
            imported = module.imports.get(keyword.value.id)
            hit = module.project.lookup(module, imported) if imported else None
            if hit is not None and hit[0] is not module:
                found.append(hit[0])
    return found


def _endpoint_class_methods(module: PythonModule, call: ast.Call) -> tuple[str, ...] | None:
    """`Route("/user", UserView)` with a class endpoint and no `methods=`: Starlette routes
    every method to the class, which answers those it defines (`get` also serves HEAD) and
    405s the rest. None where the endpoint is not a project class or the `methods` are given."""
    if any(keyword.arg == "methods" for keyword in call.keywords):
        return None
    endpoint = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "endpoint":
            endpoint = keyword.value
    if endpoint is None or isinstance(endpoint, ast.Starred):
        return None
    found = module.class_named(endpoint)
    if found is None:
        return None
    names = _handler_names(*found, depth=0)
    if names is None:
        return None
    methods = [method for method in ENDPOINT_METHODS if method.lower() in names]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return tuple(methods)


def _handler_names(module: PythonModule, class_def: ast.ClassDef, depth: int) -> set[str] | None:
    """The method names a class and its project bases define; None where a base other than
    Starlette's HTTPEndpoint cannot be read (it could define more handlers)."""
    names = {statement.name for statement in class_def.body if isinstance(statement, FUNCTIONS)}
    for base in class_def.bases:
        if (module.qualified_name(base) or "") in ENDPOINT_BASES:
            continue
        found = module.class_named(base)
        if found is None or found[1] is class_def or depth >= MAX_DEPTH:
            return None
        inherited = _handler_names(*found, depth=depth + 1)
        if inherited is None:
            return None
        names |= inherited
    return names


def bearer_evidence(module: PythonModule) -> list[Evidence]:
    """Signs that the app authenticates with an Authorization header."""
    found: list[Evidence] = []
    modules = [module]
    if module.project is not None:
        screened: dict[Path, bool] = {}
        for qualified in set(module.imports.values()):
            if "." in qualified and _may_hold_bearer_evidence(module, qualified, screened):
                hit = module.project.lookup(module, qualified)
                if hit is not None and hit[0] is not module and hit[0] not in modules:
                    modules.append(hit[0])
    for current in modules:
        for call in current.calls:
            qualified = current.qualified_name(call.func) or ""
            if qualified.split(".")[-1] in BEARER_CLASSES and qualified.startswith("fastapi"):
                found.append(Evidence("bearer-auth", f"{qualified.split('.')[-1]}()", current.location(call)))
                continue
            reads_header = (isinstance(call.func, ast.Attribute) and call.func.attr == "get") or (
                qualified.endswith("Header")
            )
            if reads_header and any(_is_authorization(arg.value) for arg in arguments_of(call)):
                found.append(Evidence("bearer-auth", "the Authorization header", current.location(call)))
    return found


# a star import may bring a bearer class under another name (`from .deps import *`)
_STAR_IMPORT = re.compile(rb"import[ \t\\\r\n]*\*")


def _may_hold_bearer_evidence(module: PythonModule, qualified: str, screened: dict[Path, bool]) -> bool:
    """(PERF) Whether the module `qualified` comes from can hold evidence, by its bytes: an
    `Authorization` string, a bearer class's name, or a star import. The others are not
    parsed (54 imported modules on a tree of real projects, most of them for nothing).
    `screened` keeps each module's answer, read once however many names it gives."""
    assert module.project is not None
    path = module.project.find_module(module, qualified.rpartition(".")[0])
    if path is None:
        return True  # the lookup finds nothing either
    if path not in screened:
        screened[path] = _bytes_may_hold_bearer_evidence(path)
    return screened[path]


def _bytes_may_hold_bearer_evidence(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return True
    lowered = data.lower()
    return (
        b"authorization" in lowered
        or b"oauth2" in lowered
        or b"httpbearer" in lowered
        or _STAR_IMPORT.search(data) is not None
    )


def _is_authorization(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and str(node.value).lower() == "authorization"
