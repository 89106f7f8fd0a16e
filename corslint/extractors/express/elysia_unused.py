"""Whether an Elysia ``cors(...)`` plugin is built in a module and then used by nothing:
``export const corsPlugin = cors();`` (or ``export default cors()``) in a plugins module that
no module of the project imports, while the app lives elsewhere (APE-ARCHIVE/backend
src/plugins/cors.ts; its live policy is another ``app.use(cors({...}))``). An Elysia plugin
does nothing until an instance ``.use()``s it, so such a plugin sends no CORS headers.

Precision first: the plugin is called unused only when every string in the other project
sources that could name its file (``'./plugins/cors'``, ``'@/plugins/cors.js'``) resolves
to another file or to a package the project depends on (``'@elysiajs/cors'``), another
project file builds an Elysia app, and its own module reads the bound name only to export
it. Anything else (re-exports, dynamic imports, unresolved aliases, a large project) keeps
the policy judged as before."""

from __future__ import annotations

from corslint.extractors.express.importer_candidates import MAX_FILES
from corslint.extractors.express.importer_specifiers import spelled_by_no_importer
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import Unsearchable, other_sources
from corslint.extractors.js.syntax import Node

_APP_MARKER = b"new Elysia("
_EXPORTS = frozenset({"export_statement", "export_clause", "export_specifier"})


def exported_only(module: JsModule, call: Node) -> bool:
    """Whether the value of `call` is only exported from its module: `export default
    cors()`, or `[export] const x = cors()` at the top where `x` is read only by export
    clauses (`export { x }`, `export default x`)."""
    node = call
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "export_statement":  # export default cors()
        return parent.parent is not None and parent.parent.type == "program"
    if parent.type != "variable_declarator" or parent.child_by_field_name("value") != node:
        return False
    name = parent.child_by_field_name("name")
    declaration = parent.parent
    if name is None or name.type != "identifier" or declaration is None:
        return False
    top = declaration.parent
    if top is not None and top.type == "export_statement":
        top = top.parent
    if top is None or top.type != "program":
        return False
    exported = declaration.parent is not None and declaration.parent.type == "export_statement"
    for reference in module.references(module.text(name)):
        if reference.parent is None or reference.parent.type not in _EXPORTS:
            return False
        exported = True
    return exported


def imported_nowhere(module: JsModule) -> bool:
    """Whether no other module of the project can import `module`'s file while another one
    builds an Elysia app; False where unsure."""
    found = spelled_by_no_importer(module)
    if found is None:
        return False
    root, own = found
    try:
        return any(_APP_MARKER in source for source in other_sources(root, own, MAX_FILES))
    except Unsearchable:
        return False
