"""The routes a CORS middleware built in its own module covers: `export default
cors({...})` in `middlewares/api-cors.ts`, imported by router modules that call
`router.use(apiCors)` before their `router.put(...)` / `router.delete(...)` routes
(puruhitaaa/unithrift-be, Hono). The routes of every module that imports it and `use`s
it are the routes it must allow the methods of (CORS202). Imports are followed when
relative, or through the `@/` / `~/` / `#/` source-root aliases projects map in
tsconfig `paths`."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath

from corslint.extractors.express.importer_candidates import MAX_FILES, candidate_importers
from corslint.extractors.express.registrations import Analysis, find_registrations
from corslint.extractors.express.routes import routes_of
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import (
    Unsearchable,
    names_file,
    other_sources,
    project_root,
)
from corslint.extractors.js.syntax import unwrap
from corslint.model import Route

_ALIASES = ("@/", "~/", "#/")
# what the text of a module that `.use`s anything holds (`_uses`: a call of a member named
# `use`): the others are not parsed. uptime-kuma's `util-server.js` has 43 importers (PERF5)
_USE_CALL = re.compile(rb"\.\s*use\b")


def importer_routes(module: JsModule) -> tuple[Route, ...] | None:
    """The routes of the modules that import `module`'s middleware and `.use` it; None
    when none does."""
    importers = using_importers(module)
    if importers is None:
        return None
    routes: list[Route] = []
    for importer in importers:
        analysis = Analysis(importer)
        find_registrations(analysis)
        routes += routes_of(analysis, None) or ()
    return tuple(routes) if routes else None


def using_importers(module: JsModule) -> list[JsModule] | None:
    """The modules that import `module`'s middleware and `.use` it; None when the project
    is too large to look through."""
    if module.file is None or module.project is None or project_root(module.file) is None:
        return []
    candidates = candidate_importers(module, matching=_USE_CALL)
    if candidates is None:
        return None
    project, own, root = module.project, candidates.own, candidates.root
    found: list[JsModule] = []
    for importer in candidates.modules:
        names = [
            local
            for local, (specifier, _) in importer.imports.items()
            if _may_name(specifier, own)
            and _names_module(project.resolve_specifier(importer, specifier), specifier, own, root)
        ]
        if names and _uses(importer, names):
            found.append(importer)
    return found


def _may_name(specifier: str, own: Path) -> bool:
    """Whether a relative specifier's last part can name `own` (not an `index` file, which
    `.` or its folder names) as `resolve_specifier` resolves it: the file's name, or its stem
    with or without another extension (`./headers`, `./headers.js` for headers.ts). Resolving
    every import of every importer probed up to 30 paths each (PERF5); aliases and packages
    are resolved as before."""
    if own.stem == "index" or not specifier.startswith("."):
        return True
    last = posixpath.basename(posixpath.normpath(specifier))
    return last in (own.name, own.stem) or PurePosixPath(last).stem == own.stem


def _names_module(resolved: Path | None, specifier: str, own: Path, root: Path) -> bool:
    if resolved is not None:
        return names_file(resolved, own)
    alias = next((prefix for prefix in _ALIASES if specifier.startswith(prefix)), None)
    if alias is None:
        return False
    wanted = specifier[len(alias) :].strip("/")
    relative = PurePosixPath(own.relative_to(root.resolve()).as_posix())
    spelled = {str(relative.with_suffix(""))}
    if relative.stem == "index":
        spelled.add(str(relative.parent))
    return any(path == wanted or path.endswith("/" + wanted) for path in spelled)


def _uses(importer: JsModule, names: list[str]) -> bool:
    """Whether some `x.use(...)` call passes one of `names`."""
    for call in importer.of_kind("call_expression"):
        function = call.child_by_field_name("function")
        if function is None or unwrap(function).type != "member_expression":
            continue
        method = unwrap(function).child_by_field_name("property")
        if method is None or importer.text(method) != "use":
            continue
        arguments = call.child_by_field_name("arguments")
        for argument in arguments.named_children if arguments is not None else []:
            if unwrap(argument).type == "identifier" and importer.text(unwrap(argument)) in names:
                return True
    return False


def unused_in_app(module: JsModule, app_marker: bytes) -> bool:
    """Whether the module is part of an app (another project file holds `app_marker`, such
    as `new Hono(`) that never names it in an import: what it exports is never used.
    False where unsure (too many files, or any mention of its file name)."""
    if module.file is None:
        return False
    root = project_root(module.file)
    if root is None:
        return False
    own = module.file.resolve()
    stem = own.stem if own.stem != "index" else own.parent.name
    app_seen = False
    try:
        for source in other_sources(root, own, MAX_FILES):
            if stem.encode() in source:
                return False
            app_seen = app_seen or app_marker in source
    except Unsearchable:
        return False
    return app_seen
