"""Flask-CORS configurations (``CORS(app)``, ``init_app``, ``@cross_origin``), read with `ast`.

The library merges, per resource pattern: its defaults, the app's ``CORS_*`` config as it
stands when ``CORS(app)`` / ``init_app`` runs (a Blueprint has no config: none is read),
the constructor's keywords, ``init_app``'s keywords, then the resource's own options.
``@cross_origin`` reads the config at request time, so every config write counts for it.
Each resource pattern becomes one `CorsPolicy` holding those merged options.

Each module is walked once (`Walker`): the file being linted by `_Collector`, which also
tracks functions, branches and guards; every other module it reaches (route modules,
blueprints) only for the calls and functions that routes and bearer evidence come from.
"""

from __future__ import annotations

import ast
import dataclasses

from corslint.extractors.context import ProjectContext
from corslint.extractors.flask.callback_registrars import registers_undecorated
from corslint.extractors.flask.calls import dotted_name, is_cross_origin
from corslint.extractors.flask.collected import Collected
from corslint.extractors.flask.collector import collect
from corslint.extractors.flask.module_index import module_index
from corslint.extractors.flask.overriding_hooks import overriding_hook
from corslint.extractors.flask.policies import extension_policies, unknown_pattern_notes
from corslint.extractors.flask.routes import class_view_routes, function_routes, importing_modules
from corslint.extractors.flask.sanic_port import relabelled, unread_port_uses
from corslint.extractors.flask.views import uncalled_decorators, view_policy
from corslint.extractors.python import PythonModule
from corslint.extractors.python.flow import parameter_names
from corslint.extractors.python.unused_functions import never_used
from corslint.model import CorsPolicy, Evidence, Extraction

# `cross_origin`: the decorator re-exported by a project module (`from endpoints import *`)
# `CORS(`: the class re-exported by a project module (`from deps import Flask, CORS`)
_NEEDLES = ("flask_cors", "flask.ext.cors", "init_app", "cross_origin", "sanic_cors", "CORS(")


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    if not any(needle in text for needle in _NEEDLES):
        return Extraction()
    collected = collect(module)
    diagnostics = (*uncalled_decorators(module, collected), *unread_port_uses(module))
    if not (collected.calls or collected.views or collected.wrappers):
        return Extraction(diagnostics=diagnostics)
    policies: list[CorsPolicy] = []
    evidence = tuple(_bearer_evidence(module, collected))
    for call, site in collected.calls:
        if _in_unused_helper(module, call, context):
            continue  # `def setup_cors(app): CORS(app, ...)` that nothing calls
        overridden = overriding_hook(module, call)  # a later after_request writes Allow-Origin first
        made = list(extension_policies(module, collected, call, site, evidence))
        if overridden is not None:
            made = [dataclasses.replace(p, evidence=(*p.evidence, overridden)) for p in made]
        policies.extend(made)
    for function, site in collected.views:
        table = collected.imports.get(site.scope, collected.imports[""])
        decorator = next(d for d in function.decorator_list if is_cross_origin(module, d, table))
        assert isinstance(decorator, ast.Call)
        if registers_undecorated(module, function, decorator):
            continue
        routes = function_routes(module, collected, function)
        name = f"{function.name}@{module.location(function).line}"
        owners = tuple(
            dict.fromkeys(
                dotted_name(d.func.value)
                for d in function.decorator_list
                if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
            )
        )
        policies.append(
            view_policy(
                module, collected, decorator, site, routes, f"{function.name}()", name, evidence, owners
            )
        )
    for call, site, class_name in collected.wrappers:
        routes = class_view_routes(module, collected, class_name) if class_name else []
        label = f"{class_name}.decorators" if class_name else "a wrapped view"
        name = f"{label}@{module.location(call).line}"
        policies.append(view_policy(module, collected, call, site, routes, label, name, evidence))
    notes = tuple(unknown_pattern_notes(policies))
    policies = relabelled(module, policies)
    return Extraction(policies=tuple(policies), diagnostics=(*diagnostics, *notes))


def _in_unused_helper(module: PythonModule, call: ast.Call, context: ProjectContext) -> bool:
    """`CORS(app, ...)` / `cors.init_app(app, ...)` on the app parameter of a module-level
    function nothing uses (census 6 P1: Af7007/trademt5 api/middleware/cors.py)."""
    first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "app"), None)
    if not isinstance(first, ast.Name):
        return False
    function = module.enclosing_function(call)
    return (
        isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        and first.id in parameter_names(function)
        and never_used(module, function, context)
    )


def _bearer_evidence(module: PythonModule, collected: Collected) -> list[Evidence]:
    """Signs that the app authenticates with an Authorization header (CORS204)."""
    found: list[Evidence] = []
    for current in [module, *importing_modules(module, collected)]:
        found += module_index(current).bearer
    return found
