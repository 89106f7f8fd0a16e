"""Egg.js's CORS plugin (and Midway 3's cross-domain component: `midway.py`), egg-cors, configured by ``config.cors`` in ``config/config.default.js``
(or ``config.prod.js``, the production overrides; Midway 2 on ``@midwayjs/web``, which runs
Egg's plugins: ``src/config/config.default.ts``).

egg-cors (app.js, app/middleware/cors.js) is ``@koa/cors`` with the app's ``config.cors`` as
its options, put before every other middleware. Without an ``origin`` it sets one:
``ctx => ctx.isSafeDomain(origin) ? origin : ''`` over egg-security's
``security.domainWhiteList``, so an app without that list sends no CORS headers, and one
with it trusts its hosts (not read here: CORS305). egg-cors 3 depends on @koa/cors ^5,
2.2.x on ^3.3 (both reflect the Origin for ``origin: '*'`` with credentials); before 2.2
it was kcors.

Seen (census3 samples 215-221): 17611297996/blog-server (`'*'` + credentials),
0-0Jia/lowcode-app-server (`'*'`), 1549664680/react_blog_service (localhost + credentials),
0fatal/tutor-course-backend (Midway 2, a NODE_ENV ternary)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.extractors.node_frameworks.config_exports import configured_node, exported_node, js_project
from corslint.extractors.node_frameworks.config_options import option_evidence
from corslint.extractors.node_frameworks.midway import PACKAGE as MIDWAY_PACKAGE
from corslint.extractors.node_frameworks.midway import midway_policies
from corslint.frameworks.koa_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Extraction, FunctionValue, Value

PLUGIN = "egg-cors"
_CONFIG_FILES = frozenset({"config.default", "config.prod"})
_ASSIGNED = frozenset({"config.cors", "exports.cors", "module.exports.cors"})
_BEFORE_KOA_CORS_3 = re.compile(r"[~^]?(0\.|1\.|2\.[01]\.)")
_SUFFIXES = frozenset({".js", ".ts", ".cjs", ".mjs"})
# @koa/cors's option names, under the names other CORS packages give them
CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "credential": "credentials",
    "allowCredentials": "credentials",
    "methods": "allowMethods",
    "allowedMethods": "allowMethods",
    "allowedHeaders": "allowHeaders",
    "headers": "allowHeaders",
    "exposedHeaders": "exposeHeaders",
    "maxage": "maxAge",
    "max_age": "maxAge",
}


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.suffix not in _SUFFIXES or pure.stem not in _CONFIG_FILES or pure.parent.name != "config":
        return Extraction()
    module = js_project(context).module(path, text, Path(path))
    dependencies = module.project.dependencies(module) if module.project is not None else frozenset()
    if MIDWAY_PACKAGE in dependencies and PLUGIN not in dependencies:
        return midway_policies(module, pure.name)  # Midway 3's own component
    if PLUGIN not in dependencies:
        return Extraction()
    if not _plugin_enabled(Path(path).parent):
        return Extraction()  # installed, but the app never turns the plugin on
    node = _cors_node(module)
    if node is None:
        return Extraction()
    label = f"egg-cors config.cors in {pure.name}"
    framework = _framework(module)
    value = module.resolve(node)
    if not value.known or not isinstance(value.raw, dict):
        unread = Value(None, value.location, value.provenance, value.env_var, value.description)
        return Extraction(
            policies=(CorsPolicy(framework, module.location(node), {"**": unread}, label=label),)
        )
    options, evidence = option_evidence(value.raw, OPTION_NAMES, CLOSE_NAMES, "egg-cors (@koa/cors)")
    origin = options.get("origin")
    if origin is None:
        options["origin"] = _safe_domain_origin(module, node)
    policy = CorsPolicy(framework, module.location(node), options, evidence=tuple(evidence), label=label)
    return Extraction(policies=(policy,))


def _cors_node(module: JsModule) -> Node | None:
    """`config.cors = {...}` (the generated file's shape) or `cors: {...}` in the exported
    object; the last assignment wins, as it does when Egg runs the file."""
    found: Node | None = None
    for node in walk(module.root):
        if node.type == "assignment_expression":
            left = module.text(node.child_by_field_name("left")).replace(" ", "")
            if left in _ASSIGNED:
                found = node.child_by_field_name("right")
    if found is not None:
        return found
    exported, _ = configured_node(module, exported_node(module), frozenset({"defineConfig"}))
    if exported is None or unwrap(exported).type != "object":
        return None
    for pair in unwrap(exported).named_children:
        if pair.type == "pair" and module.text(pair.child_by_field_name("key")).strip("'\"") == "cors":
            return pair.child_by_field_name("value")
    return None


def _safe_domain_origin(module: JsModule, node: Node) -> Value:
    """egg-cors's own origin function: nothing passes without a domain white list."""
    listed = _domain_white_list(module)
    where = module.location(node)
    if listed is None:
        return Value(
            FunctionValue("deny-all"), where, description="egg-cors's origin (no security.domainWhiteList)"
        )
    return Value(None, listed.location, description="security.domainWhiteList (egg-security's isSafeDomain)")


def _domain_white_list(module: JsModule) -> Value | None:
    for node in walk(module.root):
        if (
            node.type == "pair"
            and module.text(node.child_by_field_name("key")).strip("'\"") == "domainWhiteList"
        ):
            value = module.resolve(node.child_by_field_name("value"))
            if not (value.known and isinstance(value.raw, tuple) and not value.raw):
                return value
        if node.type == "assignment_expression" and module.text(node.child_by_field_name("left")).replace(
            " ", ""
        ).endswith("security.domainWhiteList"):
            return module.resolve(node.child_by_field_name("right"))
    return None


def _plugin_enabled(folder: Path) -> bool:
    """config/plugin.js (or .ts) names egg-cors (`cors: { enable: true, package: 'egg-cors' }`);
    without a plugin file beside the config (a partial copy of the app), the dependency and
    the `config.cors` it configures are taken to say so."""
    for suffix in (".js", ".ts", ".cjs", ".mjs"):
        plugin = folder / f"plugin{suffix}"
        if plugin.is_file():
            try:
                text = plugin.read_text("utf-8", errors="replace")
            except OSError:
                return True
            return PLUGIN in text
    return True


def _framework(module: JsModule) -> str:
    """@koa/cors as egg-cors 2.2 and later install it; kcors before."""
    if module.file is None:
        return "koa_cors"
    for folder in Path(module.file).resolve().parents:
        manifest = folder / "package.json"
        if manifest.is_file():
            try:
                text = manifest.read_text("utf-8", errors="replace")
            except OSError:
                return "koa_cors"
            found = re.search(r'"egg-cors"\s*:\s*"([^"]*)"', text)
            return "kcors" if found is not None and _BEFORE_KOA_CORS_3.match(found.group(1)) else "koa_cors"
    return "koa_cors"
