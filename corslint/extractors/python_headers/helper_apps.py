"""The app a hand-written Starlette middleware is added to when a helper adds it:
`def add_client_auth_middleware(app): app.add_middleware(ClientSecretAuthMiddleware)`,
called as `add_client_auth_middleware(app)` from another helper that the module making
the app calls (reddts/AI_quantrade fastapi-backend/middlewares/client_auth.py and
middlewares/handle.py). The Starlette extractor keys a CORSMiddleware added the same way
by the app its callers pass (extractors/python/app_layers.py); the hand-written layer
follows the same callers here, so that the two layers meet (CORS302). It is a small twin
of that walk, written while the walk still lived in the Starlette extractor; now that the
walk is a shared Python reader, the two could become one."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.callers import passed_argument
from corslint.extractors.python.flow import FUNCTIONS, parameter_names
from corslint.extractors.python_headers.project_scan import modules_mentioning

MAX_HELPERS = 4  # as extractors/python/app_layers.py


def helper_app_key(module: PythonModule, call: ast.Call, receiver: ast.expr) -> str | None:
    """The key of the app the callers of the helper around `call` pass as `receiver`,
    None when `receiver` is not a parameter of a module-level helper or no caller is seen."""
    return _followed(module, call, receiver, 0)


def _followed(module: PythonModule, node: ast.AST, receiver: ast.expr, depth: int) -> str | None:
    steps = module.steps(node)
    function = next((s.owner for s in reversed(steps) if isinstance(s.owner, (*FUNCTIONS, ast.Lambda))), None)
    if (
        depth < MAX_HELPERS
        and isinstance(receiver, ast.Name)
        and isinstance(function, FUNCTIONS)
        and function in module.tree.body
        and receiver.id in parameter_names(function)
    ):
        sites = sorted(
            module.call_sites(function), key=lambda site: (site[0].path, site[1].lineno, site[1].col_offset)
        )
        index = parameter_names(function).index(receiver.id)
        for caller, site in sites:
            passed = passed_argument(site, receiver.id, index)
            if passed is not None and isinstance(caller, PythonModule):
                return _followed(caller, site, passed, depth + 1)
        return None
    if depth == 0:
        return None  # not a helper's parameter: the usual key
    functions = [f"def {s.owner.name}@{s.owner.lineno}" for s in steps if isinstance(s.owner, FUNCTIONS)]
    return "::".join([module.real_path(), *functions, module.source(receiver)])


def cors_middleware_on(
    module: PythonModule,
    context: ProjectContext,
    key: str,
    key_of: Callable[[PythonModule, ast.AST, str], str],
) -> bool:
    """Whether a module of the project adds Starlette's CORSMiddleware to the app `key`
    names (through helpers too): it then answers the preflights the middleware passes on
    (`key_of`: the app key of a direct `add_middleware`, server_units.starlette_app_key)."""
    for other in [module, *modules_mentioning(module, context, b"add_middleware", b"CORSMiddleware")]:
        for call in other.calls:
            if not (
                isinstance(call.func, ast.Attribute)
                and call.func.attr == "add_middleware"
                and call.args
                and (other.qualified_name(call.args[0]) or "").endswith("middleware.cors.CORSMiddleware")
            ):
                continue
            receiver = call.func.value
            found = helper_app_key(other, call, receiver) or key_of(other, call, other.source(receiver))
            if found == key:
                return True
    return False
