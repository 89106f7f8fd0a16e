"""A helper handed a Fetch `Response` (`withCors(response: NextResponse, request)` writing
`response.headers.set(...)`, 94faddy/image-uploader `src/lib/cors.ts`) is no Express or
Node handler: Node's and Express's responses have no `headers` object, so writes through
`response.headers.set/append` are the Fetch `Headers` API, which the Fetch and Next.js
readers judge (`response_objects`). Read as hand-written Express code too, every finding
came twice, once under the wrong framework's name."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node

_WRITERS = frozenset({"set", "header", "setHeader", "append", "writeHead", "vary", "headers"})


def writes_fetch_headers_only(module: JsModule, function: Node, response: str) -> bool:
    """Whether every header write on `response` inside `function` goes through its Fetch
    `headers` object (and there is at least one)."""
    if not response:
        return False
    fetch = False
    for call in module.of_kind("call_expression"):
        if not (function.start_byte <= call.start_byte < function.end_byte):
            continue
        callee = call.child_by_field_name("function")
        text = module.text(callee).replace(" ", "") if callee is not None else ""
        if not text.startswith(f"{response}."):
            continue
        if text in {f"{response}.headers.set", f"{response}.headers.append"}:
            fetch = True
        elif text.rsplit(".", 1)[-1] in _WRITERS:
            return False  # `res.setHeader(...)`, `res.set(...)`: Node's or Express's own
    return fetch
