"""Whether a project's CORSMiddleware answers the preflights a hand-written Starlette
middleware passes on. The app a hand-written middleware is added to when a helper adds it
(`def add_client_auth_middleware(app): app.add_middleware(ClientSecretAuthMiddleware)`,
called as `add_client_auth_middleware(app)` from another helper that the module making
the app calls: reddts/AI_quantrade fastapi-backend/middlewares/client_auth.py and
middlewares/handle.py) is read by the Starlette extractor's own walk
(extractors/python/app_layers.py `helper_app`, the app key of `layer_of`), so that the
two layers meet (CORS302)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.app_layers import helper_app
from corslint.extractors.python_headers.project_scan import modules_mentioning


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
            found = helper_app(other, call, receiver) or key_of(other, call, other.source(receiver))
            if found == key:
                return True
    return False
