"""What an import specifier can name, for the readers that ask whether anything loads a
module (elysia_unused, fastify_unused_plugins, unpassed_exported_options)."""

from __future__ import annotations

from pathlib import Path

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
