"""A `cors()` instance a module exports that no module of the project imports.

`module.exports = cors(corsOptions)` in `server/middleware/cors.js` while `server/index.js`
applies its own `cors({...})` and requires nothing from `./middleware/cors`
(2331270-prog/mis-455-skill-synchub), or a Firebase `functions/cors.js` exporting
`require('cors')({ origin: true })` that `functions/index.js` never requires (census 6
samples 242, 253): the instance is never mounted, so it sends no CORS header. Judged only
where the answer is plain: another file of the project makes the app, no file spells an
import of the module's path, and no file loads modules by folder."""

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

MAX_FILES = 2000
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
# an app another file makes: Express, or a Firebase / Cloud Functions HTTP function
_APP_MARKERS = (b"express(", b"firebase-functions", b"onRequest(")
# folders whose every file is an entry of its own (Next.js pages, Vercel functions)
_ENTRY_FOLDERS = frozenset({"pages", "api"})
# loaders that require a folder's files without naming them
_FOLDER_LOADERS = re.compile(rb"require-all|require-dir|requireDirectory|import\.meta\.glob|consign|glob\(")
# a folder listed by hand loads modules only with a `require(` / `import(` of a computed name
# somewhere in the project (`readdirSync(dir).forEach((f) => require(path.join(dir, f)))`);
# `fs.readdirSync(uploads)` to list files loads nothing (kopiibara/duel-learn
# `backend/controller/OcrController.js`)
_LISTED_FOLDER = re.compile(rb"readdirSync|readdir\(")
_COMPUTED_LOAD = re.compile(rb"(?<![\w.])(?:require|import)\((?!\s*['\"`][^'\"`$\n]*['\"`]\s*\))")

# whole-line comments (`// import x from "../x"`, a `/* ... */` block opening a line): a
# commented-out import loads nothing (kopiibara/duel-learn `backend/routes/admin/AdminRoutes.js`)
_COMMENT_LINES = re.compile(rb"^[ \t]*(?://[^\n]*|/\*.*?\*/)", re.MULTILINE | re.DOTALL)


def module_level_export(module: JsModule, call: Node, name: str | None) -> bool:
    """`module.exports = cors(o)`, `export default cors(o)`, `export const c = cors(o)`, or
    `const c = cors(o); module.exports = c`: exported by the module itself, not returned
    from a function another module calls."""
    if _in_export(module, call):
        return True
    return bool(name) and any(_in_export(module, reference) for reference in module.references(name or ""))


def _in_export(module: JsModule, node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTIONS or parent.type == "method_definition":
            return False
        if parent.type == "export_statement":
            return True
        if parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            target = module.text(left) if left is not None else ""
            return target == "module.exports" or target.startswith(("module.exports.", "exports."))
        parent = parent.parent
    return False


def imported_nowhere(module: JsModule) -> bool:
    """Whether no other file of the module's project (the whole repository, for a package
    inside a monorepo) spells an import of the module's file, while one of them makes an
    app. False where unsure: no project, too many files, a folder loader, an entry point."""
    if module.file is None:
        return False
    root = project_root(module.file)
    if root is None:
        return False
    own = module.file.resolve()
    if (
        own.stem == "index"
        or _names_entry(root, own)
        or _ENTRY_FOLDERS & set(own.relative_to(root).parts[:-1])
    ):
        return False
    stem = re.escape(own.stem.encode())
    spelling = re.compile(rb"/" + stem + rb"(?:\.[A-Za-z]{1,4})?['\"`]")
    # the bare name quoted elsewhere than as a package's specifier (`path.join(dir, 'cors')`)
    bare = re.compile(
        rb"(?<!require\()(?<!from )(?<!import\()(?<!import )['\"`]" + stem + rb"(?:\.[A-Za-z]{1,4})?['\"`]"
    )
    app_seen = listed = computed = False
    try:
        for source in other_sources(_repository_top(root), own, MAX_FILES):
            source = _COMMENT_LINES.sub(b"", source)  # `// import legacy from "./legacy"` loads nothing
            if any(pattern.search(source) is not None for pattern in (spelling, bare, _FOLDER_LOADERS)):
                return False
            app_seen = app_seen or any(marker in source for marker in _APP_MARKERS)
            listed = listed or _LISTED_FOLDER.search(source) is not None
            computed = computed or _COMPUTED_LOAD.search(source) is not None
    except Unsearchable:
        return False
    return app_seen and not (listed and computed)


def _names_entry(root: Path, own: Path) -> bool:
    """The package's manifest names the file (`main`, a script that runs it): it runs by
    itself. True where the manifest cannot be read."""
    try:
        manifest = json.loads((root / "package.json").read_text("utf-8", errors="replace"))
    except (OSError, ValueError):
        return True
    if not isinstance(manifest, dict) or not own.is_relative_to(root):
        return True
    spelled = re.escape(own.relative_to(root).with_suffix("").as_posix())
    naming = re.compile(rf"(?:^|[\s/\"'=])(?:\./)?{spelled}(?:\.[A-Za-z]{{1,4}})?(?:$|[\s\"'])")
    scripts = manifest.get("scripts")
    runs = [manifest.get("main"), *(scripts.values() if isinstance(scripts, dict) else ())]
    return any(isinstance(text, str) and naming.search(text) is not None for text in runs)


def _repository_top(root: Path) -> Path:
    """The highest folder up to three levels above `root` that is still part of the same
    repository (holds a package.json or the checkout's `.git`): a workspace package may be
    imported by its siblings."""
    top = root
    for parent in list(root.parents)[:3]:
        if (top / ".git").exists():
            break
        if (parent / "package.json").is_file() or (parent / ".git").exists():
            top = parent
        else:
            break
    return top
