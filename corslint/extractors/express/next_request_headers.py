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
_GET = re.compile(r"^(?P<holder>.+)\.get\('(?P<header>[\w-]+)'\)$")


def next_header_read(module: JsModule, node: Node, canonical: str) -> str | None:
    """The header (lower case) a `next/headers` read of `node` names, else None;
    `canonical` is its text without spaces, quotes made single."""
    found = _GET.match(canonical)
    if found is None:
        return None
    holder = found.group("holder")
    next_headers = _imports_next_headers(module)
    if next_headers and _is_headers_call(module, holder):
        return found.group("header").lower()
    if re.fullmatch(r"[\w$]+", holder):
        bound = declared_value(module, holder, node)
        text = module.text(unwrap(bound)).replace(" ", "") if bound is not None else ""
        if (next_headers and _is_headers_call(module, text)) or _HEADERS_COPY.match(text):
            return found.group("header").lower()
    return None


def _imports_next_headers(module: JsModule) -> bool:
    return any(specifier == "next/headers" for specifier, _ in module.imports.values())


def _is_headers_call(module: JsModule, text: str) -> bool:
    call = _HEADERS_CALL.match(text)
    return call is not None and module.imports.get(call.group("name")) == ("next/headers", "headers")
