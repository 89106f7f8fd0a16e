"""SvelteKit endpoints (`src/routes/**/+server.ts|js`): each `export const GET/POST/...`
(or `export function`) answers its own method, usually with `json(data, { headers })` or
`text(body, init)` from `@sveltejs/kit` (a `Response` with those headers and status). An
OPTIONS request goes to the `OPTIONS` export, else to the `fallback` export, else SvelteKit
answers 405 without the endpoint's headers (`method_not_allowed`, measured with
@sveltejs/kit 2 in tests/node) - unless a server hook answers it first (code corpus:
`export const OPTIONS: RequestHandler = async () => new Response(null, { headers:
CORS_HEADERS })` beside `json(..., { headers: CORS_HEADERS })` exports)."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import Node, unwrap

SVELTEKIT_ENDPOINT = "sveltekit_endpoint_headers"  # the framework of an endpoint's policy
METHOD_NOT_ALLOWED = 405
_KIT = "@sveltejs/kit"
_BUILDERS = frozenset({"json", "text"})
_SUFFIXES = frozenset({".js", ".ts"})
_HOOKS = ("hooks.server.ts", "hooks.server.js", "hooks.ts", "hooks.js")


def is_endpoint_file(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.stem == "+server" and pure.suffix in _SUFFIXES


def builds_kit_response(module: JsModule, call: Node) -> bool:
    """`json(data, init)` / `text(body, init)` imported from `@sveltejs/kit`."""
    callee = call.child_by_field_name("function")
    if callee is None or unwrap(callee).type != "identifier":
        return False
    imported = module.imports.get(module.text(unwrap(callee)))
    return imported is not None and imported[0] == _KIT and imported[1] in _BUILDERS


def kit_options_status(module: JsModule) -> int | None:
    """SvelteKit's own answer to an OPTIONS request an endpoint exports nothing for: 405,
    where no `fallback` export takes it and no server hook of the project writes CORS
    headers (a hook may answer the preflight before the route); None otherwise."""
    if module.file is None:
        return None
    text = module.text(module.root)
    if "fallback" in text:
        return None
    folder = module.file.parent
    root = project_root(module.file)
    while root is not None:
        for hooks in (folder / name for name in _HOOKS):
            if hooks.is_file() and _writes_cors(hooks.read_bytes()):
                return None
        if folder == root or folder.parent == folder:
            break
        folder = folder.parent
    return METHOD_NOT_ALLOWED if root is not None else None


def _writes_cors(source: bytes) -> bool:
    return b"access-control-" in source.lower()
