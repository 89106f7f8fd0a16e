"""Cornice (Pyramid): `Service(name=..., path=..., cors_origins=(...), cors_credentials=True)`,
`Service(..., cors_policy=cors_policy)` and `@resource(collection_path=..., path=...,
cors_policy=CORS_POLICY)`, read with `ast`.

Each call is a policy (Cornice applies a service's settings to its own routes); options
are named without their `cors_` prefix, the `cors_policy` dict's keys merged under the
explicit keywords as Cornice does. A service whose settings are imported from a shared
module (`from .cors import CORS_POLICY`) reports them where they are written. The methods
are the service's `@svc.get()` / `@svc.post()` ... views in the same module, or a
resource class's `get` / `collection_post` ... methods.

Seen in code search: NOAA's GNOME web API (`Service(name=..., path=..., cors_policy=
cors_policy)` across view modules), briefy.leica (`@resource(..., cors_policy=CORS_POLICY)`),
a Monolith server's `cors_policy={'origins': ('*',), 'credentials': True}`, the D-BAS
discussion API (`cors_policy=cors_policy` on every service).
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, expanded_options, read_arguments
from corslint.model import CorsPolicy, Extraction, Provenance, Route, Value

SERVICES = frozenset({"cornice.Service", "cornice.service.Service"})
RESOURCES = frozenset({"cornice.resource.resource", "cornice.resource"})
SETTINGS = ("origins", "credentials", "headers", "max_age", "expose_all_headers", "enabled")
VERBS = ("get", "post", "put", "patch", "delete")


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        qualified = module.qualified_name(call.func) or ""
        if qualified not in SERVICES and qualified not in RESOURCES:
            continue
        keywords = read_arguments(module, call, ())
        options = _settings(module, call, keywords)
        if options is None:
            continue
        location = module.location(call)
        policies.append(
            CorsPolicy(
                framework="cornice",
                location=location,
                options=options,
                routes=_routes(module, call, qualified in RESOURCES),
                development_only=is_development_path(path),
                app=f"{path}::cornice@{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))


def _settings(module: PythonModule, call: ast.Call, keywords: dict[str, Value]) -> dict[str, Value] | None:
    """The CORS options, `cors_policy`'s keys under the explicit `cors_*` keywords; None
    where the call sets none (CORS stays off)."""
    options: dict[str, Value] = {}
    written = keywords.get("cors_policy")
    if written is not None:
        if written.known and isinstance(written.raw, dict):
            node = next(k.value for k in call.keywords if k.arg == "cors_policy")
            options.update(expanded_options(module, written, module.location(node)))
        elif written.known and written.raw is None:
            pass
        else:
            options["**"] = Value(None, written.location, Provenance.UNKNOWN, description=written.description)
    for name, value in keywords.items():
        if name.startswith("cors_") and name != "cors_policy":
            options[name.removeprefix("cors_")] = value
    if "**" in keywords:
        options["**"] = keywords["**"]
    if not options:
        return None
    return {name: value for name, value in options.items() if name in SETTINGS or name == "**"}


def _routes(module: PythonModule, call: ast.Call, resource: bool) -> tuple[Route, ...] | None:
    if resource:
        owner = next(
            (
                node
                for node in module.nodes
                if isinstance(node, ast.ClassDef) and any(d is call for d in node.decorator_list)
            ),
            None,
        )
        if owner is None:
            return None
        defined = {s.name.removeprefix("collection_") for s in owner.body if isinstance(s, ast.FunctionDef)}
        methods = tuple(verb.upper() for verb in VERBS if verb in defined)
        return (Route("/", methods, module.location(call)),) if methods else None
    name = next(
        (
            target.id
            for statement in module.nodes
            if isinstance(statement, ast.Assign) and statement.value is call
            for target in statement.targets
            if isinstance(target, ast.Name)
        ),
        None,
    )
    if name is None:
        return None
    routes: list[Route] = []
    for node in module.nodes:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and isinstance(decorator.func.value, ast.Name)
                and decorator.func.value.id == name
                and decorator.func.attr in VERBS
            ):
                routes.append(Route("/", (decorator.func.attr.upper(),), module.location(decorator)))
    return tuple(routes) or None
