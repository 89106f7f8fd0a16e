"""FastAPI / Starlette ``CORSMiddleware`` configurations, read with `ast`."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from corslint.extractors import ProjectContext
from corslint.extractors.python import (
    PythonModule,
    child_nodes,
    is_development_path,
    seen_from,
    walk,
)
from corslint.model import CorsPolicy, Evidence, Extraction, Location, Provenance, Route, Value

NEEDLES = (b"CORSMiddleware",)

CORS_CLASSES = frozenset(
    {"fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"}
)
MIDDLEWARE_WRAPPERS = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
APP_CLASSES = frozenset(
    {"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette"}
)
ROUTER_CLASSES = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter", "starlette.routing.Router"})
ROUTE_CLASSES = frozenset({"starlette.routing.Route", "fastapi.routing.APIRoute"})
# CORSMiddleware.__init__'s parameters after `app`, for positional arguments
POSITIONAL = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "allow_private_network",
    "expose_headers",
    "max_age",
)
PARAMETERS = frozenset({"app", *POSITIONAL})
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
BEARER_CLASSES = ("OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "HTTPBearer", "OAuth2")
_DEBUG_GUARD = re.compile(r"\b(debug|development|dev|local)\b", re.IGNORECASE)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    guarded = _debug_guarded_calls(module)
    routes = _application_routes(module)
    evidence = tuple(_bearer_evidence(module))
    pipelines = _pipelines(module)
    for call in module.calls:
        options_call = _cors_options(module, call)
        if options_call is None:
            continue
        arguments, skip_positional = options_call
        options = _read_options(module, arguments, skip_positional)
        unknown = tuple(_unknown_options(options))
        app, branch = pipelines.get(id(call), ("", ""))
        policies.append(
            CorsPolicy(
                framework="starlette",
                location=module.location(call),
                options=options,
                routes=routes,
                evidence=evidence + unknown,
                development_only=is_development_path(path) or id(call) in guarded,
                app=app,
                branch=branch,
            )
        )
    return Extraction(policies=tuple(policies))


@dataclass(frozen=True)
class Argument:
    """One argument of a call, in source order: `star` is "", "*" or "**"."""

    value: ast.expr
    keyword: str | None = None
    star: str = ""


def arguments_of(call: ast.Call) -> list[Argument]:
    found = [
        Argument(arg.value, star="*") if isinstance(arg, ast.Starred) else Argument(arg) for arg in call.args
    ]
    found.extend(
        Argument(item.value, item.arg) if item.arg is not None else Argument(item.value, star="**")
        for item in call.keywords
    )
    found.sort(key=lambda argument: (argument.value.lineno, argument.value.col_offset))
    return found


def _cors_options(module: PythonModule, call: ast.Call) -> tuple[list[Argument], int] | None:
    """The call's arguments that configure CORSMiddleware, and how many positionals to skip."""
    qualified = module.qualified_name(call.func) or ""
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if isinstance(call.func, ast.Attribute) and call.func.attr == "add_middleware":
        if positional and (module.qualified_name(positional[0]) or "") in CORS_CLASSES:
            return arguments_of(call), 1
        return None
    if qualified in MIDDLEWARE_WRAPPERS:
        if positional and (module.qualified_name(positional[0]) or "") in CORS_CLASSES:
            return arguments_of(call), 1
        return None
    if qualified in CORS_CLASSES:
        return arguments_of(call), 1
    return None


def _unknown_options(options: dict[str, Value]) -> Iterator[Evidence]:
    """Keywords CORSMiddleware.__init__ does not take: Starlette then fails to start."""
    for name, value in options.items():
        if name in PARAMETERS or name in ("*", "**"):
            continue
        import difflib  # only for a misspelt name: a run with none never pays for it

        close = difflib.get_close_matches(name, POSITIONAL, n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}=`?)" if close else ""
        yield Evidence(
            "unknown-option",
            f"`{name}=` is not a CORSMiddleware argument{hint}; the app fails to start "
            "with `TypeError: ... got an unexpected keyword argument`",
            value.location,
        )


def _read_options(module: PythonModule, arguments: list[Argument], skip: int) -> dict[str, Value]:
    options: dict[str, Value] = {}
    index = 0
    for arg in arguments:
        if arg.star == "**":
            expanded = module.resolve(arg.value)
            if expanded.known and isinstance(expanded.raw, dict):
                for key, value in expanded.raw.items():
                    options[str(key)] = seen_from(value, module, module.location(arg.value))
            else:
                options["**"] = Value(
                    None, module.location(arg.value), Provenance.UNKNOWN, description=module.source(arg.value)
                )
            continue
        if arg.star == "*":
            options["*"] = Value(
                None, module.location(arg.value), Provenance.UNKNOWN, description=module.source(arg.value)
            )
            continue
        if arg.keyword is not None:
            options[arg.keyword] = module.resolve(arg.value)
            continue
        if index >= skip and index - skip < len(POSITIONAL):
            options[POSITIONAL[index - skip]] = module.resolve(arg.value)
        index += 1
    return options


def _pipelines(module: PythonModule) -> dict[int, tuple[str, str]]:
    """For each call, a key naming the application pipeline it configures, and the arms
    of `if`s and `match`es around it (see `model.exclusive_arms`).

    Two CORS layers share a key when they apply to the same app: the same receiver of
    `add_middleware`, or the same `middleware=[...]` list, within the same function.
    """
    visitor = _PipelineVisitor(module)
    visitor.visit(module.tree)
    return visitor.keys


class _PipelineVisitor(ast.NodeVisitor):
    """The walk behind `_pipelines`: a pre-order walk that tracks functions and arms."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.keys: dict[int, tuple[str, str]] = {}
        self.functions: list[str] = []
        self.stack: list[str] = []  # the arms

    def visit(self, node: ast.AST) -> None:
        # a dict by node type, not NodeVisitor's "visit_" + class name lookup per node
        handler = _PIPELINE_HANDLERS.get(type(node))
        if handler is None:
            self.generic_visit(node)
        else:
            handler(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        for child in child_nodes(node):  # names, constants and the like hold no call
            self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(f"def {node.name}@{node.lineno}")
        self.generic_visit(node)
        self.functions.pop()

    def visit_If(self, node: ast.If) -> None:
        stack = self.stack
        self.visit(node.test)
        stack.append(f"if@{node.lineno}")
        for statement in node.body:
            self.visit(statement)
        stack.pop()
        if node.orelse:
            stack.append(f"else@{node.lineno}")
            for statement in node.orelse:
                self.visit(statement)
            stack.pop()

    def visit_Match(self, node: ast.Match) -> None:
        """Each `case` is an arm, as `if` and `else` are: layers in two arms never meet."""
        self.visit(node.subject)
        for number, case in enumerate(node.cases):
            self.stack.append(f"case{number}@{node.lineno}")
            self.generic_visit(case)
            self.stack.pop()

    def visit_List(self, node: ast.List) -> None:
        for element in node.elts:
            if isinstance(element, ast.Call):
                self.keys[id(element)] = self.key(f"list@{node.lineno}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware":
            self.keys[id(node)] = self.key(self.module.source(node.func.value))
        elif id(node) not in self.keys and (node.args or node.keywords):
            first = arguments_of(node)[0]
            self.keys[id(node)] = self.key(f"wrap {self.module.source(first.value)}")
        self.generic_visit(node)

    def key(self, receiver: str) -> tuple[str, str]:
        return "::".join([self.module.path, *self.functions, receiver]), "/".join(self.stack)


_PIPELINE_HANDLERS: dict[type[ast.AST], Callable[[_PipelineVisitor, Any], None]] = {
    ast.FunctionDef: _PipelineVisitor.visit_FunctionDef,
    ast.AsyncFunctionDef: _PipelineVisitor.visit_FunctionDef,
    ast.If: _PipelineVisitor.visit_If,
    ast.Match: _PipelineVisitor.visit_Match,
    ast.List: _PipelineVisitor.visit_List,
    ast.Call: _PipelineVisitor.visit_Call,
}


def _debug_guarded_calls(module: PythonModule) -> set[int]:
    """ids of calls under an `if` whose test reads a debug / development switch, or in a
    `match` arm whose subject and pattern name one."""
    guarded: set[int] = set()
    for node in module.nodes:
        if isinstance(node, ast.If) and _DEBUG_GUARD.search(module.source(node.test)):
            bodies = [node.body]
        elif isinstance(node, ast.Match):
            subject = module.source(node.subject)
            bodies = [
                case.body
                for case in node.cases
                if _DEBUG_GUARD.search(f"{subject} {module.source(case.pattern)}")
            ]
        else:
            continue
        for body in bodies:
            for statement in body:
                guarded.update(id(call) for call in walk(statement) if isinstance(call, ast.Call))
    return guarded


def _application_routes(module: PythonModule) -> tuple[Route, ...] | None:
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
            queue.append((other, {name} | _bound_to(other, ROUTER_CLASSES)))
    if not routes or not complete:
        return None
    return tuple(routes)


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
        methods = _route_methods(module, call, "route")
        if methods is not None:
            routes.append(Route(_route_path(module, call), methods, module.location(call)))
    return routes


def _bearer_evidence(module: PythonModule) -> list[Evidence]:
    """Signs that the app authenticates with an Authorization header."""
    found: list[Evidence] = []
    modules = [module]
    if module.project is not None:
        for qualified in set(module.imports.values()):
            if "." in qualified:
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


def _is_authorization(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and str(node.value).lower() == "authorization"
