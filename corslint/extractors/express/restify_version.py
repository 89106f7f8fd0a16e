"""What restify answers an `OPTIONS` request with, by the major the project installs.

Measured (docs/semantics/restify.md): `use` middleware never runs for an `OPTIONS`
request without an `opts(...)` route. restify 2.6.3 and 4.3.4 then answer a preflight to
an existing route themselves (their own CORS headers); from 5.0 (5.2.1, 11.1.0) the router
answers 405 with no CORS header, so hand-written headers in `use` middleware never reach a
preflight. Certain only where the project's manifests or lock tell one major of 5 or more,
and nothing in the project may answer `OPTIONS` before the router: an `opts(...)` route, a
`pre(...)` handler, a `MethodNotAllowed` / `restifyError` listener, a CORS package
(`restify-cors-middleware`). Otherwise None: unknown.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from corslint.extractors.express.route_preflights import ANSWERED_BEFORE
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import MANIFEST, ROOT_MARKERS, installed_major
from corslint.extractors.js.syntax import Node
from corslint.model import Evidence, Value

PACKAGE = "restify"
REFUSING_MAJOR = 5  # the first major whose router answers OPTIONS 405 (4.3.4: its own 200)
REFUSED_STATUS = 405
REFUSED_BEFORE = "refused-before"  # frameworks.express_headers: `refused-before 405`
MAX_FILES = 400
MAX_BYTES = 1_000_000
_SOURCE = (".js", ".cjs", ".mjs", ".ts")
_SKIPPED = frozenset({"node_modules", ".git", "dist", "build", "coverage", "vendor"})
# code that may answer OPTIONS before restify's router refuses it
# (a `MethodNotAllowed` / `restifyError` listener may answer the refused OPTIONS itself)
_ANSWERS_OPTIONS = re.compile(r"\.\s*(?:opts|pre)\s*\(|MethodNotAllowed|restifyError")


def restify_options_status(module: JsModule, use_call: Node) -> Value:
    """`options_status` of a restify `use` middleware: OPTIONS never reaches it. restify
    5+ refuses it 405 (`refused-before 405`, where certain); 2.x-4.x answer it themselves,
    or the version is unknown: answered before, what it answers left unknown."""
    project = module.project
    dependencies = project.dependencies(module) if project is not None else frozenset()
    major = refusing_major(module.file, dependencies)
    where = module.location(use_call)
    if major is None:
        return Value(ANSWERED_BEFORE, where)
    return Value(
        f"{REFUSED_BEFORE} {REFUSED_STATUS}",
        where,
        description=f"restify {major}'s router answers every OPTIONS request {REFUSED_STATUS}, or 404 where no route "
        "matches, with no CORS header, before any `use` middleware runs",
    )


def restify_refusal_evidence(options: dict[str, Value]) -> list[Evidence]:
    """CORS206's cause for a `use` middleware restify 5+ refuses OPTIONS before."""
    status = options.get("options_status")
    if status is None or not status.known or not str(status.raw).startswith(REFUSED_BEFORE):
        return []
    return [Evidence("preflight-throws", status.description, status.location)]


def refusing_major(file: Path | None, dependencies: frozenset[str]) -> int | None:
    """The restify major (5 or more) whose router answers every `OPTIONS` request 405
    before any `use` middleware, when the project certainly runs one and has nothing that
    answers `OPTIONS` first; None otherwise (2.x-4.x, unknown, or an `opts` / `pre` /
    CORS package that may answer it)."""
    if file is None:
        return None
    major = installed_major(file, PACKAGE)
    if major is None or major < REFUSING_MAJOR:
        return None
    if any("cors" in name for name in dependencies):
        return None  # restify-cors-middleware and kin answer preflights in `pre`
    root = _project_folder(os.path.dirname(os.path.abspath(file)))
    if root is None or _may_answer_options(root):
        return None
    return major


def _project_folder(folder: str) -> str | None:
    """The folder of the nearest package.json that declares restify."""
    for _ in range(8):
        manifest = os.path.join(folder, MANIFEST)
        if os.path.isfile(manifest) and _declares(manifest):
            return folder
        if any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS):
            return None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return None


def _declares(manifest: str) -> bool:
    try:
        with open(manifest, encoding="utf-8", errors="replace") as handle:
            return f'"{PACKAGE}"' in handle.read(MAX_BYTES)
    except OSError:
        return False


@functools.lru_cache(maxsize=32)
def _may_answer_options(root: str) -> bool:
    """Whether any source file of the project registers an `opts` route or a `pre`
    handler (or there are too many files to tell)."""
    seen = 0
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in _SKIPPED and not name.startswith(".")]
        for name in files:
            if not name.endswith(_SOURCE):
                continue
            seen += 1
            if seen > MAX_FILES:
                return True
            try:
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                    text = handle.read(MAX_BYTES)
            except OSError:
                return True
            if _ANSWERS_OPTIONS.search(text):
                return True
    return False
