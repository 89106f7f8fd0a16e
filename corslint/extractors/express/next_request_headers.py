"""The request's headers read through an object other than the request: in an App Router
handler through `next/headers`, `headers().get("origin")` (Next 13-14), `(await
headers()).get("origin")` (Next 15), or a local holding that object (`const list = await
headers(); list.get("origin")`), seen in route handlers that echo the Origin (code corpus:
`headers().get("origin") ?? "*"` beside `Access-Control-Allow-Credentials: true`); and a
copy of the request's headers, `const incoming = new Headers(context.request.headers);
incoming.get("Origin")` (immisterio/Lampac `Build/cloudflare/functions/_middleware.ts`)."""

from __future__ import annotations

import re

from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_HEADERS_CALL = re.compile(r"^\(?(?:await)?(?P<name>[\w$]+)\(\)\)?$")
_HEADERS_COPY = re.compile(r"^newHeaders\((?:[\w$]+\.)*(?:request|req)\.headers\)$")
_AWAITED_NAME = re.compile(r"^\(?(?:await)?(?P<name>[\w$]+)\)?$")  # `list`, `(await list)`
_GET = re.compile(r"^(?P<holder>.+)\.get\('(?P<header>[\w-]+)'\)$")


def next_header_read(module: JsModule, node: Node, canonical: str) -> str | None:
    """The header (lower case) a `next/headers` read of `node` names, else None;
    `canonical` is its text without spaces, quotes made single."""
    found = _GET.match(canonical)
    if found is None:
        return None
    if _holds_headers(module, found.group("holder"), node, _imports_next_headers(module), 0):
        return found.group("header").lower()
    return None


def _holds_headers(module: JsModule, holder: str, node: Node, next_headers: bool, depth: int) -> bool:
    """`headers()`, `(await headers())`, a local bound to one, or a local holding the
    promise awaited where it is read (`const list = headers(); (await list).get("origin")`,
    07-Vignesh/VikneshwaranPortfolio `lib/cors.ts`)."""
    if next_headers and _is_headers_call(module, holder):
        return True
    local = _AWAITED_NAME.match(holder)
    if local is None or depth > 2:
        return False
    bound = declared_value(module, local.group("name"), node)
    text = module.text(unwrap(bound)).replace(" ", "") if bound is not None else ""
    return bool(text) and (
        _HEADERS_COPY.match(text) is not None or _holds_headers(module, text, node, next_headers, depth + 1)
    )


def _imports_next_headers(module: JsModule) -> bool:
    return any(specifier == "next/headers" for specifier, _ in module.imports.values())


def _is_headers_call(module: JsModule, text: str) -> bool:
    call = _HEADERS_CALL.match(text)
    return call is not None and module.imports.get(call.group("name")) == ("next/headers", "headers")
