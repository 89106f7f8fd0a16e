"""AdonisJS's CORS settings, ``config/cors.ts``: one policy for the whole app.

AdonisJS 6+ (``import { defineConfig } from '@adonisjs/cors'``) applies them when
``start/kernel.ts`` registers ``@adonisjs/cors/cors_middleware`` (``server.use([...])``,
as ``node ace add @adonisjs/cors`` writes it); AdonisJS 5 (``@ioc:Adonis/Core/Cors``)
registers its built-in hook by itself when ``enabled`` is truthy."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.node_frameworks.adonis_routes import adonis_routes
from corslint.extractors.node_frameworks.config_exports import (
    configured_node,
    exported_node,
    in_config_folder,
    js_project,
)
from corslint.extractors.node_frameworks.config_options import option_evidence
from corslint.frameworks.adonis_cors import NAME, OPTION_NAMES, PLAIN_NAME
from corslint.model import CorsPolicy, Diagnostic, Evidence, Extraction, FunctionValue, Location, Value

V6_PACKAGE = "@adonisjs/cors"
V5_MODULE = "@ioc:Adonis/Core/Cors"
ADONIS4_FRAMEWORK = "@adonisjs/framework"
MIDDLEWARE = "@adonisjs/cors/cors_middleware"
_CLOSE = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "credential": "credentials",
    "allowedHeaders": "headers",
    "allowHeaders": "headers",
    "exposedHeaders": "exposeHeaders",
    "allowMethods": "methods",
    "maxage": "maxAge",
}


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if not in_config_folder(path, "cors"):
        return Extraction()
    module = js_project(context).module(path, text, Path(path))
    specifiers = {specifier for specifier, _ in module.imports.values()}
    modern = any(specifier.startswith(V6_PACKAGE) for specifier in specifiers)
    if not modern and V5_MODULE not in specifiers:
        if not _registered_v6_plain(module):
            return _adonis4_note(module)
        modern = True  # read as it is, without `defineConfig`'s defaults
    node, calls = configured_node(module, exported_node(module), frozenset({"defineConfig"}))
    if node is None:
        return Extraction()
    whole = module.resolve(node)
    framework = NAME if "defineConfig" in calls else PLAIN_NAME
    where = module.location(node)
    if not whole.known or not isinstance(whole.raw, dict):
        unread = Value(None, where, whole.provenance, description=module.text(node)[:80])
        return Extraction(policies=(CorsPolicy(framework, where, {"**": unread}, label=_label(path)),))
    options, evidence = option_evidence(whole.raw, OPTION_NAMES, _CLOSE, "AdonisJS's CORS config")
    enabled = options.get("enabled")
    if enabled is None and framework == PLAIN_NAME:
        return Extraction()  # AdonisJS 5 registers the hook only when `enabled` is truthy
    per_request = enabled is not None and (not enabled.known or isinstance(enabled.raw, FunctionValue))
    if enabled is not None and not per_request and not enabled.raw and not isinstance(enabled.raw, dict):
        return Extraction()  # `enabled: false`: the middleware sends nothing
    if enabled is not None and per_request:  # `enabled: (request) => ...`: on for some requests
        options["enabled"] = Value(True, enabled.location)
    app_root = _config_folder(Path(path)).parent
    if modern:
        evidence += _registration_evidence(app_root, where)
    routes = adonis_routes(js_project(context), module, app_root) if module.file is not None else None
    policy = CorsPolicy(
        framework, where, options, routes=routes, evidence=tuple(evidence), label=_label(path)
    )
    return Extraction(policies=(policy,))


def _registered_v6_plain(module: JsModule) -> bool:
    """A plain object exported by config/cors.ts of an AdonisJS 6 app (no `defineConfig`, no
    import: census 9 B1, overtrue/sparkset `apps/server/config/cors.ts`): @adonisjs/cors 2+
    declared and its middleware registered in start/kernel.ts. The provider reads it with
    `app.config.get("cors", defineConfig({}))`, so the object is the config as it stands."""
    if module.file is None or (installed_major(module.file, V6_PACKAGE) or 0) < 2:
        return False
    app_root = _config_folder(Path(module.file)).parent
    for suffix in (".ts", ".js"):
        try:
            if MIDDLEWARE in (app_root / "start" / f"kernel{suffix}").read_text("utf-8"):
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def _adonis4_note(module: JsModule) -> Extraction:
    """AdonisJS 4 (`@adonisjs/cors` 1.x, `Adonis/Middleware/Cors`) reads `config/cors.js`
    with no import in it, by its own rules (not modelled): CORS003 where the project
    depends on it; any other `config/cors` (an Express options module) is not AdonisJS's."""
    dependencies = module.project.dependencies(module) if module.project is not None else frozenset()
    legacy = ADONIS4_FRAMEWORK in dependencies or (
        V6_PACKAGE in dependencies and installed_major(module.file, V6_PACKAGE) == 1
    )
    exported = exported_node(module)
    if not legacy or exported is None:
        return Extraction()
    note = Diagnostic(
        "CORS003",
        "corslint does not model AdonisJS 4's CORS middleware (@adonisjs/cors 1.x) yet: the CORS "
        "configuration here was not checked",
        module.location(exported),
    )
    return Extraction(diagnostics=(note,))


def _label(path: str) -> str:
    return f"AdonisJS CORS config {Path(path).name}"


def _config_folder(file: Path) -> Path:
    return file.parent if file.parent.name == "config" else file.parent.parent.parent


def _registration_evidence(app_root: Path, where: Location) -> list[Evidence]:
    """`not-applied` when start/kernel.ts is there and never names the CORS middleware."""
    kernels = (app_root / "start" / f"kernel{suffix}" for suffix in (".ts", ".js"))
    kernel = next((candidate for candidate in kernels if candidate.is_file()), None)
    if kernel is None:
        return []
    try:
        registered = MIDDLEWARE in kernel.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if registered:
        return []
    return [
        Evidence(
            "not-applied",
            "start/kernel.ts does not register `@adonisjs/cors/cors_middleware` "
            "(`server.use([() => import('@adonisjs/cors/cors_middleware')])`), so AdonisJS never "
            "applies this CORS configuration",
            where,
            whole_layer=True,
        )
    ]
