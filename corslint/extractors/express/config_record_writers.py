"""Hand-written headers whose record lives in the project's node-config file: `ctx.set(
serverConfig.headers)` in `src/server.js`, `serverConfig = config.get('server')`, the
record `{ 'Access-Control-Allow-Origin': '*', ... }` in `config/default.cjs`
(jsdelivr/data.jsdelivr.com, heldout 14). The module that writes it names no CORS word, so it
is never read on its own: from the config file that holds the record, the project's modules
that load node-config and write a record read from it are read with the hand-written
interpreter."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

from corslint.extractors.express.importer_candidates import MAX_FILES
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import names_file, project_files, project_root
from corslint.extractors.js.syntax import Node, unwrap

# node-config's files (`config/default.js`, `config/production.cjs`, ...)
_NODE_CONFIG = re.compile(r"(?:^|/)config/[\w.-]+\.c?js$")
_LOADS_CONFIG = re.compile(rb"""require\(\s*['"]config['"]\s*\)|from\s+['"]config['"]""")
# `ctx.set(serverConfig.headers)`, `res.set(config.get('cors').headers)`: one record argument
_WRITES_RECORD = re.compile(
    rb"""\.(?:set|header|headers|writeHead)\(\s*(?:\d+\s*,\s*)?[\w$.]+\.headers\s*\)"""
)
_CORS_WORDS = (b"cors", b"enableCors", b"Access-Control-", b"access-control-", b"ACCESS-CONTROL-")


def config_record_writers(module: JsModule) -> list[JsModule]:
    """The modules that write a header record read from this node-config file; none for any
    other module, or where the project is too large to look through."""
    if not _NODE_CONFIG.search(PurePosixPath(module.path).as_posix()) or module.file is None:
        return []
    if b"access-control-allow-origin" not in module.source.lower() or module.project is None:
        return []
    root = project_root(module.file)
    if root is None or not _uses_node_config(root):
        return []
    own = module.file.resolve()
    found: list[JsModule] = []
    for count, file in enumerate(project_files(root)):
        if count >= MAX_FILES:
            return []
        if names_file(file, own):
            continue
        try:
            source = file.read_bytes()
        except OSError:
            continue
        if _WRITES_RECORD.search(source) is None or _LOADS_CONFIG.search(source) is None:
            continue
        if any(word in source for word in _CORS_WORDS):
            continue  # read on its own
        writer = module.project.load(file, module.project.display(module, file))
        if writer is not None:
            found.append(writer)
    return found


def _uses_node_config(root: Path) -> bool:
    """Whether the project declares node-config (`"config"` among its dependencies): only
    then is a `config/*.js` file of it read by `config.get(...)`."""
    try:
        manifest = json.loads((root / "package.json").read_text("utf-8", errors="replace"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and any(
        isinstance(manifest.get(kind), dict) and "config" in manifest[kind]
        for kind in ("dependencies", "devDependencies")
    )


def config_record_sets(module: JsModule) -> list[Node]:
    """The calls of this module that write such a record (`ctx.set(serverConfig.headers)`):
    where its request handlers are."""
    if _WRITES_RECORD.search(module.source) is None or _LOADS_CONFIG.search(module.source) is None:
        return []
    found = []
    for call in module.of_kind("call_expression"):
        arguments = call_arguments(call)
        if not arguments or unwrap(arguments[-1]).type != "member_expression":
            continue
        if not module.text(arguments[-1]).endswith(".headers"):
            continue
        record = module.resolve(arguments[-1])
        if (
            record.known
            and isinstance(record.raw, dict)
            and any(isinstance(key, str) and key.lower().startswith("access-control-") for key in record.raw)
        ):
            found.append(call)
    return found
