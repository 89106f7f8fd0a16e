"""Options a CORS middleware class keeps in `__init__` (`self.allow_origins =
allow_origins or ["*"]`), read with the keywords the app registers it with: Starlette's
`middleware=[(CrossOriginMiddleware, [], {"allow_origins": ["*"]})]`,
`Middleware(Cls, allow_origins=[...])`, `app.add_middleware(Cls, ...)` (AndersonFirmino/
FoxMDViewer foxmdviewer/middleware/cors.py + main.py, census 5 P17). Where no
registration is found, the defaults; where registrations differ or cannot be read
(`**options`), nothing is bound and the values stay unknown. The same for Starlette
`BaseHTTPMiddleware` subclasses added with `app.add_middleware(OpenCORS)`
(CarlosMaroRuiz/LearnSqlAlchemy middleware/cors_middleware.py, census 6 P4)."""

from __future__ import annotations

import ast
import copy

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import Alternative, Frame, dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Unit, parameters
from corslint.model import Value

Keywords = dict[str, Value]


def bind_class_options(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    for unit in units:
        if unit.kind not in {"asgi", "starlette"}:  # raw ASGI classes, `BaseHTTPMiddleware`s
            continue
        for phase in unit.phases:
            if phase.owner is not None and phase.module is module:
                phase.known.update(_options(module, phase.owner, context))


def _options(module: PythonModule, owner: ast.ClassDef, context: ProjectContext) -> dict[str, Value]:
    init = next((f for f in owner.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
    if init is None:
        return {}
    registered = _registrations(module, owner, context)
    if registered is None or len({repr(sorted(k.items())) for k in registered}) > 1:
        return {}
    given = registered[0] if registered else {}
    names = parameters(init)[2:]  # self, and the app it wraps
    defaults = dict(zip(names[len(names) - len(init.args.defaults) :], init.args.defaults, strict=True))
    defaults.update(
        {a.arg: d for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True) if d is not None}
    )
    values: dict[str, list[Alternative]] = {}
    made: dict[str, ast.expr] = {}  # a parameter handed the result of a call this module can make
    for name in [*names, *(a.arg for a in init.args.kwonlyargs)]:
        if name in given and isinstance(given[name].raw, _Made):
            call = _local_call(module, given[name].raw.qualified)
            if call is None:
                return {}
            made[name] = call
        elif name in given:
            values[name] = [Alternative((), given[name])]
        elif name in defaults:
            values[name] = [Alternative((), module.resolve(defaults[name]))]
        else:
            return {}
    frame = Frame(module, "asgi", frozenset(), values=values)
    found: dict[str, Value] = {}
    for statement in init.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target = statement.targets[0]
        if isinstance(target, ast.Attribute) and dotted(target.value) == "self":
            value = frame.resolve(_with_calls(statement.value, made) if made else statement.value)
            if value.known:
                found[f"self.{target.attr}"] = value
    return found


class _Made(str):
    """A registration keyword holding what a call returned (`settings=settings` after
    `settings = get_settings()` in the app factory): the call's qualified name."""

    @property
    def qualified(self) -> str:
        return str(self)


def _made_by_call(site: PythonModule, node: ast.expr) -> Value | None:
    """`settings` in `add_middleware(Cls, settings=settings)`, bound once in the enclosing
    function to a call of a project function (`settings = get_settings()`: ConceptCodes/
    bridge src/app.py, census 6 P4)."""
    if not isinstance(node, ast.Name):
        return None
    for function in ast.walk(site.tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        bound = [
            s.value
            for s in ast.walk(function)
            if isinstance(s, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in s.targets)
        ]
        inside = any(n is node for n in ast.walk(function))
        if inside and len(bound) == 1 and isinstance(bound[0], ast.Call) and not bound[0].args:
            qualified = site.qualified_name(bound[0].func)
            if qualified and "." in qualified:
                return Value(_Made(qualified), site.location(node))
    return None


def _local_call(module: PythonModule, qualified: str) -> ast.expr | None:
    """The same call as the class's module writes it: `get_settings()` imported there too."""
    local = next((name for name, q in module.imports.items() if q == qualified), None)
    if local is None:
        return None
    return ast.Call(func=ast.Name(id=local, ctx=ast.Load()), args=[], keywords=[])


def _with_calls(node: ast.expr, made: dict[str, ast.expr]) -> ast.expr:
    """`node` with each parameter that holds a call's result replaced by that call."""

    class Replace(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.expr:
            if name.id in made and isinstance(name.ctx, ast.Load):
                return ast.copy_location(made[name.id], name)
            return name

    replaced: ast.expr = Replace().visit(copy.deepcopy(node))
    return ast.fix_missing_locations(replaced)


def _registrations(
    module: PythonModule, owner: ast.ClassDef, context: ProjectContext
) -> list[Keywords] | None:
    """The keywords of each registration of the class; None when one cannot be read."""
    found: list[Keywords] = []
    for site in [module, *modules_mentioning(module, context, owner.name.encode())]:
        for node in ast.walk(site.tree):
            if isinstance(node, ast.Tuple) and len(node.elts) == 3 and _names(node.elts[0], owner):
                options = node.elts[2]
                if not isinstance(options, ast.Dict) or any(k is None for k in options.keys):
                    return None
                keys = [site.resolve(k) for k in options.keys if k is not None]
                if not all(k.known and isinstance(k.raw, str) for k in keys):
                    return None
                found.append({str(k.raw): site.resolve(v) for k, v in zip(keys, options.values, strict=True)})
            elif isinstance(node, ast.Call) and node.args and _names(node.args[0], owner):
                if any(k.arg is None for k in node.keywords) or len(node.args) > 1:
                    return None
                found.append(
                    {str(k.arg): _made_by_call(site, k.value) or site.resolve(k.value) for k in node.keywords}
                )
    return found


def _names(node: ast.expr, owner: ast.ClassDef) -> bool:
    return dotted(node).rsplit(".", 1)[-1] == owner.name
