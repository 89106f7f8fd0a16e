"""Where a Next.js middleware (`middleware.ts` / `proxy.ts`) that writes no CORS header
answers a request itself, so that everywhere else an OPTIONS request goes on to the routes.

Measured on next 16.5.0 (`next start`, tests/test_differential_next_passing.py): a
middleware that returns `NextResponse.next(...)` (a request-headers copy, a cookie or a
non-CORS header added) lets an OPTIONS request through to the route handler, which Next.js
answers with 204 + `Allow` and the `headers()` of next.config. The common shape is the
Supabase session refresh (chrisgscott/supastripe `middleware.ts` + `utils/supabase/
middleware.ts`): every return is the passed-on response, except redirects under a test of
the pathname (`pathname.startsWith('/dashboard') && user.error`).

`answering_entries` gives, for the routes model (`next_routes.options_answers`), the
entries where the middleware may answer (`redirect REGEX`: a pathname test around the
return; `middleware SOURCE`: its matcher, for a return no pathname test limits), or None
when the middleware cannot be read so (CORS headers or a CORS helper in it, a method test,
a `throw`, a wrapper such as `auth(...)` / `clerkMiddleware(...)` as the export, a helper
it cannot follow)."""

from __future__ import annotations

import re

from corslint.extractors.express.function_sources import export_node
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, conjuncts, unwrap, walk

_FUNCTIONS = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "function", "method_definition"}
)
_PASSING_ON = frozenset({"NextResponse.next"})
# one conjunct: the request's pathname against a literal (`req.nextUrl.pathname.startsWith('/x')`,
# `pathname === '/'`); its region of paths
_STARTS = re.compile(r"""^(?:[\w.]*\.)?pathname\.startsWith\(\s*(['"`])(/[^'"`\\]*)\1\s*\)$""")
_EQUALS = re.compile(r"""^(?:[\w.]*\.)?pathname\s*===?\s*(['"`])(/[^'"`\\]*)\1$""")
_MAX_DEPTH = 3
_METHOD_READ = re.compile(r"\.method\b|['\"`]OPTIONS['\"`]")


def answering_entries(module: JsModule, matcher: list[str] | None) -> list[str] | None:
    """The `KIND REGEX` entries where the middleware module may answer a request itself;
    [] when it passes every request on; None when that cannot be read. `matcher`: its
    `config.matcher` sources (None: not readable)."""
    if _mentions_cors(module):
        return None
    function = _exported_function(module)
    if function is None:
        return None
    regions = _answering_regions(module, function, 0)
    if regions is None:
        return None
    entries: list[str] = []
    for region in regions:
        if region is not None:
            entries.append(f"redirect {region}")
        elif matcher:
            entries += [f"middleware {source}" for source in matcher]
        else:  # every path, or paths the matcher does not say
            entries.append("redirect .*")
    return list(dict.fromkeys(entries))


def _mentions_cors(module: JsModule) -> bool:
    """CORS headers or a CORS helper (modelled elsewhere, or not at all), or a test of the
    request method (an OPTIONS branch, a refusal of other methods)."""
    text = module.text(module.root)
    lowered = text.lower()
    return "access-control" in lowered or "cors" in lowered or _METHOD_READ.search(text) is not None


def _exported_function(module: JsModule) -> Node | None:
    """The function Next.js calls: `export function middleware` / `proxy`, or the default
    export, itself a function (a wrapper call such as `auth(fn)` answers on its own)."""
    for name in ("middleware", "proxy", "default"):
        node = export_node(module, name)
        if node is None:
            continue
        node = unwrap(node)
        if node.type in _FUNCTIONS:
            return node
        if node.type == "identifier":
            found = _direct_function(module, node)
            return found[1] if found is not None and found[0] is module else None
        return None
    return None


def _direct_function(module: JsModule, identifier: Node, hops: int = 0) -> tuple[JsModule, Node] | None:
    """The function a name is declared as, here or exported so by a project module (not a
    value a wrapper call returns: `withAuth(fn)` may answer without calling `fn`)."""
    name = module.text(identifier)
    if hops > _MAX_DEPTH:
        return None
    if name in module.imports:
        specifier, exported = module.imports[name]
        project = module.project
        target = project.resolve_specifier(module, specifier) if project is not None else None
        if project is None or target is None or target.suffix.lower() in {".json", ".yaml", ".yml"}:
            return None
        loaded = project.load(target, project.display(module, target))
        node = export_node(loaded, exported) if loaded is not None else None
        if loaded is None or node is None:
            return None
        node = unwrap(node)
        if node.type in _FUNCTIONS:
            return loaded, node
        return _direct_function(loaded, node, hops + 1) if node.type == "identifier" else None
    function = module.top_function(name)
    if function is None:
        bound = module.binding(name)
        function = unwrap(bound) if bound is not None else None
    return (module, function) if function is not None and function.type in _FUNCTIONS else None


def _answering_regions(module: JsModule, function: Node, depth: int) -> list[str | None] | None:
    """Each region (a path regex; None: wherever the middleware runs) in which `function`
    may answer instead of passing the request on; None when not known."""
    body = function.child_by_field_name("body")
    if body is None or depth > _MAX_DEPTH:
        return None
    if body.type != "statement_block":  # an arrow function's expression body
        return _returned_regions(module, function, body, body, depth)
    regions: list[str | None] = []
    for node in _own_nodes(body):
        if node.type == "throw_statement":
            return None
        if node.type != "return_statement":
            continue
        returned = node.named_children[0] if node.named_children else None
        if returned is None:
            continue  # `return;`: Next.js goes on
        found = _returned_regions(module, function, node, returned, depth)
        if found is None:
            return None
        regions += found
    return regions


def _own_nodes(body: Node) -> list[Node]:
    """The nodes of a function body outside the functions nested in it."""
    found = []
    stack = list(reversed(body.named_children))
    while stack:
        node = stack.pop()
        found.append(node)
        if node.type in _FUNCTIONS:
            continue
        stack.extend(reversed(node.named_children))
    return found


def _returned_regions(
    module: JsModule, function: Node, statement: Node, returned: Node, depth: int
) -> list[str | None] | None:
    returned = unwrap(returned)
    if returned.type == "await_expression" and returned.named_children:
        returned = unwrap(returned.named_children[0])
    if _passes_on(module, function, returned):
        return []
    if returned.type == "call_expression":
        callee = returned.child_by_field_name("function")
        if callee is not None and unwrap(callee).type == "identifier":
            found = _direct_function(module, unwrap(callee))
            if found is None:
                return None
            helper_module, helper = found
            if helper_module is not module and _mentions_cors(helper_module):
                return None
            inner = _answering_regions(helper_module, helper, depth + 1)
            if inner is None:
                return None
            outer = _region(module, function, statement)
            return [outer if region is None else region for region in inner]
    if returned.type in {"call_expression", "new_expression"}:  # a redirect, its own answer
        return [_region(module, function, statement)]
    return None


def _passes_on(module: JsModule, function: Node, node: Node) -> bool:
    """`NextResponse.next(...)`, or a variable that holds nothing else."""
    if node.type == "call_expression":
        return _callee(module, node) in _PASSING_ON
    if node.type != "identifier":
        return False
    name = module.text(node)
    values = []
    for candidate in walk(function):
        if candidate.type == "variable_declarator" and _named(
            module, candidate.child_by_field_name("name"), name
        ):
            values.append(candidate.child_by_field_name("value"))
        elif candidate.type == "assignment_expression" and _named(
            module, candidate.child_by_field_name("left"), name
        ):
            values.append(candidate.child_by_field_name("right"))
    return bool(values) and all(
        value is not None
        and unwrap(value).type == "call_expression"
        and _callee(module, unwrap(value)) in _PASSING_ON
        for value in values
    )


def _named(module: JsModule, node: Node | None, name: str) -> bool:
    return node is not None and node.type == "identifier" and module.text(node) == name


def _callee(module: JsModule, call: Node) -> str:
    callee = call.child_by_field_name("function")
    return "".join(module.text(callee).split()) if callee is not None else ""


def _region(module: JsModule, function: Node, statement: Node) -> str | None:
    """The paths a return is reached for, from a pathname test among the `&&` conjuncts of
    an `if` whose consequence holds it (None: not limited so)."""
    child, parent = statement, statement.parent
    while parent is not None and parent != function:
        if parent.type == "if_statement" and parent.child_by_field_name("consequence") == child:
            condition = parent.child_by_field_name("condition")
            for conjunct in conjuncts(unwrap(condition)) if condition is not None else []:
                region = _path_region(module.text(conjunct))
                if region is not None:
                    return region
        child, parent = parent, parent.parent
    return None


def _path_region(text: str) -> str | None:
    text = " ".join(text.split())
    starts = _STARTS.match(text)
    if starts is not None:
        return re.escape(starts.group(2)) + ".*"
    equals = _EQUALS.match(text)
    if equals is not None:
        return re.escape(equals.group(2)) + "/?"
    return None
