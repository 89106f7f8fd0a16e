"""The files of a Serverless service that import a given module (a Lambda result helper
such as `lib/reply.js`), so that the API Gateway answer of the handlers that use it can
be told: every importer must be found, or None is returned.

An importer is a JS / TS source under the service folder (outside dependencies and build
output) with an `import` / `require` whose specifier ends with the helper's name (its
stem, or its folder for an `index` file). A specifier that resolves elsewhere is still
counted (an alias such as `@/lib/reply` is not resolved): the caller then finds an
importer that is no handler and keeps the answer unknown."""

from __future__ import annotations

import os
import re

SKIPPED = frozenset(
    {"node_modules", ".serverless", ".git", "dist", "build", ".build", ".esbuild", ".webpack", "coverage"}
)
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")
MAX_FILES = 2000
MAX_BYTES = 512_000
_SPECIFIER = re.compile(rb"""(?:require\s*\(\s*|from\s+|import\s*\(?\s*)['"]([^'"]+)['"]""")


def _names(helper: str) -> set[str]:
    stem = os.path.splitext(os.path.basename(helper))[0]
    if stem == "index":
        return {os.path.basename(os.path.dirname(helper))}
    return {stem}


def importing_files(service_dir: str, helper: str) -> set[str] | None:
    """The real paths of the service's sources that import `helper` (a real path); None
    when the service is too large to look through or a file cannot be read."""
    if not helper.endswith(JS_SUFFIXES):
        return None
    names = _names(helper)
    found: set[str] = set()
    seen = 0
    for folder, subfolders, files in os.walk(service_dir):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED and not d.startswith("."))
        for name in files:
            if not name.endswith(JS_SUFFIXES):
                continue
            seen += 1
            if seen > MAX_FILES:
                return None
            path = os.path.realpath(os.path.join(folder, name))
            if path == helper:
                continue
            try:
                if os.path.getsize(path) > MAX_BYTES:
                    return None
                with open(path, "rb") as file:
                    data = file.read()
            except OSError:
                return None
            for match in _SPECIFIER.finditer(data):
                last = match.group(1).decode("utf-8", "replace").rstrip("/").rsplit("/", 1)[-1]
                if os.path.splitext(last)[0] in names or last in names:
                    found.add(path)
                    break
    return found
