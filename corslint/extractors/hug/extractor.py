"""hug: `api.http.add_middleware(hug.middleware.CORSMiddleware(api, max_age=10))`, read with `ast`.

The middleware applies once it is handed to `add_middleware` (directly, or through a name
bound to it); one made and never added is not a policy. Its defaults reflect every Origin
with credentials (frameworks/hug_cors.py).

Seen in code search (about ten hug APIs, 2017-2022): `CORSMiddleware(api)` and
`CORSMiddleware(api, max_age=10)` with the defaults, `allow_origins=["*"]`, and
certtools/intelmq-api's `allow_origins=api_config.allow_origins` from its config object.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.model import CorsPolicy, Extraction

MIDDLEWARES = frozenset({"hug.middleware.CORSMiddleware", "hug.CORSMiddleware"})
PARAMETERS = ("api", "allow_origins", "allow_credentials", "max_age")


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    added = _added(module)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in MIDDLEWARES or id(call) not in added:
            continue
        options = read_arguments(module, call, PARAMETERS)
        options.pop("api", None)
        location = module.location(call)
        policies.append(
            CorsPolicy(
                framework="hug_cors",
                location=location,
                options=options,
                evidence=tuple(unknown_options(options, PARAMETERS, "CORSMiddleware()")),
                development_only=is_development_path(path),
                app=f"{path}::hug@{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))


def _added(module: PythonModule) -> set[int]:
    """The ids of the calls handed to `add_middleware`, directly or by a module-level name."""
    found: set[int] = set()
    bound = {
        target.id: statement.value
        for statement in module.nodes
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    for call in module.calls:
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_middleware"):
            continue
        for argument in call.args:
            value = bound.get(argument.id) if isinstance(argument, ast.Name) else argument
            if value is not None:
                found.add(id(value))
    return found
