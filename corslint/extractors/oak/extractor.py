"""`oakCors(...)` from deno.land/x/cors (tajpouria/cors, also on JSR as @tajpouria/cors): CORS003.

It is a port of the `cors` package with behaviour of its own, read from its source (v1.2.2,
`cors.ts` and `oakCors.ts`), so the `cors` model cannot stand in for it: an Origin missing
from an allow-list gets `Access-Control-Allow-Origin: false` instead of no header, and
`Vary: Origin` is only ever added to a response that already has a `Vary` header listing
Origin (`setVaryHeader` / `appendVaryHeader`), so a listed Origin is echoed without it.
Until a differential test can run it (it is published for Deno only, and neither Deno nor
its registries are reachable here), each call is reported as not checked. Seen in
nekocatchan/quiz-server `src/server.deno.js`, ch0wdreN/mainDeptAPI `main.ts`,
ClementFrassier/ProjetWeb `backend/middleware/cors.ts`."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.syntax import Node, parser, walk
from corslint.model import Diagnostic, Extraction, Location

# worded as `unmodelled.libraries.message` words CORS003 (its `library_named` reads it back)
MESSAGE = (
    "corslint does not model oakCors (deno.land/x/cors) yet: the CORS configuration here was not checked"
)
_NAME = b"oakCors"


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    data = text.encode("utf-8")
    root = parser(PurePosixPath(path).suffix).parse(data).root_node
    if not _imported(root):
        return Extraction()
    for node in walk(root):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type == "identifier" and callee.text == _NAME:
            where = Location(
                path,
                node.start_point[0] + 1,
                _column(data, node.start_byte),
                node.end_point[0] + 1,
                _column(data, node.end_byte),
            )
            return Extraction(diagnostics=(Diagnostic("CORS003", MESSAGE, where),))
    return Extraction()


def _imported(root: Node) -> bool:
    """Whether an import statement binds `oakCors` (a local function of that name is not it)."""
    for statement in root.named_children:
        if statement.type != "import_statement":
            continue
        if any(node.type == "identifier" and node.text == _NAME for node in walk(statement)):
            return True
    return False


def _column(data: bytes, offset: int) -> int:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return len(data[line_start:offset].decode("utf-8", "replace")) + 1
