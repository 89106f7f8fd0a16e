"""The project's other modules that may use a hook or decorator defined in the file
being read: `app.after_request(add_cors)` in the app factory, `@crossdomain(...)` on the
views. Those modules need not mention any CORS header, so the prefilter never hands
them to this extractor; they are found from here, by their bytes, and parsed once."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.project_files import PROJECT_MARKERS, project_root

MAX_FILES = 600  # .py files listed per project root; larger trees are searched that far
_SKIPPED = frozenset(
    {"node_modules", "site-packages", "__pycache__", "venv", "env", "build", "dist", "migrations"}
)
LEVELS = 5  # folders above the file searched for the project's top
_NAMESPACE_LEVELS = 3  # folders above a namespace package's top searched for its importers


def listing(root: Path, context: ProjectContext) -> list[Path]:
    key = f"python_headers.files:{root}"
    cached = context.shared.get(key)
    if isinstance(cached, list):
        return cached
    # listed once per run, not once per file read (PERF10: 18 extractions listed the 8
    # roots of a real tree again); the memo notes the folders' observations at each hit
    found = (
        context.memo.remembered(("python_headers.files", root), lambda: _listed(root), _paths_size)
        if context.memo is not None
        else _listed(root)
    )
    context.shared[key] = found
    return found


def _paths_size(paths: list[Path]) -> int:
    return sum(len(str(path)) for path in paths)


def _listed(root: Path) -> list[Path]:
    found: list[Path] = []
    stack = [root]
    while stack and len(found) < MAX_FILES:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in _SKIPPED:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.name.endswith(".py") and entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path))
    return found


def modules_mentioning(
    module: PythonModule,
    context: ProjectContext,
    *needles: bytes,
    root: Path | None = None,
    calling: str | None = None,
) -> list[PythonModule]:
    """The project's other modules whose text holds every needle, parsed (`root`: the
    folder searched, if not the project's; `calling`: only modules whose text can call a
    function of that name, `name(` or `x.name (`)."""
    if module.project is None:
        return []
    if root is not None:
        return _mentioning_under(module, context, needles, root, calling)
    top = project_root(module.path, LEVELS)
    found = _mentioning_under(module, context, needles, top, calling)
    if found or any((top / marker).exists() for marker in PROJECT_MARKERS):
        return found
    # no project file anywhere above: `top` is where the file's namespace package (no
    # __init__.py) begins, and the modules importing it may sit higher up (census 6 P30,
    # Poornashetty890/astra: main.py imports app/utils/cors.py); a folder above counts
    # when its modules name the package by its dotted path from there
    package = Path(module.real_path()).parent
    ceiling = Path.cwd().resolve()  # the folder the run names paths from: never above it
    above = top
    for _ in range(_NAMESPACE_LEVELS):
        if above == ceiling or not above.is_relative_to(ceiling):
            break
        above = above.parent
        dotted = ".".join(package.relative_to(above).parts).encode()
        found = _mentioning_under(module, context, (*needles, dotted), above, calling)
        if found:
            return found
    return []


def _mentioning_under(
    module: PythonModule, context: ProjectContext, needles: tuple[bytes, ...], root: Path, calling: str | None
) -> list[PythonModule]:
    call = _call_of(calling) if calling is not None else None
    assert module.project is not None
    found: list[PythonModule] = []
    here = module.project.resolved(module.path)
    contents = context.shared.setdefault("python_headers.bytes", {})
    assert isinstance(contents, dict)
    for path in listing(root, context):
        data = contents.get(path)
        if data is None:
            try:
                data = contents[path] = path.read_bytes()  # each file read once per run
            except OSError:
                data = contents[path] = b""
        # the bytes first: resolving every listed path cost more than reading them; the
        # first needle alone rules most files out (PERF10: 76k tests on a real tree)
        if needles and needles[0] not in data:
            continue
        if not all(needle in data for needle in needles[1:]) or module.project.resolved(path) == here:
            continue
        if call is not None and call.search(data) is None:
            continue  # (PERF) a name that is a common word: not parsed for a call it lacks
        other = module.project.module_at(path, module.project.display_path(module.path, path))
        if other is not None:
            found.append(other)
    return found


@functools.lru_cache(maxsize=256)
def _call_of(name: str) -> re.Pattern[bytes]:
    """The name, then what may stand before a call's `(`: blanks, line breaks (inside
    brackets), continuations, comments, and the `)` of parentheses around the callee
    (`(helper)(request)`)."""
    return re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(name.encode()) + rb"(?:\s|\\\r?\n|#[^\n]*|\))*\(")
