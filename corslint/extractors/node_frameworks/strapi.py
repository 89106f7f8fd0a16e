"""Strapi's middleware list, ``config/middlewares.js`` (or ``.ts``, or under
``config/env/<name>/``): its ``'strapi::cors'`` entry, a string (Strapi's defaults) or
``{ name: 'strapi::cors', config: {...} }``, is one policy for the whole app.

The module exports the list, or a function Strapi calls with its helpers (``({ env }) =>
[...]``); ``env('X', default)`` and ``env.array('X', [...])`` read the environment, and
are judged by their default as corslint judges environment defaults everywhere."""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.extractors.node_frameworks.config_exports import (
    configured_node,
    exported_node,
    in_config_folder,
    js_project,
)
from corslint.extractors.node_frameworks.config_options import option_evidence
from corslint.extractors.node_frameworks.strapi_config_files import shadowed_config_file
from corslint.frameworks.strapi_cors import EARLY_NAME, LEGACY_NAME, NAME, OPTION_NAMES
from corslint.model import CorsPolicy, Extraction, Provenance, Value

ENTRY = "strapi::cors"
_CLOSE = {
    "keepHeaderOnError": "keepHeadersOnError",
    "origins": "origin",
    "allowedOrigins": "origin",
    "credential": "credentials",
    "exposeHeaders": "expose",
    "exposedHeaders": "expose",
    "allowedHeaders": "headers",
    "allowHeaders": "headers",
    "allowMethods": "methods",
    "maxage": "maxAge",
}
_ENV_HELPERS = re.compile(r"env(\.(array|bool|int|float|json|date))?")
_MATCH_ORIGIN_SINCE = (5, 20)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if not in_config_folder(path, "middlewares") or shadowed_config_file(path):
        return Extraction()
    module = js_project(context).module(path, text, Path(path))
    listed, _ = configured_node(module, exported_node(module), frozenset())
    if listed is None or listed.type != "array":
        return Extraction()
    framework = _framework_for(module)
    policies: list[CorsPolicy] = []
    for entry in listed.named_children:
        entry = unwrap(entry)
        if entry.type == "string" and string_value(entry) == ENTRY:
            policies.append(CorsPolicy(framework, module.location(entry), {}, label=_label(path)))
        elif entry.type == "object" and _entry_name(module, entry) == ENTRY:
            policies.append(_configured_policy(module, entry, framework, path))
    return Extraction(policies=tuple(policies))


def _label(path: str) -> str:
    return f"Strapi strapi::cors in {Path(path).name}"


def _entry_name(module: JsModule, entry: Node) -> str | None:
    for pair in entry.named_children:
        if pair.type == "pair" and module.text(pair.child_by_field_name("key")).strip("'\"") == "name":
            return string_value(unwrap(pair.child_by_field_name("value")))
    return None


def _configured_policy(module: JsModule, entry: Node, framework: str, path: str) -> CorsPolicy:
    config: Node | None = None
    for pair in entry.named_children:
        if pair.type == "pair" and module.text(pair.child_by_field_name("key")).strip("'\"") == "config":
            config = unwrap(pair.child_by_field_name("value"))
    where = module.location(entry)
    if config is None:
        return CorsPolicy(framework, where, {}, label=_label(path))
    if config.type != "object":
        unread = module.resolve(config)
        if unread.known and isinstance(unread.raw, dict):
            options, evidence = option_evidence(unread.raw, OPTION_NAMES, _CLOSE, "Strapi's strapi::cors")
            return CorsPolicy(framework, where, options, evidence=tuple(evidence), label=_label(path))
        return CorsPolicy(framework, where, {"**": unread}, label=_label(path))
    raw: dict[str, Value] = {}
    for pair in config.named_children:
        if pair.type == "spread_element":
            raw["**"] = module.unknown(pair)
            continue
        if pair.type == "shorthand_property_identifier":
            raw[module.text(pair)] = _value(module, pair)
            continue
        if pair.type != "pair":
            continue
        key = module.text(pair.child_by_field_name("key")).strip("'\"")
        raw[key] = _value(module, pair.child_by_field_name("value"))
    options, evidence = option_evidence(raw, OPTION_NAMES, _CLOSE, "Strapi's strapi::cors")
    return CorsPolicy(framework, where, options, evidence=tuple(evidence), label=_label(path))


def _value(module: JsModule, node: Node) -> Value:
    """The value, with Strapi's `env(...)` helpers read as their default."""
    target = unwrap(node)
    if target.type in {"identifier", "shorthand_property_identifier"}:
        bound = module.binding(module.text(target))
        if bound is not None and _env_call(module, unwrap(bound)):
            target = unwrap(bound)
    split = _split_env_call(module, target)
    if split is not None:
        return split
    if not _env_call(module, target):
        return module.resolve(node)
    arguments = [unwrap(a) for a in target.child_by_field_name("arguments").named_children]
    name = string_value(arguments[0]) if arguments else None
    if len(arguments) < 2 or name is None:
        return module.unknown(target, name)
    default = module.resolve(arguments[1])
    if not default.known:
        return default
    return Value(default.raw, module.location(node), Provenance.ENV_DEFAULT, name, module.text(target))


def _split_env_call(module: JsModule, node: Node) -> Value | None:
    """`env('CORS_ORIGIN', 'https://a,https://b').split(',')`: the default, split (and
    trimmed, for a `.map((item) => item.trim())` after it: Atlancius/Addict-AI-Technology-Site
    cms/config/middlewares.ts)."""
    if node.type != "call_expression":
        return None
    trimmed = _trimmed_receiver(module, node)
    if trimmed is not None:
        split = _split_env_call(module, trimmed)
        if split is None or not isinstance(split.raw, tuple):
            return None
        parts = tuple(
            Value(part.raw.strip(), part.location, part.provenance, part.env_var, part.description)
            for part in split.raw
        )
        return Value(parts, module.location(node), split.provenance, split.env_var, module.text(node))
    callee = unwrap(node.child_by_field_name("function"))
    arguments = node.child_by_field_name("arguments")
    if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) != "split":
        return None
    receiver = unwrap(callee.child_by_field_name("object"))
    separators = [unwrap(a) for a in arguments.named_children] if arguments is not None else []
    separator = string_value(separators[0]) if len(separators) == 1 else None
    if not _env_call(module, receiver) or not separator:
        return None
    whole = _value(module, receiver)
    if not whole.known or not isinstance(whole.raw, str):
        return None
    parts = tuple(
        Value(part, whole.location, whole.provenance, whole.env_var, whole.description)
        for part in whole.raw.split(separator)
    )
    return Value(parts, module.location(node), whole.provenance, whole.env_var, module.text(node))


def _trimmed_receiver(module: JsModule, node: Node) -> Node | None:
    """`X.map((item) => item.trim())`: X; None for any other call."""
    callee = unwrap(node.child_by_field_name("function"))
    arguments = node.child_by_field_name("arguments")
    if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) != "map":
        return None
    mapper = (
        unwrap(arguments.named_children[0]) if arguments is not None and arguments.named_children else None
    )
    if mapper is None or mapper.type != "arrow_function":
        return None
    parameter = mapper.child_by_field_name("parameter") or mapper.child_by_field_name("parameters")
    name = module.text(parameter).strip("() ")
    body = module.text(mapper.child_by_field_name("body")).replace(" ", "")
    if not name.isidentifier() or body != f"{name}.trim()":
        return None
    return unwrap(callee.child_by_field_name("object"))


def _env_call(module: JsModule, node: Node) -> bool:
    if node.type != "call_expression":
        return False
    callee = module.text(node.child_by_field_name("function")).replace(" ", "")
    return _ENV_HELPERS.fullmatch(callee) is not None


def _framework_for(module: JsModule) -> str:
    """Which origin function the installed Strapi has: `matchOrigin` since 5.20; and
    before 4.3.7, @koa/cors 3.1, which sends `*` as written beside credentials."""
    declared = _declared_strapi(module)
    if declared is not None and _pinned_before_koa_rewrite(declared):
        return EARLY_NAME
    version = _declared_version(declared) if declared is not None else None
    if version is None:
        major = installed_major(module.file, "@strapi/strapi")
        return LEGACY_NAME if major is not None and major < 5 else NAME
    return NAME if version >= _MATCH_ORIGIN_SINCE else LEGACY_NAME


def _declared_strapi(module: JsModule) -> str | None:
    """The @strapi/strapi version the nearest package.json declares (`"4.3.6"`, `"^5.4.2"`)."""
    if module.file is None:
        return None
    for folder in Path(module.file).resolve().parents:
        manifest = folder / "package.json"
        if not manifest.is_file():
            continue
        try:
            text = manifest.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        found = re.search(r'"@strapi/strapi"\s*:\s*"([^"]*)"', text)
        return found.group(1) if found is not None else None
    return None


def _pinned_before_koa_rewrite(declared: str) -> bool:
    """@strapi/strapi pinned exactly (no range) at 4.0.0-4.3.6."""
    found = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", declared)
    if found is None:
        return False
    return (4, 0, 0) <= tuple(int(part) for part in found.groups()) <= (4, 3, 6)


def _declared_version(declared: str) -> tuple[int, int] | None:
    """The Strapi version a declaration pins (`"5.4.2"`, `"~5.12.0"`, a `^4` range); a `^5`
    range installs the newest 5.x, so it says nothing about the old behaviour."""
    found = re.match(r"([~^]?)(\d+)\.(\d+)", declared)
    if found is None:
        return None
    caret, major, minor = found.group(1), int(found.group(2)), int(found.group(3))
    if caret == "^" and major >= 5:
        return (major, max(minor, _MATCH_ORIGIN_SINCE[1]))
    return (major, minor)
