"""The `falcon-cors` package: `cors = CORS(allow_all_origins=True, ...)` applied through
`falcon.App(middleware=[cors.middleware])` (or `falcon.API`, or `CORSMiddleware(cors)`),
or set as a resource's `cors` attribute, read with `ast`.

A `CORS(...)` object applies only once something uses it: its `.middleware` (or
`CORSMiddleware(obj)`) in this module or another module of the project, or a resource
class attribute `cors = CORS(...)`. An object nothing uses is not a policy. `CORS()`
takes keyword settings only; an unknown one raises `ValueError` at startup (CORS307).

Seen in code search: `CORS(allow_all_origins=True, allow_all_headers=True,
allow_all_methods=True, allow_credentials_all_origins=True)` beside
`falcon.API(middleware=[cors.middleware, ...])` (a multipart upload app), `CORS(...)` with
origins from a config module (a sprinkler controller's `config.py`), and falcon-cors apps
serving NLP models on a LAN address (`hostname = '192.168.4.250'`).
"""

from __future__ import annotations

import ast
import re

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.extractors.python.project_files import texts_holding
from corslint.model import CorsPolicy, Extraction

CONFIGS = frozenset({"falcon_cors.CORS"})
MIDDLEWARE_CLASSES = frozenset({"falcon_cors.CORSMiddleware", "falcon_cors.middleware.CORSMiddleware"})
SETTINGS = (
    "logger",
    "log_level",
    "allow_all_origins",
    "allow_origins_list",
    "allow_origins_regex",
    "allow_all_headers",
    "allow_headers_list",
    "allow_headers_regex",
    "expose_headers_list",
    "allow_all_methods",
    "allow_methods_list",
    "allow_credentials_all_origins",
    "allow_credentials_origins_list",
    "allow_credentials_origins_regex",
    "max_age",
)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in CONFIGS or call.args:
            continue  # positional arguments: a TypeError at startup, no configuration
        if not _applied(module, call, context):
            continue
        options = read_arguments(module, call, ())
        options.pop("logger", None)
        options.pop("log_level", None)
        location = module.location(call)
        policies.append(
            CorsPolicy(
                framework="falcon_cors",
                location=location,
                options=options,
                evidence=tuple(unknown_options(options, SETTINGS, "falcon-cors CORS()")),
                development_only=is_development_path(path),
                app=f"{path}::falcon_cors@{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))


def _applied(module: PythonModule, call: ast.Call, context: ProjectContext) -> bool:
    """Whether the object the call makes is used as a middleware or a resource's `cors`."""
    parent = _parents(module).get(id(call))
    if isinstance(parent, ast.Attribute) and parent.attr == "middleware":
        return True  # CORS(...).middleware
    if isinstance(parent, ast.Call) and (module.qualified_name(parent.func) or "") in MIDDLEWARE_CLASSES:
        return True  # CORSMiddleware(CORS(...))
    if not isinstance(parent, ast.Assign) or len(parent.targets) != 1:
        return False
    target = parent.targets[0]
    if isinstance(target, ast.Name) and target.id == "cors" and _in_class_body(module, parent):
        return True  # a resource's own `cors`, which the middleware uses for it
    if not isinstance(target, ast.Name):
        return False
    name = target.id
    if _returned_by_its_function(module, parent, name):
        return True  # `def make_cors(): cors = CORS(...); return cors`: its caller applies it
    for node in module.nodes:
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "middleware"
            and isinstance(node.value, ast.Name)
            and node.value.id == name
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and (module.qualified_name(node.func) or "") in MIDDLEWARE_CLASSES
            and any(isinstance(a, ast.Name) and a.id == name for a in node.args)
        ):
            return True
    return _used_elsewhere(module, name, context)


def _returned_by_its_function(module: PythonModule, statement: ast.stmt, name: str) -> bool:
    for node in module.nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            inner is statement for inner in ast.walk(node)
        ):
            return any(
                isinstance(inner, ast.Return) and isinstance(inner.value, ast.Name) and inner.value.id == name
                for inner in ast.walk(node)
            )
    return False


def _parents(module: PythonModule) -> dict[int, ast.AST]:
    found: dict[int, ast.AST] = {}
    for node in module.nodes:
        for child in ast.iter_child_nodes(node):
            found[id(child)] = node
    return found


def _in_class_body(module: PythonModule, statement: ast.stmt) -> bool:
    return any(isinstance(node, ast.ClassDef) and statement in node.body for node in module.nodes)


def _used_elsewhere(module: PythonModule, name: str, context: ProjectContext) -> bool:
    """Whether another module of the project uses `<name>.middleware` (or the project is
    too large to tell)."""
    texts = texts_holding(module.path, b"middleware", context.shared)
    if texts is None:
        return True
    use = re.compile(
        rf"\b{re.escape(name)}\.middleware\b|CORSMiddleware\(\s*(?:[\w.]+\.)?{re.escape(name)}\b"
    )
    return any(use.search(text) for text in texts if text != module.text)
