"""Quart-CORS `cors(app_or_blueprint, ...)` and `@route_cors(...)`, read with `ast`.

An option left out takes its `QUART_CORS_*` app config key, else the library's default.
Where the file names such a key or loads the app config from elsewhere
(`app.config.from_object(...)`), the options left out are unknown rather than defaults.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.extractors.python.project_files import MAX_FILES, project_root, python_files
from corslint.model import CorsPolicy, Extraction, Location, Provenance, Value

APP_WIDE = "quart_cors.cors"
ROUTE = "quart_cors.route_cors"
PARAMETERS = (
    "allow_credentials",
    "allow_headers",
    "allow_methods",
    "allow_origin",
    "expose_headers",
    "max_age",
    "send_origin_wildcard",
)
ROUTE_PARAMETERS = (*PARAMETERS, "provide_automatic_options")
CONFIG_LOADERS = frozenset(
    {"from_object", "from_pyfile", "from_envvar", "from_mapping", "from_file", "from_prefixed_env"}
)
# loaders of Python code, whose keys are its module-level names
PYTHON_LOADERS = frozenset({"from_object", "from_pyfile"})
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    configured = _app_config_elsewhere(module, text, context)
    routes = _route_paths(module)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        qualified = module.qualified_name(call.func) or ""
        if qualified == APP_WIDE and call.args and not isinstance(call.args[0], ast.Starred):
            receiver = module.source(call.args[0])
            call_without_app = ast.Call(func=call.func, args=call.args[1:], keywords=call.keywords)
            options = read_arguments(module, call_without_app, ())
            evidence = tuple(unknown_options(options, PARAMETERS, "cors()"))
            route_level, app, scope, probe_path = False, f"{path}::{receiver}", "", "/"
        elif qualified == ROUTE:
            options = read_arguments(module, call, ())
            evidence = tuple(unknown_options(options, ROUTE_PARAMETERS, "route_cors()"))
            route_path = routes.get(id(call))
            route_level, app = True, f"{path}::route_cors@{call.lineno}"
            scope, probe_path = (route_path or "its route"), (route_path or "/")
        else:
            continue
        if configured is not None and "**" not in options:
            # every option left out reads as this unknown (CorsPolicy.option), reported once
            options["**"] = Value(None, configured, Provenance.UNKNOWN, description="QUART_CORS_* app config")
        options.pop("send_origin_wildcard", None)  # no effect: `False or True`
        options.pop("provide_automatic_options", None)
        policies.append(
            CorsPolicy(
                framework="quart_cors",
                location=module.location(call),
                options=options,
                evidence=evidence,
                development_only=is_development_path(path),
                scope=scope if route_level else "",
                probe_path=probe_path,
                app=app,
                route_level=route_level,
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))


def _app_config_elsewhere(module: PythonModule, text: str, context: ProjectContext) -> Location | None:
    """Where the app config may set `QUART_CORS_*` keys: a key named here, or a config loaded.
    A config loaded from the project's Python code (`from_pyfile("quartconf.py")`,
    `from_object("app.settings")`) holds such a key only under its name: where no module
    of the project names one, the options left out keep their defaults (REM-Infotech/dusdoc-api)."""
    if "QUART_CORS_" in text:
        return Location.point(module.path, text.count("\n", 0, text.index("QUART_CORS_")) + 1)
    for call in module.calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr in CONFIG_LOADERS:
            if call.func.attr in PYTHON_LOADERS and not _project_names_a_key(module, context):
                continue
            return module.location(call)
    return None


def _project_names_a_key(module: PythonModule, context: ProjectContext) -> bool:
    """Whether any Python file of the project names a `QUART_CORS_*` key (or the project
    is too large to tell)."""
    root = project_root(module.path)
    key = f"quart_cors.keys_named:{root}"
    cached = context.shared.get(key)
    if isinstance(cached, bool):
        return cached
    files = python_files(root)
    found = len(files) >= MAX_FILES
    for path in files:
        if found:
            break
        try:
            found = b"QUART_CORS_" in path.read_bytes()
        except OSError:
            found = True  # unreadable: not known
    context.shared[key] = found
    return found


def _route_paths(module: PythonModule) -> dict[int, str]:
    """id of each `route_cors(...)` decorator -> the literal path of the route decorator above it."""
    found: dict[int, str] = {}
    for node in module.nodes:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        path = None
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in ROUTE_DECORATORS
                and decorator.args
                and isinstance(decorator.args[0], ast.Constant)
                and isinstance(decorator.args[0].value, str)
            ):
                path = decorator.args[0].value
            elif isinstance(decorator, ast.Call) and path is not None:
                found[id(decorator)] = path
    return found
