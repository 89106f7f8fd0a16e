"""web.py's hand-written CORS layers: handler classes whose `GET`/`POST`/`OPTIONS`
methods call `web.header(name, value)` (the request is `web.ctx`, its environ
`web.ctx.env`), and processors: `app.add_processor(fn)` with `fn(handler)`, and
`web.loadhook(fn)` / `web.unloadhook(fn)`.

Measured with web.py 0.76 (tests/test_differential_webpy.py): `web.header` adds a line,
so a second Allow-Origin is a second line; a class without `OPTIONS` answers a preflight
405 (`Allow` lists its methods), and so does every class for a method it lacks; a
processor runs for every request, 404 and 405 included, except what it writes after
`handler()` when the handler raises (an unload hook runs then too)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.framework_writes import WEBPY_MODULES
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Function, Phase, Unit, parameters, writes_cors
from corslint.model import Route

KIND = "webpy"
VERBS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
NOT_ROUTED = None  # web.py answers a method the class lacks with 405
REQUEST = frozenset({"web.ctx"})
_HOOKS = frozenset({"loadhook", "unloadhook"})


def uses_webpy(module: PythonModule) -> bool:
    """`import web` (or a vendored `from contrib import web`) and a `web.header(` call."""
    imported = any(
        local in WEBPY_MODULES and (name == local or name.endswith("." + local))
        for local, name in module.imports.items()
    )
    return imported and "web.header(" in module.text


def webpy_units(module: PythonModule, covered: set[Function], context: ProjectContext) -> list[Unit]:
    units = [*_handler_units(module, covered), *_processor_units(module, covered, context)]
    return units


def _handler_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.ClassDef):
            continue
        methods = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
        verbs = [verb for verb in VERBS if verb in methods]
        if not verbs or not any(writes_cors(module, f) for f in methods.values()):
            continue
        phases: list[Phase] = []
        for verb in verbs:
            base = ("OPTIONS",) if verb == "OPTIONS" else (f"METHOD:{verb}",)
            phase = Phase(module, methods[verb], requests=REQUEST, base=base, owner=node)
            if verb == "OPTIONS":
                phase.opening_status = 200  # what the method returns is the body of a 200
            phases.append(phase)
        routes = tuple(Route("/", (verb,), module.location(methods[verb])) for verb in verbs)
        status = 200 if "OPTIONS" in verbs else NOT_ROUTED
        units.append(
            Unit(
                KIND, "handler", module.location(node), phases, status, f"handler {node.name}", routes=routes
            )
        )
        covered.update(methods.values())
    return units


def _processor_units(module: PythonModule, covered: set[Function], context: ProjectContext) -> list[Unit]:
    """`app.add_processor(fn)`, `app.add_processor(web.loadhook(fn))`: a layer on every answer."""
    functions = {
        f.name: f for f in module.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    units: list[Unit] = []
    for call in module.calls:
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_processor" and call.args):
            continue
        added = call.args[0]
        hook = ""
        if isinstance(added, ast.Call) and dotted(added.func).rpartition(".")[2] in _HOOKS and added.args:
            hook = dotted(added.func).rpartition(".")[2]
            added = added.args[0]
        function = functions.get(dotted(added))
        if function is None or function in covered or not writes_cors(module, function):
            continue
        names = parameters(function)
        if hook:
            phase = Phase(module, function, requests=REQUEST)
        elif names:
            phase = Phase(
                module, function, requests=REQUEST, next_calls=frozenset(names[:1]), answers_on_return=True
            )
        else:
            continue
        label = f"{hook or 'processor'} {function.name}()"
        unit = Unit(KIND, "hook", module.location(function), [phase], _options_status(module, context), label)
        units.append(unit)
        covered.add(function)
    return units


def _options_status(module: PythonModule, context: ProjectContext) -> int | str | None:
    """What an OPTIONS the processor passes on gets: 405, unless some handler class of the
    project has an `OPTIONS` method (then it depends on the path)."""
    if "def OPTIONS(" in module.text or modules_mentioning(module, context, b"def OPTIONS("):
        return "unknown"
    return NOT_ROUTED
