"""A `cors` package instance in a Next.js project's helper module that no module imports.

The Next.js docs' pages-API pattern builds the instance once in a helper module and exports
it (`const cors = initMiddleware(Cors({...})); export default cors`, or `const cors =
Cors({...})` beside a `runMiddleware` helper); an API route then imports it and awaits it.
Next.js runs only its routes, so an instance whose module nothing imports (census 6 sample
158, ElonWu/try_next-12 `middlewares/cors.ts`, whose only import is commented out; sample
187, ameerusa86/nextbuy `utils/cors.ts`) sends no CORS header. Judged only where the answer is
plain: a Next.js package, a module that is no route, an instance that only the module's
exports read, and no file of the project (comment lines aside) spelling the module's path."""

from __future__ import annotations

import json
import re
from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import (
    Unsearchable,
    other_sources,
    project_root,
)
from corslint.extractors.js.syntax import Node
from corslint.model import Evidence

MAX_FILES = 2000
_WRAPPING = frozenset({"parenthesized_expression", "as_expression", "arguments", "call_expression"})
# Next.js's own entry points: every file under `pages/`, App Router routes, the middleware
_ENTRY_NAMES = frozenset({"route", "page", "layout", "middleware", "instrumentation"})
_COMMENT_LINE = re.compile(rb"^[ \t]*//[^\n]*$", re.MULTILINE)
_COMMENT_BLOCK = re.compile(rb"^[ \t]*/\*.*?\*/", re.DOTALL | re.MULTILINE)
_FOLDER_LOADERS = re.compile(rb"readdirSync|readdir\(|require-all|require-dir|import\.meta\.glob|glob\(")


def unused_next_instance(module: JsModule, call: Node) -> Evidence | None:
    """The "never applied" evidence for `call`, a `cors(...)` call, when it is such an
    instance; None otherwise (and wherever unsure)."""
    if module.file is None:
        return None
    name = _bound_name(module, call)
    if name is None or not _only_exported(module, name):
        return None
    root = project_root(module.file)
    if root is None or not _next_package(root) or _entry_point(module.file.resolve(), root):
        return None
    if not _imported_nowhere(module.file.resolve(), root):
        return None
    return Evidence(
        "not-applied",
        "this cors() middleware is exported, but no module of the Next.js app imports it, so it "
        "sends no CORS headers",
        module.location(call),
        whole_layer=True,
    )


def _bound_name(module: JsModule, call: Node) -> str | None:
    """`const cors = Cors(o)` or `const cors = initMiddleware(Cors(o))`: the module-level
    name the instance is bound to."""
    node = call.parent
    while node is not None and node.type in _WRAPPING:
        node = node.parent
    if node is None or node.type != "variable_declarator":
        return None
    declaration = node.parent
    if declaration is None or declaration.parent is None or declaration.parent.type != "program":
        return None
    target = node.child_by_field_name("name")
    return module.text(target) if target is not None and target.type == "identifier" else None


def _only_exported(module: JsModule, name: str) -> bool:
    """Every read of `name` is an export of it (`export default cors`, `export { cors }`):
    nothing in the module itself runs the instance."""
    references = module.references(name)
    if not references:
        return False
    for reference in references:
        parent = reference.parent
        while parent is not None and parent.type in {"export_specifier", "export_clause"}:
            parent = parent.parent
        if parent is None or parent.type != "export_statement":
            return False
    return True


def _next_package(root: Path) -> bool:
    try:
        manifest = json.loads((root / "package.json").read_text("utf-8", errors="replace"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict):
        return False
    for field in ("dependencies", "devDependencies"):
        listed = manifest.get(field)
        if isinstance(listed, dict) and "next" in listed:
            return True
    return False


def _entry_point(own: Path, root: Path) -> bool:
    if own.stem == "index" or own.stem in _ENTRY_NAMES or not own.is_relative_to(root.resolve()):
        return True
    return "pages" in own.relative_to(root.resolve()).parts


def _imported_nowhere(own: Path, root: Path) -> bool:
    stem = re.escape(own.stem.encode())
    # a specifier ending in the module's name: `./cors`, `@/lib/cors`, `../utils/cors.ts`
    spelling = re.compile(rb"/" + stem + rb"(?:\.[A-Za-z]{1,4})?['\"`]")
    try:
        for source in other_sources(root, own, MAX_FILES):
            if own.stem.encode() not in source:
                if _FOLDER_LOADERS.search(source) is not None:
                    return False
                continue
            live = _COMMENT_LINE.sub(b"", _COMMENT_BLOCK.sub(b"", source))
            if spelling.search(live) is not None or _FOLDER_LOADERS.search(live) is not None:
                return False
    except Unsearchable:
        return False
    return True
