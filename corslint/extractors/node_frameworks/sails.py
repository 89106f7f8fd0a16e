"""Sails' security settings, ``config/security.js`` (``module.exports.security = { cors:
{...} }``): with ``allRoutes: true`` one policy for every route of the app.

Without ``allRoutes`` the settings apply only to the routes that ask for CORS in
``config/routes.js`` (``cors: true`` or a route's own ``cors`` object), which corslint
does not model: that is CORS003 where routes.js names ``cors``, and nothing otherwise
(Sails then sends no CORS headers)."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import exported_value
from corslint.extractors.node_frameworks.config_exports import in_config_folder, js_project
from corslint.extractors.node_frameworks.config_options import option_evidence
from corslint.frameworks.sails_cors import DEPRECATED_NAMES, OPTION_NAMES
from corslint.model import CorsPolicy, Diagnostic, Evidence, Extraction, Route, Value

_VERBS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_CLOSE = {
    "allowOrigin": "allowOrigins",
    "allowedOrigins": "allowOrigins",
    "allowCredential": "allowCredentials",
    "allowRequestHeader": "allowRequestHeaders",
    "allowResponseHeader": "allowResponseHeaders",
    "allowedHeaders": "allowRequestHeaders",
    "allowMethods": "allowRequestMethods",
    "allowRoutes": "allRoutes",
}


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if not in_config_folder(path, "security"):
        return Extraction()
    module = js_project(context).module(path, text, Path(path))
    dependencies = module.project.dependencies(module) if module.project is not None else frozenset()
    if dependencies and "sails" not in dependencies:
        return Extraction()  # a `config/security.js` of some other framework
    security = exported_value(module, "security")
    if security is None or not security.known or not isinstance(security.raw, dict):
        return Extraction()
    cors = security.raw.get("cors")
    if cors is None:
        return Extraction()
    if not cors.known or not isinstance(cors.raw, dict):
        unread = Value(None, cors.location, cors.provenance, description=cors.description)
        return Extraction(policies=(CorsPolicy("sails_cors", cors.location, {"**": unread}, label=_LABEL),))
    raw, deprecated = _current_names(cors.raw)
    options, evidence = option_evidence(raw, OPTION_NAMES, _CLOSE, "Sails' CORS settings")
    all_routes = options.get("allRoutes")
    if all_routes is not None and not all_routes.known:
        return Extraction(policies=(CorsPolicy("sails_cors", cors.location, options, label=_LABEL),))
    if all_routes is None or all_routes.raw is not True:
        return _per_route_only(Path(path), cors)
    routes = _routes(module, Path(path).with_name("routes.js"))
    evidence_found = (*deprecated, *evidence)
    policy = CorsPolicy(
        "sails_cors", cors.location, options, routes=routes, evidence=evidence_found, label=_LABEL
    )
    return Extraction(policies=(policy,))


_LABEL = "Sails config/security.js `cors`"


def _routes(module: JsModule, file: Path) -> tuple[Route, ...] | None:
    """`'PATCH /api/items/:id': ...` keys of config/routes.js; a key without a verb
    answers every method and says nothing about one."""
    if module.project is None or module.file is None or not file.is_file():
        return None
    routes_module = module.project.load(file, module.project.display(module, file))
    table = exported_value(routes_module, "routes") if routes_module is not None else None
    if table is None or not table.known or not isinstance(table.raw, dict):
        return None
    found: list[Route] = []
    for address, target in table.raw.items():
        verb, _, route_path = address.strip().partition(" ")
        if verb.upper() in _VERBS and route_path.strip():
            found.append(Route(route_path.strip(), (verb.upper(),), target.location))
    return tuple(found) or None


def _current_names(raw: dict[str, Value]) -> tuple[dict[str, Value], list[Evidence]]:
    """The settings under their Sails 1.x names, a deprecated name noted (CORS304)."""
    current: dict[str, Value] = {}
    notes: list[Evidence] = []
    for key, value in raw.items():
        new = DEPRECATED_NAMES.get(key)
        if new is None:
            current.setdefault(key, value)
            continue
        notes.append(
            Evidence(
                "deprecated-option", f"`{key}` is a deprecated alias of `{new}`; rename it", value.location
            )
        )
        if new == "allowResponseHeaders" and "allowResponseHeaders" in raw:
            continue  # Sails keeps an `allowResponseHeaders` that is set
        current[new] = value
    return current, notes


def _per_route_only(file: Path, cors: Value) -> Extraction:
    routes = file.with_name("routes.js")
    try:
        mentions_cors = routes.is_file() and "cors" in routes.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        mentions_cors = False
    if not mentions_cors:
        return Extraction()
    note = Diagnostic(
        "CORS003",
        "corslint does not model Sails' per-route CORS yet (`cors` on routes in config/routes.js, "
        "without `allRoutes: true`): the CORS configuration here was not checked",
        cors.location,
    )
    return Extraction(diagnostics=(note,))
