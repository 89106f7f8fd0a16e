"""The other modules of a Node project that may import a given module: those whose text
names its file (its stem, or its folder for an `index` file), loaded. Found by reading
each project file once, up to a bound, so that a middleware or plugin defined in its own
module can be followed to the modules that register it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import names_file, project_files, project_root

MAX_FILES = 3000  # a project larger than this is not looked through


@dataclass(frozen=True)
class Candidates:
    """`module`'s file (resolved), its project's root, and the modules that may import it."""

    own: Path
    root: Path
    modules: tuple[JsModule, ...]


def candidate_importers(
    module: JsModule, also: bytes = b"", matching: re.Pattern[bytes] | None = None
) -> Candidates | None:
    """The loaded project modules that name `module`'s file (and hold `also`, and match
    `matching`, when given); None without a project, or when it has more than `MAX_FILES`
    files."""
    project = module.project
    if module.file is None or project is None:
        return None
    root = project_root(module.file)
    if root is None:
        return None
    own = module.file.resolve()
    stem = (own.stem if own.stem != "index" else own.parent.name).encode()
    spelling = _import_spelling(own)
    found: list[JsModule] = []
    for count, file in enumerate(project_files(root)):
        if count >= MAX_FILES:
            return None
        # (PERF) the bytes first: `names_file` resolves every file named like `module`'s own
        # (1,063 `index.js` realpaths in a 3.2k-file monorepo, per router `cors()`)
        if not _mentions(file, stem, also, spelling, matching) or names_file(file, own):
            continue
        importer = project.load(file, project.display(module, file))
        if importer is not None:
            found.append(importer)
    return Candidates(own, root, tuple(found))


def _import_spelling(own: Path) -> re.Pattern[bytes] | None:
    """How the specifier of an import of `own` ends, when `own` is no `index` file: its
    stem, at most an extension, then the closing quote (`./headers`, `./headers.js`,
    `@/lib/headers`). A module that only has the word (`setHeaders(` for `headers.ts`,
    `app.use(` for `app.js`) imports nothing from it, and parsing each such module was
    most of the time these scans took (hoppscotch's `headers.ts`: 93 modules, 0.55 s)."""
    if own.stem == "index":  # `.`, `./`, `../index` from inside its folder
        return None
    return re.compile(re.escape(own.stem.encode()) + rb"(?:\.[A-Za-z]{1,4})?['\"`]")


def _mentions(
    file: Path,
    stem: bytes,
    also: bytes,
    spelling: re.Pattern[bytes] | None,
    matching: re.Pattern[bytes] | None = None,
) -> bool:
    try:
        source = file.read_bytes()
    except OSError:
        return False
    if stem not in source or also not in source:
        return False
    if matching is not None and matching.search(source) is None:
        return False
    return spelling is None or spelling.search(source) is not None
