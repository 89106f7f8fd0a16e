"""Dependency manifests that list a CORS library corslint does not model: the project
uses it even where no import of it can be seen (a dynamic `require`, a plugin loader)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.unmodelled.libraries import (
    JS_LIBRARIES,
    MANIFESTS,
    PYTHON_LIBRARIES,
    UnmodelledLibrary,
    distribution_name,
    library_of,
    manifest_message,
)
from corslint.frameworks.fastify_cors_versions import LEGACY_MAJORS, LEGACY_PACKAGE
from corslint.model import Diagnostic, Extraction, Location

NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_BY_DISTRIBUTION = {
    distribution_name(name): library for library in PYTHON_LIBRARIES for name in library.imports
}


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    name = os.path.basename(path)
    if name == "package.json":
        found = _npm_packages(text)
    elif name in MANIFESTS:
        found = _python_packages(text)
    else:
        return Extraction()
    notes: list[Diagnostic] = []
    seen: set[str] = set()
    for library, line in found:
        if library.display == LEGACY_PACKAGE and installed_major(Path(path), LEGACY_PACKAGE) in LEGACY_MAJORS:
            continue  # fastify-cors 6.x is modelled (extractors/express/fastify_cors.py)
        if library.display not in seen:
            seen.add(library.display)
            notes.append(Diagnostic("CORS003", manifest_message(library, name), Location.point(path, line)))
    return Extraction(diagnostics=tuple(notes))


def _npm_packages(text: str) -> list[tuple[UnmodelledLibrary, int]]:
    try:
        manifest = json.loads(text)
    except ValueError:
        return []  # the config-file reader reports a package.json that is not JSON
    if not isinstance(manifest, dict):
        return []
    found = []
    for section in NPM_SECTIONS:
        packages = manifest.get(section)
        if not isinstance(packages, dict):
            continue
        for package in packages:
            library = library_of(str(package), JS_LIBRARIES)
            if library is not None:
                found.append((library, _line_of(text, json.dumps(package))))
    return found


def _python_packages(text: str) -> list[tuple[UnmodelledLibrary, int]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for token in _NAME.findall(code):
            library = _BY_DISTRIBUTION.get(distribution_name(token))
            if library is not None:
                found.append((library, number))
    return found


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1
