"""Whether a module's @fastify/cors registration sits in a plugin nothing loads (set 21,
Afrisinc/auth-service `src/plugins/cors.ts`: `export default fp(async (fastify) => {
await fastify.register(cors, { origin: '*', credentials: true }) })`, while the app
registers @fastify/cors itself in `src/app.ts` and no module imports the plugin). A Fastify
plugin does nothing until an instance registers it, so this one sends no CORS headers: the
finding is CORS303 (not applied), not the policy's own faults.

Precision first, as for Elysia's unused plugins (`elysia_unused`): the call must be made on
the first parameter of the module's default export (`export default fp(...)`, `export
default async function`, `module.exports = ...`); every string in the other project sources
that could name the module's file must resolve to another file or to a package the project
depends on; another project file builds a Fastify instance; and no project source mentions
`autoload`, `readdir`, a glob call or an import of a template path (@fastify/autoload, or a
loop over a folder's files, loads plugins without naming them). Anything else
(an `index` file, re-exports, unresolved aliases, a large project) keeps the policy judged
as before."""

from __future__ import annotations

from corslint.extractors.express.fastify_registering_routes import exported_plugin_function
from corslint.extractors.express.importer_candidates import MAX_FILES
from corslint.extractors.express.importer_specifiers import spelled_by_no_importer
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import Unsearchable, other_sources
from corslint.extractors.js.syntax import Node
from corslint.model import Evidence

_APP_MARKERS = (b"Fastify(", b"fastify(")
_AUTOLOAD = b"autoload"
# a loader that registers a folder's files without naming them: unsure
_FOLDER_LOADERS = (
    _AUTOLOAD,
    b"readdir",
    b"glob(",
    b"globSync(",
    b".glob(",
    b"fast-glob",
    b"import(`",
    b"require(`",
)


def unused_plugin_evidence(module: JsModule, call: Node, receiver: str) -> Evidence | None:
    """CORS303's evidence for a registration in a default-exported plugin no module loads."""
    if _AUTOLOAD in module.source or not _in_default_export(module, call, receiver):
        return None
    if not _loaded_nowhere(module):
        return None
    return Evidence(
        "not-applied",
        "this @fastify/cors registration is inside a plugin that no module of the app imports "
        "(and no @fastify/autoload loads), so no Fastify instance registers it and it sends no "
        "CORS headers",
        module.location(call),
        whole_layer=True,
    )


def _in_default_export(module: JsModule, call: Node, receiver: str) -> bool:
    function = exported_plugin_function(module, call, receiver)
    return function is not None and enclosing_function(function) is None


def _loaded_nowhere(module: JsModule) -> bool:
    found = spelled_by_no_importer(module)
    if found is None:
        return False
    root, own = found
    try:
        sources = list(other_sources(root, own, MAX_FILES))
    except Unsearchable:
        return False
    if any(loader in source for source in sources for loader in _FOLDER_LOADERS):
        return False
    return any(marker in source for source in sources for marker in _APP_MARKERS)
