"""Values a handler copies from the request: the Origin header, the requested headers, and
input the caller chooses freely (the query string, the body, route parameters, Referer),
where any page can name its own origin."""

from __future__ import annotations

import re

from corslint.extractors.express.h3_handlers import h3_header_read
from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.next_request_headers import next_header_read
from corslint.extractors.express.origin_getters import getter_read
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, conjuncts, string_value, unwrap

ORIGIN = "origin"
REQUESTED_HEADERS = "access-control-request-headers"
REQUESTED_METHOD = "access-control-request-method"  # echoed as Allow-Methods (cors-anywhere)
# what the caller writes into the URL, the body or Referer: any page names its own origin.
# A source is "named-origin:<where>": "query.site", "body.origin", "header.referer"; a
# whole input copied to a local is "named-origin:query" (its properties are the caller's)
NAMED = "named-origin"

_HEADER_READS = (
    "{r}.headers.{h}",
    "{r}.headers['{h}']",
    "{r}.header.{h}",
    "{r}.header['{h}']",
    "{r}.get('{h}')",
    "{r}.header('{h}')",
    "{r}.headers.get('{h}')",
    "{r}.getHeader('{h}')",
)
_FREE_INPUTS = ("query", "body", "params")
# `url.parse(req.url, true).query`, `require("url").parse(...)`, `new URL(req.url, base).searchParams`
_URL_QUERY = re.compile(
    r"(?:^|[.)])parse\((?P<r>[\w$.]+)\.url,true\)\.query$"
    r"|(?:^|\W)newURL\((?P<r2>[\w$.]+)\.url(?:,[^)]*)?\)\.searchParams$"
)


# an alias for the request's whole header object (`const { headers } = ctx.req`): no input
# of its own, only what is read from it (`const { origin } = headers`)
_HEADER_OBJECT = "header-object"
# an alias for the request's method (`const { method } = ctx.req`, `const method = req.method`):
# what tests of it decide, not an input copied anywhere
METHOD_READ = "request-method"


def named(where: str) -> str:
    return f"{NAMED}:{where}"


def is_named(source: str | None) -> bool:
    return source is not None and source.startswith(NAMED)


_CAST = re.compile(r"\(\s*([\w$.]+)\s+as\s+[\w$.]+\s*\)")
# `'Origin'.toLowerCase()`: a literal key lower-cased where it is read, the literal it folds to
_LOWERED_LITERAL = re.compile(r"'([^'\\]*)'\.toLowerCase\(\)")


def _canonical(text: str) -> str:
    """Spacing, optional chaining, quotes and TypeScript casts made uniform:
    `req.headers?.["Origin"]`, `(request as any).headers.get("origin")`."""
    if " as " in text:
        text = _CAST.sub(r"\1", text)
    text = text.replace(" ", "").replace("\n", "").replace("?.[", "[").replace("?.(", "(").replace("?.", ".")
    text = text.replace('"', "'").replace("`", "'")
    if "toLowerCase" in text:  # `req.headers['Origin'.toLowerCase()]` reads `req.headers['origin']`
        text = _LOWERED_LITERAL.sub(lambda match: f"'{match.group(1).lower()}'", text)
    return text


def request_source(module: JsModule, roles: HandlerRoles, aliases: dict[str, str], node: Node) -> str | None:
    """What the request supplies to this expression, or None: `ORIGIN` for the Origin
    header (`req.headers.origin`, `req.get("Origin")`, `ctx.get("origin")`, a local copy),
    `REQUESTED_HEADERS`, or a `named(...)` source for input the caller chooses
    (`req.query.site`, `url.parse(req.url, true).query.origin`, `req.body.origin`, Referer)."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "identifier":
        found = aliases.get(module.text(node))
        return None if found in {_HEADER_OBJECT, METHOD_READ} else found
    if node.type == "template_string":
        # `${req.headers.origin}`: a template that is nothing but one substitution
        parts = [child for child in node.named_children if child.type != "comment"]
        if len(parts) == 1 and parts[0].type == "template_substitution" and parts[0].named_children:
            return request_source(module, roles, aliases, parts[0].named_children[0])
        return None
    if node.type == "binary_expression":
        operator = module.text(node.child_by_field_name("operator"))
        if operator in {"||", "??"}:
            return request_source(module, roles, aliases, node.child_by_field_name("left"))
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        guard = module.text(unwrap(left)).replace(" ", "") if operator == "&&" and left is not None else ""
        if guard and right is not None and module.text(unwrap(right)).lstrip("(").startswith(guard):
            # `event.headers && (event.headers.origin || event.headers.Origin)`: the read, its
            # holder tested first
            return request_source(module, roles, aliases, right)
        return None
    if node.type == "ternary_expression" and (read := _holder_tested_read(module, node)) is not None:
        return request_source(module, roles, aliases, read)
    if node.type == "call_expression":
        # `String(req.headers.origin)`, `req.headers.origin.trim()`
        function = unwrap(node.child_by_field_name("function"))
        arguments = node.child_by_field_name("arguments")
        args = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if module.text(function) == "String" and len(args) == 1:
            return request_source(module, roles, aliases, args[0])
        if (got := getter_read(module, roles, node, request_source)) is not None:
            return got  # `getOrigin(request)`, a same-file getter of the Origin
        if function.type == "member_expression" and module.text(function.child_by_field_name("property")) in {
            "trim",
            "toString",
        }:
            return request_source(module, roles, aliases, function.child_by_field_name("object"))
    if roles.h3 and (h3_read := h3_header_read(module, roles.requests, node)) is not None:
        # `getHeader(event, 'origin')`, `getRequestHeader(event, 'origin')`
        if h3_read in {ORIGIN, REQUESTED_HEADERS, REQUESTED_METHOD}:
            return h3_read
        return named(f"header.{h3_read}") if h3_read in {"referer", "referrer"} else None
    lowered = _canonical(module.text(node)).lower()
    if (read := next_header_read(module, node, _canonical(module.text(node)))) is not None:
        return read if read in {ORIGIN, REQUESTED_HEADERS, REQUESTED_METHOD} else None
    for request in roles.requests:
        if not request:
            continue
        for header in (ORIGIN, REQUESTED_HEADERS, REQUESTED_METHOD):
            if any(lowered == shape.format(r=request.lower(), h=header) for shape in _HEADER_READS):
                return header
        for header in ("referer", "referrer"):
            if any(lowered == shape.format(r=request.lower(), h=header) for shape in _HEADER_READS):
                return named(f"header.{header}")
    holder = _holder(node)
    if holder is None:
        return None
    if aliases.get(_canonical(module.text(holder))) == _HEADER_OBJECT:  # `headers.origin`
        header = _property_name(module, node).lower()
        if header in {ORIGIN, REQUESTED_HEADERS, REQUESTED_METHOD}:
            return header
        return named(f"header.{header}") if header in {"referer", "referrer"} else None
    kind = aliases.get(_canonical(module.text(holder))) or free_input(module, roles, holder)
    if kind is not None and is_named(kind) and "." not in kind:
        # `req.query.site`, `query.site` after `const { query } = url.parse(req.url, true)`
        return f"{kind}.{_property_name(module, node)}"
    return None


_NOTHING = frozenset({"null", "undefined", "''", '""'})


def _holder_tested_read(module: JsModule, ternary: Node) -> Node | None:
    """`(req && req.headers) ? req.headers.origin : null` (stenoip/oodles `api/_cors.js`): the
    read, where the test only checks that what it reads through exists and the other arm is
    nothing, as an Origin that is not sent is."""
    test, read = ternary.child_by_field_name("condition"), ternary.child_by_field_name("consequence")
    other = ternary.child_by_field_name("alternative")
    if test is None or read is None or other is None or module.text(unwrap(other)) not in _NOTHING:
        return None
    text = _canonical(module.text(unwrap(read)))
    parts = [_canonical(module.text(part)) for part in conjuncts(unwrap(test))]
    holders = all(text.startswith(f"{part}.") or text.startswith(f"{part}[") for part in parts)
    return unwrap(read) if parts and holders else None


def origin_presence_test(module: JsModule, roles: HandlerRoles, node: Node) -> bool:
    """`request.headers.has('Origin')` (Fetch `Headers`): true exactly when an Origin is
    sent, as `request.headers.get('Origin')` is (census 9 B4, GW2Treasures/gw2.me)."""
    if node.type != "call_expression":
        return False
    lowered = _canonical(module.text(node)).lower()
    if not lowered.endswith(f".headers.has('{ORIGIN}')"):
        return False
    read = lowered[: -len(f"has('{ORIGIN}')")] + f"get('{ORIGIN}')"
    return any(request and read == f"{request.lower()}.headers.get('{ORIGIN}')" for request in roles.requests)


def _header_object(module: JsModule, roles: HandlerRoles, value: Node) -> bool:
    """`ctx.request.header`, also behind a fallback (`ctx.request.header || ''`:
    jiangjunguo-stc/koa-demo `utils/access.js`)."""
    value = unwrap(value)
    while value.type == "binary_expression" and module.text(value.child_by_field_name("operator")) in {
        "||",
        "??",
    }:
        value = unwrap(value.child_by_field_name("left"))
    text = _canonical(module.text(value))
    return any(request and text in {f"{request}.headers", f"{request}.header"} for request in roles.requests)


def _holder(node: Node) -> Node | None:
    """`a.b` -> `a`; `a["b"]` -> `a`; `params.get("origin")` -> `params`."""
    if node.type in {"member_expression", "subscript_expression"}:
        return unwrap(node.child_by_field_name("object"))
    if node.type == "call_expression":
        function = unwrap(node.child_by_field_name("function"))
        prop = function.child_by_field_name("property") if function is not None else None
        if function.type == "member_expression" and prop is not None and prop.text in {b"get", b"getAll"}:
            return unwrap(function.child_by_field_name("object"))
    return None


def _property_name(module: JsModule, node: Node) -> str:
    """`a.site` -> "site"; `a["site"]` -> "site"; `a.get("site")` -> "site"; else "?"."""
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return module.text(prop) if prop is not None else "?"
    if node.type == "subscript_expression":
        index = node.child_by_field_name("index")
        return (string_value(index) or "?") if index is not None else "?"
    arguments = node.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return (string_value(first) or "?") if first is not None else "?"


def free_input(module: JsModule, roles: HandlerRoles, node: Node) -> str | None:
    """`named("query")` for `req.query`, `url.parse(req.url, true).query`, `new URL(req.url,
    base).searchParams`; `named("body")`, `named("params")`; None for anything else."""
    text = _canonical(module.text(unwrap(node)))  # `new URL(a, b)` reads `newURL(a,b)`
    for request in roles.requests:
        for free in _FREE_INPUTS:
            if request and text == f"{request}.{free}":
                return named(free)
    match = _URL_QUERY.search(text)
    if match is not None and (match.group("r") or match.group("r2")) in roles.requests:
        return named("query")
    return None


def alias_source(
    module: JsModule, roles: HandlerRoles, aliases: dict[str, str], declarator: Node
) -> dict[str, str]:
    """The local names a declaration binds to request input: `const origin = req.headers.origin`,
    `const { origin } = req.headers`, `const { site } = req.query`, `const { query } =
    url.parse(req.url, true)`, `const params = new URL(req.url, base).searchParams`."""
    name = declarator.child_by_field_name("name")
    value = declarator.child_by_field_name("value")
    if name is None or value is None:
        return {}
    if name.type == "identifier":
        if any(
            request and _canonical(module.text(value)) in {f"{request}.method", f"getMethod({request})"}
            for request in roles.requests
        ):
            return {module.text(name): METHOD_READ}
        source = request_source(module, roles, aliases, value) or free_input(module, roles, value)
        if source is None and _header_object(module, roles, value):
            source = _HEADER_OBJECT  # `const headers = ctx.request.header || ''`
        return {module.text(name): source} if source is not None else {}
    if name.type != "object_pattern":
        return {}
    found = {}
    holder_text = _canonical(module.text(unwrap(value)))
    whole = aliases.get(holder_text) or free_input(module, roles, value)
    for child in name.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            key = local = module.text(child)
        elif child.type == "pair_pattern":
            key_node, local_node = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key_node is None or local_node is None or local_node.type != "identifier":
                continue
            key = string_value(key_node) or module.text(key_node)
            local = module.text(local_node)
        else:
            continue
        headers = aliases.get(holder_text) == _HEADER_OBJECT  # `const { origin } = headers`
        for request in roles.requests:
            if request and (headers or holder_text in {f"{request}.headers", f"{request}.header"}):
                if key.lower() in {ORIGIN, REQUESTED_HEADERS, REQUESTED_METHOD}:
                    found[local] = key.lower()
                elif key.lower() in {"referer", "referrer"}:
                    found[local] = named(f"header.{key.lower()}")
            if request and holder_text == request and key in _FREE_INPUTS:
                found[local] = named(key)  # `const { query } = req`
            if request and holder_text == request and key in {"headers", "header"}:
                found[local] = _HEADER_OBJECT  # `const { headers } = ctx.req`
            if request and holder_text == request and key == "method":
                found[local] = METHOD_READ  # `const { method, headers } = ctx.req`
        if local not in found and whole is not None and is_named(whole) and "." not in whole:
            found[local] = f"{whole}.{key}"  # `const { site } = req.query`
        if (
            local not in found
            and key in {"query", "searchParams"}
            and _URL_QUERY.search(f"{holder_text}.{key}")
        ):
            found[local] = named("query")  # `const { query } = url.parse(req.url, true)`
    return found
