"""Routes: urlpatterns and the methods their views accept."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from corslint.extractors.django.module_paths import display_path
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.django.syntax import DEFINITIONS, call_arguments
from corslint.extractors.python import PythonModule
from corslint.model import Route

ALL_VIEWSET_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
VIEWSET_ACTIONS = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}
VIEWSET_BASES = {
    "ModelViewSet": ALL_VIEWSET_METHODS,
    "ReadOnlyModelViewSet": ("GET",),
    "CreateModelMixin": ("POST",),
    "UpdateModelMixin": ("PUT", "PATCH"),
    "DestroyModelMixin": ("DELETE",),
    "ListModelMixin": ("GET",),
    "RetrieveModelMixin": ("GET",),
    "CreateAPIView": ("POST",),
    "UpdateAPIView": ("PUT", "PATCH"),
    "DestroyAPIView": ("DELETE",),
    "ListCreateAPIView": ("GET", "POST"),
    "RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    "RetrieveDestroyAPIView": ("GET", "DELETE"),
    "RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
}
HANDLER_METHODS = ("get", "post", "put", "patch", "delete")
METHOD_DECORATORS = {
    "require_POST": ("POST",),
    "require_GET": ("GET",),
    "require_safe": ("GET", "HEAD"),
}


@dataclass
class UrlScan:
    """What urlpatterns show: routes whose methods are visible, and every path."""

    routes: list[Route] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # every pattern, views known or not
    complete: bool = True  # False when an include or a urlpatterns could not be followed
    seen: set[str] = field(default_factory=set)


def url_scan(leaf: PythonModule, namespace: Namespace) -> UrlScan | None:
    urlconf = namespace.value("ROOT_URLCONF")
    if urlconf is None or not urlconf.known or not isinstance(urlconf.raw, str) or leaf.project is None:
        return None
    module = _module_named(leaf, urlconf.raw)
    if module is None:
        return None
    scan = UrlScan()
    _collect_routes(module, "/", scan)
    return scan


def _module_named(importer: PythonModule, dotted: str) -> PythonModule | None:
    project = importer.project
    if project is None:
        return None
    path = project.find_module(importer, dotted)
    return project.module_at(path, display_path(importer, path)) if path is not None else None


def _collect_routes(module: PythonModule, prefix: str, scan: UrlScan) -> None:
    if module.path in scan.seen or len(scan.seen) > 50:
        scan.complete = scan.complete and module.path in scan.seen
        return
    scan.seen.add(module.path)
    lists, complete = _urlpattern_lists(module)
    scan.complete = scan.complete and complete
    for node in lists:
        for element in node.elts:
            call = element.value if isinstance(element, ast.Starred) else element
            arguments = call_arguments(call) if isinstance(call, ast.Call) else []
            if not isinstance(call, ast.Call) or len(arguments) < 2:
                scan.complete = False
                continue
            route = module.resolve(arguments[0])
            path = prefix + (
                route.raw.lstrip("^").rstrip("$") if route.known and isinstance(route.raw, str) else "?"
            )
            view = arguments[1]
            if isinstance(view, ast.Call) and (module.qualified_name(view.func) or "").endswith("include"):
                _include(module, view, path, scan)
                continue
            scan.paths.append(path)
            methods = _view_methods(module, view)
            if methods:
                scan.routes.append(Route(path, methods, module.location(call)))


def _urlpattern_lists(module: PythonModule) -> tuple[list[ast.List], bool]:
    """The list literals bound to `urlpatterns`, and whether that is all of it."""
    lists: list[ast.List] = []
    complete = True
    for statement in module.tree.body:
        value: ast.expr | None = None
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in statement.targets)
        ) or (
            isinstance(statement, ast.AugAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == "urlpatterns"
        ):
            value = statement.value
        if isinstance(value, ast.List):
            lists.append(value)
        elif value is not None:
            complete = False  # `urlpatterns = [...] + static(...)` and the like
    return lists, complete and bool(lists)


def _include(module: PythonModule, call: ast.Call, prefix: str, scan: UrlScan) -> None:
    arguments = call_arguments(call)
    if not arguments:
        scan.complete = False
        return
    target = arguments[0]
    if isinstance(target, ast.Tuple) and target.elts:
        first = target.elts[0]
        target = first.value if isinstance(first, ast.Starred) else first
    resolved = module.resolve(target)
    if resolved.known and isinstance(resolved.raw, str):
        other = _module_named(module, resolved.raw)
        if other is not None:
            _collect_routes(other, prefix, scan)
            return
    # include(router.urls): a DRF router's registered viewsets
    if isinstance(target, ast.Attribute) and target.attr == "urls" and isinstance(target.value, ast.Name):
        _router_routes(module, target.value.id, prefix, scan)
        return
    scan.complete = False


def _router_routes(module: PythonModule, router: str, prefix: str, scan: UrlScan) -> None:
    for statement in module.tree.body:
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            continue
        call = statement.value
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "register"
            and isinstance(func.value, ast.Name)
            and func.value.id == router
        ):
            continue
        arguments = call_arguments(call)
        if len(arguments) < 2:
            continue
        route = module.resolve(arguments[0])
        path = prefix + (route.raw if route.known and isinstance(route.raw, str) else "?")
        scan.paths.append(path)
        methods = _class_methods(module, arguments[1])
        if methods:
            scan.routes.append(Route(path, methods, module.location(call)))


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _definition(module: PythonModule, node: ast.expr) -> tuple[PythonModule, ast.stmt] | None:
    """The function or class a view expression names, in this module or an in-tree one."""
    if isinstance(node, ast.Name):
        for statement in module.tree.body:
            if isinstance(statement, DEFINITIONS) and statement.name == node.id:
                return module, statement
    qualified = module.qualified_name(node)
    if qualified is None or module.project is None or "." not in qualified:
        return None
    found = module.project.lookup(module, qualified)
    if found is None:
        return None
    other, name = found
    if other is module:
        return None
    return _definition(other, ast.Name(name))


def _view_methods(module: PythonModule, view: ast.expr) -> tuple[str, ...]:
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        arguments = call_arguments(view)
        actions = arguments[0] if arguments else None
        if isinstance(actions, ast.Dict):
            methods = []
            for key in actions.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, (str, bytes)):
                    methods.append(str(key.value).upper())
            return tuple(methods)
        return _class_methods(module, view.func.value)
    found = _definition(module, view)
    if found is None or not isinstance(found[1], _FUNCTIONS):
        return ()
    return _function_methods(found[0], found[1])


def _function_methods(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[str, ...]:
    for node in function.decorator_list:
        call = node if isinstance(node, ast.Call) else None
        name = (module.qualified_name(call.func if call is not None else node) or "").rsplit(".", 1)[-1]
        if name in METHOD_DECORATORS:
            return METHOD_DECORATORS[name]
        if name in {"require_http_methods", "api_view"}:
            arguments = call_arguments(call) if call is not None else []
            if not arguments:
                return ("GET",) if name == "api_view" else ()
            listed = module.resolve(arguments[0])
            if listed.known and isinstance(listed.raw, tuple):
                return tuple(str(item.raw).upper() for item in listed.raw if item.known)
    return ()


def _class_methods(module: PythonModule, node: ast.expr) -> tuple[str, ...]:
    found = _definition(module, node)
    if found is None:
        return ()
    owner, class_def = found
    if not isinstance(class_def, ast.ClassDef):
        return ()
    methods: list[str] = []
    for base in class_def.bases:
        base_node = base.value if isinstance(base, ast.Starred) else base
        name = (owner.qualified_name(base_node) or "").rsplit(".", 1)[-1]
        methods.extend(VIEWSET_BASES.get(name, ()))
    for statement in class_def.body:
        if not isinstance(statement, _FUNCTIONS):
            continue
        name = statement.name
        if name in HANDLER_METHODS:
            methods.append(name.upper())
        elif name in VIEWSET_ACTIONS:
            methods.append(VIEWSET_ACTIONS[name])
        methods.extend(_action_methods(owner, statement))
    return tuple(dict.fromkeys(methods))


def _action_methods(module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """DRF `@action(detail=True, methods=["post"])` extra routes on a viewset."""
    for call in function.decorator_list:
        if not isinstance(call, ast.Call):
            continue
        if (module.qualified_name(call.func) or "").rsplit(".", 1)[-1] != "action":
            continue
        for keyword in call.keywords:
            if keyword.arg == "methods":
                listed = module.resolve(keyword.value)
                if listed.known and isinstance(listed.raw, tuple):
                    return [str(item.raw).upper() for item in listed.raw if item.known]
        return ["GET"]
    return []
