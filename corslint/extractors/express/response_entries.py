"""Which functions answer requests themselves, for `response_objects`: a Fetch handler's
entry points (a worker's `fetch`, a function handed to `Deno.serve`, a default export, one
that receives the request), the method a Cloudflare Pages Function serves, and a Next.js
App Router route file's method exports, with what Next.js answers to OPTIONS there."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from corslint.extractors.express.next_routes import MIDDLEWARE_NAMES, ROUTE_SUFFIXES, route_example
from corslint.extractors.express.response_headers import called_functions, parameter_names
from corslint.extractors.express.route_wrappers import wrapped_route_function
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import Node, unwrap

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

_REQUEST_NAMES = frozenset({"request", "req", "_req", "_request", "event", "ctx", "context", "c"})
_SERVERS = frozenset({"Deno.serve", "serve", "Bun.serve", "addEventListener", "http.serve"})


def fetch_entry(module: JsModule, function: Node) -> bool:
    """Whether a function answers requests itself: it receives the request (or a context
    holding it), is a worker's `fetch`, a default export, or is handed to a server."""
    names = parameter_names(module, function)
    if names and names[0] in _REQUEST_NAMES:
        return not wraps_given_response(module, function)
    name = function.child_by_field_name("name")
    named = name is not None and module.text(name) in {"fetch", "onRequest"}
    if named or pages_function_method(module, function):
        return True
    if env_route_handler(module, function):
        return True
    parent = function.parent
    if (
        parent is not None
        and parent.type == "export_statement"
        and module.text(parent).startswith("export default")
    ):
        return True  # `export default async (req) => ...` without a named parameter
    if parent is not None and parent.type == "arguments" and parent.parent is not None:
        callee = parent.parent.child_by_field_name("function")
        return callee is not None and module.text(callee) in _SERVERS
    return False


def wraps_given_response(module: JsModule, function: Node) -> bool:
    """A function handed the request (or event) and, in a later parameter typed `Response`,
    the answer someone else made, which it copies with CORS headers added: a SolidStart
    API route helper `applyCors(event: APIEvent, response: Response)` its routes' method
    exports call (ARTHURVANBELLE/SolidWebApp src/utils/cors.ts). It answers no request
    itself, OPTIONS included: the exports that call it do (judged where imported)."""
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return False
    for parameter in parameters.named_children[1:]:
        annotation = parameter.child_by_field_name("type")
        if annotation is not None and module.text(annotation).lstrip(":").strip() == "Response":
            return True
    return False


def env_route_handler(module: JsModule, function: Node) -> bool:
    """An exported Worker route handler its `fetch` calls with the bindings first
    (`handleGet(env)`, `handleLogin(env, request)`: Namnm204/test_tintuc
    back_end/src/controller): the router picks the methods it serves, so it answers no
    preflight itself."""
    names = parameter_names(module, function)
    parent = function.parent
    return bool(
        names
        and names[0] == "env"
        and set(names) <= _REQUEST_NAMES | {"env"}
        and parent is not None
        and parent.type == "export_statement"
    )


def options_answered_earlier(module: JsModule, function: Node) -> bool:
    """A catch-all `app.all("/api/*", (c) => ...)` registered after the same router's
    `app.options(...)`: the router hands OPTIONS to the earlier route, so this handler's
    answer (a 404 for unknown paths) is not the preflight's (Hono and Express match routes
    in order; census 5 sample 95, 0-AI-UG/zero-agent `server/index.ts`)."""
    parent = function.parent
    call = parent.parent if parent is not None and parent.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None else None
    if call is None or callee is None or callee.type != "member_expression":
        return False
    router = callee.child_by_field_name("object")
    method = callee.child_by_field_name("property")
    if router is None or method is None or module.text(method) != "all":
        return False
    earlier = f"{module.text(router)}.options"
    return any(
        other.start_byte < call.start_byte
        and (other_callee := other.child_by_field_name("function")) is not None
        and module.text(other_callee).replace(" ", "") == earlier
        for other in module.of_kind("call_expression")
    )


_OTHER_EXPORTS = re.compile(
    r"export\s+(?:async\s+)?function\s+OPTIONS\b|export\s+(?:const|let|var)\s+OPTIONS\b"
    r"|export\s*\{[^}]*\bOPTIONS\b|export\s*\*\s*from"
)
_PAGES_FUNCTION = re.compile(r"onRequest(Get|Head|Post|Put|Patch|Delete|Options)")


def pages_function_method(module: JsModule, function: Node) -> str:
    """The method a Cloudflare Pages Function serves (`export function onRequestGet`):
    other methods, OPTIONS among them, go elsewhere; "" for any other function."""
    name = function.child_by_field_name("name")
    if name is None and function.parent is not None and function.parent.type == "variable_declarator":
        name = function.parent.child_by_field_name("name")
    found = _PAGES_FUNCTION.fullmatch(module.text(name)) if name is not None else None
    return found.group(1).upper() if found is not None else ""


def is_route_file(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.stem == "route" and pure.suffix in ROUTE_SUFFIXES and "app" in pure.parts[:-1]


def route_exports(module: JsModule) -> dict[Node, str]:
    """The functions a route file exports under an HTTP method's name (the first name of a
    function exported under several)."""
    found: dict[Node, str] = {}
    for function, method in route_export_pairs(module):
        found.setdefault(function, method)
    return found


def route_export_pairs(module: JsModule) -> list[tuple[Node, str]]:
    """Each (function, method) a route file exports, one function possibly under several
    methods: `export const GET = handle; export const POST = handle` with `handle` a function
    of the file (1395173231/voice-demo `app/api/get-voice-token/route.ts`)."""
    found: list[tuple[Node, str]] = []
    for statement in module.root.named_children:
        if statement.type != "export_statement":
            continue
        declaration = statement.child_by_field_name("declaration")
        if declaration is None:
            continue
        if declaration.type == "function_declaration":
            name = declaration.child_by_field_name("name")
            if name is not None and module.text(name) in HTTP_METHODS:
                found.append((declaration, module.text(name)))
        elif declaration.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is None or value is None or module.text(name) not in HTTP_METHODS:
                    continue
                value = unwrap(value)
                if value.type in FUNCTIONS:
                    found.append((value, module.text(name)))
                elif value.type in {"call_expression", "identifier"}:
                    callee = (
                        value.child_by_field_name("function") if value.type == "call_expression" else value
                    )
                    functions = called_functions(module, callee) if callee is not None else []
                    if len(functions) == 1 and functions[0][0] is module:
                        found.append((functions[0][1], module.text(name)))
                    elif value.type == "call_expression" and (
                        wrapped := wrapped_route_function(module, value, functions)
                    ):
                        found.append((wrapped, module.text(name)))  # `observed(postRoute)`
    return found


def next_answers_options(module: JsModule) -> bool:
    """Whether Next.js's own 204 answers OPTIONS without headers corslint does not see:
    no next.config `headers()` with CORS headers and no middleware in the app, and no
    OPTIONS export `route_exports` could not follow (`export const OPTIONS = preflight` of
    an imported handler, `export { OPTIONS } from "@/lib/cors"`, `export * from`)."""
    if module.file is None:
        return False
    if _OTHER_EXPORTS.search(module.text(module.root)) and "OPTIONS" not in route_exports(module).values():
        return False
    root = project_root(module.file)
    if root is None:
        return False
    for folder in (root, root / "src"):
        if any((folder / name).is_file() for name in MIDDLEWARE_NAMES):
            return False
    for suffix in ("js", "mjs", "ts", "cjs", "mts"):
        config = root / f"next.config.{suffix}"
        if config.is_file():
            try:
                text = config.read_text("utf-8", errors="replace")
            except OSError:
                return False
            if "access-control-" in text.lower():
                return False
    return True


def route_path(path: str) -> str:
    """A request path the route file at `path` serves (`app/api/[id]/route.js` -> `/api/1`)."""
    parts = list(PurePosixPath(path).parts[:-1])
    if "app" not in parts:
        return "/"
    index = len(parts) - 1 - parts[::-1].index("app")
    return route_example(parts[index + 1 :]) or "/"
