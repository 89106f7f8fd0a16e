"""Whether a module-level function of the project is used anywhere: a CORS helper that
receives the app (`def setup_cors(app): app.add_middleware(CORSMiddleware, ...)`) but that
nothing calls adds no layer (census 6 P1: AmineOuaddi04/neuropharm-backend app/core/cors.py,
imported by main.py and never called). A use is any mention of its name outside its own
`def`, an import of it and an `__all__` list: a call, a callback handed on (`app.on_event(
"startup")(setup)`), `getattr(module, "setup_cors")`. Test modules do not count (the project
file listing leaves them out)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.python.module import PythonModule
from corslint.extractors.python.project_files import PROJECT_MARKERS, project_root, texts_holding

_NOT_USES = re.compile(r"^\s*(async\s+def|def|from|import)\b|__all__")


def never_used(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef, context: ProjectContext
) -> bool:
    """True only when the project's files (tests aside) are all read and none uses the
    function; decorated functions are registered by their decorator, so they count as used."""
    if function.decorator_list or function not in module.tree.body:
        return False
    if not _project_found(module.path):
        return False  # a folder of loose modules: its callers may live anywhere above
    name = function.name
    texts = texts_holding(module.path, name.encode(), context.shared)
    if texts is None:
        return False
    word = re.compile(rf"(?<!\w){re.escape(name)}\b")
    for text in texts:
        for line in text.splitlines():
            if word.search(line) and not _NOT_USES.search(line):
                return False
    # a name alone on a line of a parenthesised import (`    setup_cors,`) counts as a use:
    # the same line in a list of hooks would be one
    return True


def _project_found(path: str) -> bool:
    """Whether the project's top is known: a project file marks it, or the module sits in a
    package (`__init__.py`), whose top's folder is where its imports start."""
    root = project_root(path)
    if any((root / marker).exists() for marker in PROJECT_MARKERS):
        return True
    return (Path(path).resolve().parent / "__init__.py").is_file()
