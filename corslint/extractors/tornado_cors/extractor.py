"""The `tornado-cors` package: Tornado handlers that mix in `CorsMixin` and set `CORS_*`
class attributes, read with `ast`.

A class that (directly, or through a base class of the same module) lists `CorsMixin`
before Tornado's `RequestHandler` and gives `CORS_ORIGIN` a value is a policy, its options
read along that chain (the subclass wins). A subclass that only inherits the values is
the same policy; one that sets its own is another. `CorsMixin` after `RequestHandler`
never runs (RequestHandler's own `set_default_headers` and `options` come first), and a
handler writing its own `set_default_headers` is read as hand-written headers instead.

Seen in code search (Tornado apps of 2014-2019): `class AuthHandler(CorsMixin,
SessionBaseHandler): CORS_ORIGIN = '*'; CORS_HEADERS = 'Content-Type'; CORS_METHODS =
'POST'`, a text-to-speech handler with `CORS_HEADERS = 'x-requested-with'`, a proxy
handler with `CORS_METHODS = 'GET'`.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms
from corslint.model import CorsPolicy, Extraction, Route, Value

MIXINS = frozenset({"tornado_cors.CorsMixin"})
HANDLERS = frozenset({"tornado.web.RequestHandler"})
SETTINGS = (
    "CORS_ORIGIN",
    "CORS_HEADERS",
    "CORS_METHODS",
    "CORS_CREDENTIALS",
    "CORS_MAX_AGE",
    "CORS_EXPOSE_HEADERS",
)
VERBS = ("get", "head", "post", "delete", "patch", "put")


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    classes = {node.name: node for node in module.nodes if isinstance(node, ast.ClassDef)}
    policies: list[CorsPolicy] = []
    for node in classes.values():
        chain = _chain(module, node, classes)
        if chain is None:
            continue
        own = _settings(module, node)
        if not own or any(_defines(c, "set_default_headers") for c in chain):
            continue  # nothing set here (a base class holds the policy), or hand-written headers
        options: dict[str, Value] = {}
        for owner in reversed(chain):
            options.update(_settings(module, owner))
        if "CORS_ORIGIN" not in options:
            continue
        methods = tuple(verb.upper() for verb in VERBS if any(_defines(c, verb) for c in chain))
        location = module.location(node)
        policies.append(
            CorsPolicy(
                framework="tornado_cors",
                location=options["CORS_ORIGIN"].location,
                options=options,
                routes=(Route("/", methods, location),) if methods else None,
                development_only=is_development_path(path),
                app=f"{path}::{node.name}",
                branch=arms(module, node),
            )
        )
    return Extraction(policies=tuple(policies))


def _chain(
    module: PythonModule, node: ast.ClassDef, classes: dict[str, ast.ClassDef]
) -> list[ast.ClassDef] | None:
    """The class and its same-module bases down to the one listing `CorsMixin` (that one
    last), when the mixin comes before `RequestHandler`; else None."""
    chain = [node]
    current = node
    for _ in range(8):
        names = [module.qualified_name(base) or "" for base in current.bases]
        if any(name in MIXINS for name in names):
            mixin_at = next(i for i, name in enumerate(names) if name in MIXINS)
            if any(name in HANDLERS for name in names[:mixin_at]):
                return None  # RequestHandler's methods come first: the mixin never runs
            return chain
        local = [classes[name] for name in names if name in classes and classes[name] is not current]
        if len(local) != 1:
            return None
        current = local[0]
        chain.append(current)
    return None


def _settings(module: PythonModule, node: ast.ClassDef) -> dict[str, Value]:
    found: dict[str, Value] = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in SETTINGS:
            found[target.id] = module.resolve(value)
    return found


def _defines(node: ast.ClassDef, name: str) -> bool:
    return any(
        isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name
        for statement in node.body
    )
