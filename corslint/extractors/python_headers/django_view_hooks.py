"""A Django class view's own hooks around its handlers, written to add CORS headers to
every response of the views that use them: a `dispatch(self, request, ...)` override
(often a mixin: `response = super().dispatch(request, *args, **kwargs)`, then the
headers), and Django REST framework's `finalize_response(self, request, response, ...)`.

Django's `View.dispatch` hands each request to the handler named by its method, OPTIONS
to `View.options()` (200 with an `Allow` header); DRF's `APIView.dispatch` passes every
response, its OPTIONS metadata answer and its error answers too, through
`finalize_response`. So what the override writes reaches every response, preflights
included, and `self.request` is the request (`View.setup()` stores it)."""

from __future__ import annotations

import ast
import copy

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Function, Phase, Unit, method_parameters, writes_cors

VIEW_ANSWER = 200  # View.options() and DRF's APIView.options() answer OPTIONS with 200
_HOOKS = ("dispatch", "finalize_response", "default_response_headers")
# the classes a view hook is written on, when the class itself names one as a base
_VIEW_BASES = frozenset(
    {
        "View",
        "TemplateView",
        "APIView",
        "GenericAPIView",
        "ViewSet",
        "GenericViewSet",
        "ModelViewSet",
        "ReadOnlyModelViewSet",
    }
)


def view_hook_units(module: PythonModule, covered: set[Function], context: ProjectContext) -> list[Unit]:
    units: list[Unit] = []
    for node in module.nodes:  # the module's walk, made once
        if not isinstance(node, ast.ClassDef):
            continue
        methods = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
        hook = next((methods[name] for name in _HOOKS if name in methods), None)
        if hook is None or hook in covered or not _writes(module, node, hook, methods):
            continue
        if hook.name == "default_response_headers":
            found = _headers_property(hook)
            if found is None or not (_is_view(node) or _subclassed(module, node, context)):
                continue
            phase = Phase(
                module, found[0], requests=frozenset({"self.request"}), responses=found[1], owner=node
            )
        else:
            names = method_parameters(hook)
            if not names:
                continue
            if not _is_view(node) and not _subclassed(module, node, context):
                continue  # a mixin no view uses never runs
            requests = frozenset({names[0], "self.request"})
            if hook.name == "finalize_response":
                if len(names) < 2:
                    continue
                phase = Phase(
                    module,
                    hook,
                    requests=requests,
                    responses=frozenset(names[1:2]),
                    next_calls=frozenset({"super().finalize_response"}),
                    owner=node,
                )
            else:
                phase = Phase(module, hook, requests=requests, next_calls=_dispatch_calls(hook), owner=node)
        units.append(
            Unit(
                "django",
                "view",
                module.location(node),
                [phase],
                VIEW_ANSWER,
                f"view {node.name}.{hook.name}()",
            )
        )
        covered.update(methods.values())
    return units


def _headers_property(hook: Function) -> tuple[Function, frozenset[str]] | None:
    """DRF's `default_response_headers` property, overridden to add CORS headers to the
    dict its parent builds (`headers = super().default_response_headers`, then
    `headers["Access-Control-Allow-Origin"] = "*"`): `finalize_response` copies that dict
    onto every response, OPTIONS answers and errors included. Read as the statements after
    that binding, writing onto the response; None for any other shape."""
    if not any(isinstance(d, ast.Name) and d.id == "property" for d in hook.decorator_list):
        return None
    for index, statement in enumerate(hook.body):
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and _parent_headers(statement.value)
        ):
            rest = hook.body[index + 1 :]
            if not rest:
                return None
            function = copy.copy(hook)  # the same node's fields, a shorter body
            function.body, function.decorator_list = rest, []
            return function, frozenset({statement.targets[0].id})
    return None


def _parent_headers(node: ast.expr) -> bool:
    """`super().default_response_headers`, or its `.fget(self)` spelling."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "fget":
        node = node.func.value
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "default_response_headers"
        and (
            isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "super"
        )
    )


def _writes(module: PythonModule, node: ast.ClassDef, hook: Function, methods: dict[str, Function]) -> bool:
    """The hook writes a CORS header, itself or through a method of its class it calls
    (`return self.finalize(response)`, 13pi/HipstaChat api/views.py)."""
    if writes_cors(module, hook):
        return True
    called = {
        n.func.attr
        for n in ast.walk(hook)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and dotted(n.func.value) == "self"
    }
    return any(name in methods and writes_cors(module, methods[name]) for name in called)


def _dispatch_calls(hook: Function) -> frozenset[str]:
    """What hands the request on: `super().dispatch(...)`, or the handler the override
    looks up itself, as `View.dispatch` does (`handler = getattr(self, method, ...)`)."""
    found = {"super().dispatch"}
    for statement in ast.walk(hook):
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and _self_lookup(statement.value)
        ):
            found.add(statement.targets[0].id)
    return frozenset(found)


def _self_lookup(node: ast.expr) -> bool:
    if isinstance(node, ast.IfExp):
        return _self_lookup(node.body) or _self_lookup(node.orelse)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and bool(node.args)
        and dotted(node.args[0]) == "self"
    )


def _is_view(node: ast.ClassDef) -> bool:
    return any(dotted(base).rsplit(".", 1)[-1] in _VIEW_BASES for base in node.bases)


def _subclassed(module: PythonModule, node: ast.ClassDef, context: ProjectContext) -> bool:
    """Some class of the project names this one as a base (the views using a mixin)."""
    others = [module, *modules_mentioning(module, context, node.name.encode())]
    return any(
        isinstance(other_node, ast.ClassDef)
        and other_node is not node
        and any(dotted(base).rsplit(".", 1)[-1] == node.name for base in other_node.bases)
        for other in others
        for other_node in ast.walk(other.tree)
    )
