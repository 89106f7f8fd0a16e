"""@fastify/cors registered from a list of plugin descriptors:

    export const plugins = [{ plugin: cors, options: { origin: true, credentials: true } }, ...];
    for (const entry of plugins) await server.register(entry.plugin, entry.options);

(Yurex1/fastify-template `apps/server/src/server/plugins.ts`, `http.ts`). The descriptor
naming the CORS plugin is a registration when this module or a module that may import it
registers `x.<plugin key>` with `x.<options key>` of the same entry; its options are read
where the descriptor writes them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap


def listed_cors_plugins(module: JsModule, names: Mapping[str, str]) -> list[tuple[Node, Node | None, str]]:
    """Each `{ <key>: <cors plugin>, <options key>: {...} }` descriptor some module registers
    by its keys: the descriptor, its options (None without), and the plugin's package."""
    found: list[tuple[Node, Node | None, str, str, str]] = []
    for node in module.of_kind("object"):
        pairs = {}
        for pair in node.named_children:
            if pair.type != "pair":
                continue
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if key is not None and value is not None:
                pairs[string_value(key) or module.text(key)] = unwrap(value)
        plugin_key = next((key for key, value in pairs.items() if module.text(value) in names), None)
        if plugin_key is None or len(pairs) > 3:
            continue
        options_key = next((key for key in pairs if key in {"options", "opts", "config"}), None)
        options = pairs.get(options_key) if options_key is not None else None
        package = names[module.text(pairs[plugin_key])]
        found.append((node, options, package, plugin_key, options_key or ""))
    if not found:
        return []
    return [
        (node, options, package)
        for node, options, package, plugin_key, options_key in found
        if _registered_by_keys(module, plugin_key, options_key)
    ]


def _registered_by_keys(module: JsModule, plugin_key: str, options_key: str) -> bool:
    """`register(entry.<plugin_key>, entry.<options_key>)` here or in a module that may import
    this one (the same entry on both sides; the options key may be absent)."""
    options = rf"\s*,\s*\1\.{re.escape(options_key)}\s*" if options_key else r"\s*"
    call = re.compile(rb"\.register\(\s*(\w+)\." + re.escape(plugin_key).encode() + options.encode() + rb"\)")
    if call.search(module.source):
        return True
    importers = candidate_importers(module, also=b".register(", matching=call)
    return importers is not None and bool(importers.modules)
