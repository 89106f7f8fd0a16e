"""Django's hand-written CORS layers: middleware (a class with `__call__`, or the
`process_request` / `process_response` of `MiddlewareMixin`; a function middleware),
and views that write the headers on the response they make.

Django runs a middleware's `process_request` (a response it returns answers the request),
then the view, then `process_response` on whatever response came back; a function view
runs for every method unless a decorator restricts it (`@require_GET`: 405), a class
view's `options()` answers OPTIONS with 200 and an `Allow` header."""

from __future__ import annotations

import ast
import copy
import re

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, Scope
from corslint.extractors.python_headers.class_view_verbs import get_only_view
from corslint.extractors.python_headers.django_layers import placed, placement
from corslint.extractors.python_headers.django_view_hooks import view_hook_units
from corslint.extractors.python_headers.frame import Alternative, dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import (
    Function,
    Phase,
    Unit,
    functions_in,
    method_parameters,
    parameters,
    request_response_phase,
    response_parameters,
    view_base,
    writes_cors,
)
from corslint.extractors.python_headers.views import class_view_phases, django_methods
from corslint.model import Value

VIEW_ANSWER = 200  # what a Django view answers to OPTIONS, as far as the code shows


def middleware_units(module: PythonModule, covered: set[Function], context: ProjectContext) -> list[Unit]:
    units: list[Unit] = view_hook_units(module, covered, context)
    for node in module.nodes:  # the module's walk, made once
        if isinstance(node, ast.ClassDef):
            unit = _class_middleware(module, node)
            if unit is not None:
                known = init_attributes(module, node, context)
                constants = setting_constants(module, context)
                for phase in unit.phases:
                    phase.known = {**phase.known, **known}
                    phase.values = {**constants, **phase.values}
            if unit is None and _unlisted_mixin(module, node, context):
                # a `MiddlewareMixin` subclass of no recognised shape that no MIDDLEWARE
                # entry names never runs: its methods are not hooks either
                covered.update(f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
            if unit is not None:
                covered.update(f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
                layer = placed(module, node, unit, context)
                if layer is not None:
                    units.append(layer)
    for outer in module.tree.body:
        if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or len(parameters(outer)) != 1:
            continue
        handed = parameters(outer)[0]
        for inner in functions_in(outer):
            if inner is outer or inner in covered or not writes_cors(module, inner):
                continue
            if not any(isinstance(n, ast.Call) and dotted(n.func) == handed for n in ast.walk(inner)):
                continue
            if _view_wrapper(inner) or not listed(module, outer.name, context):
                continue  # a view decorator (`def wrap(self, request, *args, **kwargs)`), read as one
            phase = Phase(
                module, inner, requests=frozenset(parameters(inner)[:1]), next_calls=frozenset({handed})
            )
            units.append(
                Unit(
                    "django",
                    "middleware",
                    module.location(outer),
                    [phase],
                    VIEW_ANSWER,
                    f"middleware {outer.name}()",
                )
            )
            covered.update(functions_in(outer))
            break
    return units


def _view_wrapper(inner: Function) -> bool:
    """Django hands a function middleware's inner function the request alone; a view
    decorator's wrapper takes the view's arguments (`*args, **kwargs`, a method's `self`)."""
    names = parameters(inner)
    return inner.args.vararg is not None or inner.args.kwarg is not None or names[:1] in (["self"], ["cls"])


def listed(module: PythonModule, name: str, context: ProjectContext) -> bool:
    """Whether the project's settings list the middleware, or no settings were found (a
    class no MIDDLEWARE setting names never runs: an old variant left in the file)."""
    settings = modules_mentioning(module, context, b"MIDDLEWARE")
    return not settings or any(name in other.text for other in settings)


def _unlisted_mixin(module: PythonModule, node: ast.ClassDef, context: ProjectContext) -> bool:
    """A `MiddlewareMixin` subclass no MIDDLEWARE setting lists (jaigarbu/biplipt-backend
    core/middleware/cors.py: `__call__(self, request, response)`, not in settings.MIDDLEWARE)."""
    mixin = any(dotted(base).split(".")[-1] == "MiddlewareMixin" for base in node.bases)
    return mixin and writes_cors(module, node) and placement(module, node, context).listed is False


def _class_middleware(module: PythonModule, node: ast.ClassDef) -> Unit | None:
    methods = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not ({"__call__", "process_request", "process_response"} & methods.keys()) or not writes_cors(
        module, node
    ):
        return None
    phases: list[Phase] = []
    call = methods.get("__call__")
    handing = {
        dotted(n.func)
        for n in ast.walk(call or node)
        if isinstance(n, ast.Call) and dotted(n.func).endswith("get_response")
    }
    if call is not None and handing:
        phases.append(
            Phase(
                module,
                call,
                requests=frozenset(method_parameters(call)[:1]),
                next_calls=frozenset(handing),
                owner=node,
            )
        )
    else:
        if "process_request" in methods:
            function = methods["process_request"]
            phases.append(
                Phase(
                    module,
                    function,
                    requests=frozenset(method_parameters(function)[:1]),
                    answers_on_return=True,
                    owner=node,
                )
            )
        if "process_response" in methods:
            function = methods["process_response"]
            phases.append(request_response_phase(module, function, method_parameters(function), node))
    if not phases:
        return None
    return Unit("django", "middleware", module.location(node), phases, VIEW_ANSWER, f"middleware {node.name}")


def view_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    for node in module.nodes:  # the module's walk, made once
        if isinstance(node, ast.ClassDef) and writes_cors(module, node):
            unit = _class_view(module, node)
            if unit is not None:
                units.append(unit)
                covered.update(f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
    for function in module.tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function in covered:
            continue
        names = parameters(function)
        if not names or names[0] not in {"request", "req"} or not writes_cors(module, function):
            continue
        if response_parameters(module, function, None):
            continue  # it is handed a response: a helper, read as one
        if any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(function)
            if n is not function
        ):
            continue  # a decorator or middleware factory, read elsewhere
        methods = django_methods(module, function)
        drf = any(
            "api_view" in dotted(d.func if isinstance(d, ast.Call) else d) for d in function.decorator_list
        )
        status: int | None = VIEW_ANSWER if methods is None or drf or "OPTIONS" in methods else None
        covered.add(function)
        units.append(
            Unit(
                "django",
                "view",
                module.location(function),
                [
                    Phase(
                        module,
                        function,
                        requests=frozenset(names[:1]),
                        base=view_base(methods),
                    )
                ],
                status,
                f"view {function.name}()",
                route_methods=methods,
            )
        )
    return units


def _class_view(module: PythonModule, node: ast.ClassDef) -> Unit | None:
    """A class-based view; `View.options()` answers OPTIONS (200) unless it is overridden."""
    phases = class_view_phases(module, node, request_parameter=True)
    if not phases:
        return None
    for phase in phases:
        # `View.setup()` stores the request as `self.request` before the handler runs
        # (census 7 B2, 13pi/HipstaChat api/views.py: a `finalize()` method reads it)
        phase.requests = phase.requests | {"self.request"}
        # `response = super().post(request, *args, **kwargs)`: the parent view's answer
        # (LibrePhotos/librephotos librephotos/urls.py, over simplejwt's token views)
        phase.next_calls = phase.next_calls | {f"super().{phase.function.name}"}
    unit = Unit("django", "view", module.location(node), phases, VIEW_ANSWER, f"view {node.name}")
    unit.evidence = get_only_view(module, node)  # `get()` alone: other methods get 405
    return unit


def init_attributes(module: PythonModule, node: ast.ClassDef, context: ProjectContext) -> dict[str, Value]:
    """`self.allow_origins = list(conf.get("allow_origins") or ["*"])` in a middleware's
    `__init__`, after `conf = getattr(settings, "PARTNER_CORS", {}) or {}` (census5 sample
    167, ijoojoo/pharma_mind_ai core/middleware/cors.py:22-40): Django builds the middleware
    once, so each attribute `__init__` binds once (and no other method rebinds) holds what
    it computes there. A `getattr(django.conf.settings, NAME, default)` of a setting no
    settings module of the project mentions is its default ("when NAME is unset")."""
    init = next(
        (f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"),
        None,
    )
    if init is None:
        return {}
    rebound = {
        target.attr
        for function in node.body
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is not init
        for statement in ast.walk(function)
        if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign))
        for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
        if isinstance(target, ast.Attribute) and dotted(target.value) == "self"
    }
    settings = modules_mentioning(module, context, b"MIDDLEWARE")
    local: dict[str, Value] = {}
    known: dict[str, Value] = {}
    for statement in init.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            if not isinstance(statement, ast.Expr):
                break  # an `if`, a loop: what follows may depend on it
            continue
        target = statement.targets[0]
        absent: list[str] = []
        read: dict[str, Value] = {}
        expression = _absent_settings(module, statement.value, settings, absent, read)
        value = module.resolve(expression, Scope({**local, **read}))
        variables = [
            local[n.id].env_var
            for n in ast.walk(statement.value)
            if isinstance(n, ast.Name) and n.id in local
        ]
        setting = absent[0] if absent else next((name for name in variables if name), None)
        if setting is not None and value.known and value.env_var is None:
            value = Value(value.raw, value.location, value.provenance, setting, value.description)
        if isinstance(target, ast.Name):
            local[target.id] = value
        elif (
            isinstance(target, ast.Attribute)
            and dotted(target.value) == "self"
            and value.known
            and target.attr not in rebound
            and f"self.{target.attr}" not in known
        ):
            known[f"self.{target.attr}"] = value
    return known


_SETTING_NAME = "__corslint_setting_"  # a placeholder no project code can bind


def setting_constants(module: PythonModule, context: ProjectContext) -> dict[str, list[Alternative]]:
    """Module constants read from the Django settings, `ALLOWED_ORIGINS = getattr(settings,
    "XS_SHARING_ALLOWED_ORIGINS", "*")` (the widely copied cross-domain XHR middleware
    snippet): the settings module's value where it binds one, else the default ("when
    XS_SHARING_ALLOWED_ORIGINS is unset"), as `__init__` attributes are read."""
    if "getattr" not in module.text:
        return {}
    settings: list[PythonModule] | None = None
    found: dict[str, list[Alternative]] = {}
    for statement in module.tree.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and len(module.assignments.get(statement.targets[0].id, ())) == 1
            and "getattr" in module.source(statement.value)
        ):
            continue
        if settings is None:
            settings = modules_mentioning(module, context, b"MIDDLEWARE")
        absent: list[str] = []
        read: dict[str, Value] = {}
        expression = _absent_settings(module, statement.value, settings, absent, read)
        if not absent and not read:
            continue  # no Django setting read here
        value = module.resolve(expression, Scope(read))
        if absent and value.known and value.env_var is None:
            value = Value(value.raw, value.location, value.provenance, absent[0], value.description)
        if value.known:
            found[statement.targets[0].id] = [Alternative((), value)]
    return found


class _AbsentSettings(ast.NodeTransformer):
    def __init__(
        self,
        module: PythonModule,
        settings: list[PythonModule],
        absent: list[str],
        read: dict[str, Value],
    ) -> None:
        self.module, self.settings, self.absent, self.read = module, settings, absent, read

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) in (2, 3)
            and not node.keywords
            and self.module.qualified_name(node.args[0]) == "django.conf.settings"
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and self.settings
        ):
            name = node.args[1].value
            binding = [other for other in self.settings if _sets(other, name)]
            if not binding and len(node.args) == 3:
                self.absent.append(name)
                return node.args[2]
            value = _bound_value(binding, name)
            if value is not None:
                # census 7 C3 (ChayannFamali/AutoHR core/cors.py): the project's own
                # middleware reads the settings module's value
                self.read[_SETTING_NAME + name] = value
                return ast.copy_location(ast.Name(id=_SETTING_NAME + name, ctx=ast.Load()), node)
        return self.generic_visit(node)


def _bound_value(binding: list[PythonModule], name: str) -> Value | None:
    """The one known value the settings modules binding `name` give it, if they agree."""
    values = [other.resolve_name(name) for other in binding]
    if not values or any(value is None or not value.known for value in values):
        return None
    first = values[0]
    assert first is not None
    return first if all(value is not None and value.raw == first.raw for value in values) else None


def _sets(settings: PythonModule, name: str) -> bool:
    """Whether a settings module binds `name` (star-imported too), or assigns it anywhere
    (under an `if`, in a `try`); a commented-out line sets nothing."""
    if settings.resolve_name(name) is not None:
        return True
    return re.search(rf"^[ \t]*{re.escape(name)}\s*[:=]", settings.text, re.MULTILINE) is not None


def _absent_settings(
    module: PythonModule,
    node: ast.expr,
    settings: list[PythonModule],
    absent: list[str],
    read: dict[str, Value],
) -> ast.expr:
    """`node` with each read of a Django setting no settings module mentions replaced by its
    default, and each read of a setting the settings bind to one known value by a name
    `read` binds to it (the nodes keep their places, so values keep where they are written)."""
    if "getattr" not in module.source(node):
        return node
    copied = copy.deepcopy(node)
    changed = _AbsentSettings(module, settings, absent, read).visit(copied)
    return changed if isinstance(changed, ast.expr) else node
