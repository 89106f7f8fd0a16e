"""What an import specifier can name, for the readers that ask whether anything loads a
module (elysia_unused, fastify_unused_plugins, unpassed_exported_options)."""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import names_file


def package_name(specifier: str) -> str:
    """The package a bare specifier names: `cors`, `@koa/cors` (from `@koa/cors/lib`)."""
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def may_import(importer: JsModule, specifier: str, own: Path) -> bool:
    """Whether `specifier`, written in `importer`, may load the file whose real path is
    `own`: it resolves to it, or it does not resolve and is a path or a bare name no
    dependency of the project owns (an alias such as `@/plugins/cors`: unsure)."""
    project = importer.project
    assert project is not None
    resolved = project.resolve_specifier(importer, specifier)
    if resolved is not None:
        return names_file(resolved, own)
    if specifier.startswith((".", "/")) or not specifier.strip():
        return True  # a path that does not resolve: unsure
    return package_name(specifier) not in project.dependencies(importer)


def spelled_by_no_importer(module: JsModule) -> tuple[Path, Path] | None:
    """(the project's root, the module's real path) when no module of the project writes a
    specifier that may load `module`'s file; None where one may, or where unsure (no
    project, an `index` file reached by its folder's name, a project too large to read)."""
    if module.file is None or module.project is None:
        return None
    own = module.file.resolve()
    if own.stem == "index":  # `'.'`, `'./plugins'`: not spelled by the file's name
        return None
    candidates = candidate_importers(module)
    if candidates is None:
        return None
    spelled = re.compile(
        rb"['\"`]([^'\"`\n]{0,300}" + re.escape(own.stem.encode()) + rb"(?:\.[A-Za-z]{1,4})?)['\"`]"
    )
    for importer in candidates.modules:
        for match in spelled.finditer(importer.source):
            if may_import(importer, match.group(1).decode("utf-8", "replace"), own):
                return None
    return candidates.root, own
