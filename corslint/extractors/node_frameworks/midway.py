"""Midway 3's cross-domain component (`@midwayjs/cross-domain`, imported in
`src/configuration.ts`), configured by the `cors` key of `src/config/config.default.ts`
(or `config.prod.ts`): `export default { cors: {...} }`, `export const cors = {...}`, or a
function returning the object.

The component (dist/middleware/cors.js) reads `cors` merged on its defaults; without an
`origin` it answers every Origin with itself. A `crossDomain: {...}` key, which some apps
write (AdamAmon/blindboxmall-backside `src/config/config.default.ts`, census3 sample 226),
is read by nothing: the defaults apply."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.extractors.node_frameworks.config_exports import configured_node, exported_node
from corslint.extractors.node_frameworks.config_options import option_evidence
from corslint.frameworks.kcors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Extraction, Value

PACKAGE = "@midwayjs/cross-domain"
FRAMEWORK = "midway_cross_domain"
_CLOSE = {
    "origins": "origin",
    "allowOrigins": "origin",
    "allowOrigin": "origin",
    "allowedOrigins": "origin",
    "credential": "credentials",
    "allowCredentials": "credentials",
    "methods": "allowMethods",
    "allowedMethods": "allowMethods",
    "allowedHeaders": "allowHeaders",
    "headers": "allowHeaders",
    "exposedHeaders": "exposeHeaders",
    "maxage": "maxAge",
}


def midway_policies(module: JsModule, label_name: str) -> Extraction:
    if not _component_imported(module):
        return Extraction()
    pairs = _config_pairs(module)
    cors, cross_domain = pairs.get("cors"), pairs.get("crossDomain")
    if cors is None and cross_domain is None:
        return Extraction()
    label = f"Midway cross-domain `cors` config in {label_name}"
    evidence: list[Evidence] = []
    if cross_domain is not None:
        evidence.append(
            Evidence(
                "unknown-option",
                "`crossDomain` is not read by @midwayjs/cross-domain, which reads the `cors` key; "
                "it is ignored and the defaults apply (every Origin answered with itself)",
                module.location(cross_domain),
            )
        )
    where = cors if cors is not None else cross_domain
    assert where is not None
    options: dict[str, Value] = {}
    if cors is not None:
        value = module.resolve(cors)
        if not value.known or not isinstance(value.raw, dict):
            unread = Value(None, value.location, value.provenance, value.env_var, value.description)
            return Extraction(
                policies=(CorsPolicy(FRAMEWORK, module.location(cors), {"**": unread}, label=label),)
            )
        options, found = option_evidence(value.raw, OPTION_NAMES, _CLOSE, "@midwayjs/cross-domain's `cors`")
        evidence += found
    policy = CorsPolicy(FRAMEWORK, module.location(where), options, evidence=tuple(evidence), label=label)
    return Extraction(policies=(policy,))


def _config_pairs(module: JsModule) -> dict[str, Node]:
    """The values of the exported config object's keys (`export default {...}` or a
    function returning it), and of `export const KEY = ...` statements."""
    found: dict[str, Node] = {}
    exported, _ = configured_node(module, exported_node(module), frozenset({"defineConfig"}))
    if exported is not None and unwrap(exported).type == "object":
        for pair in unwrap(exported).named_children:
            if pair.type == "pair":
                found[module.text(pair.child_by_field_name("key")).strip("'\"")] = pair.child_by_field_name(
                    "value"
                )
    for statement in module.root.named_children:
        declaration = (
            statement.child_by_field_name("declaration") if statement.type == "export_statement" else None
        )
        if declaration is None or declaration.type != "lexical_declaration":
            continue
        for declarator in declaration.named_children:
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if declarator.type == "variable_declarator" and name is not None and value is not None:
                found[module.text(name)] = value
    return found


def _component_imported(module: JsModule) -> bool:
    """`src/configuration.ts` imports the component; without that file beside the config
    folder (a partial copy of the app), the dependency is taken to say so."""
    if module.file is None:
        return True
    source = Path(module.file).resolve().parent.parent
    for name in ("configuration.ts", "configuration.js"):
        file = source / name
        if file.is_file():
            try:
                return PACKAGE in file.read_text("utf-8", errors="replace")
            except OSError:
                return True
    return True
