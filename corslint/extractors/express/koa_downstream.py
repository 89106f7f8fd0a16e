"""Koa: what answers an `OPTIONS` request that a hand-written CORS middleware passes on.

Koa answers a request that no middleware gives a body or status with 404, keeping the
headers set before (measured: koa 3.3.0, tests/test_differential_koa_downstream.py). So
when every other middleware of the app is known not to answer OPTIONS, a preflight the
CORS middleware passes on with `await next()` fails with 404 (CORS206). Known not to
answer it:
- `router.routes()` of koa-router / @koa/router, when that router registers no
  `.options(...)` or `.all(...)` route (`router.allowedMethods()` does answer OPTIONS);
- middleware from packages that never answer OPTIONS (body parsers, loggers, sessions,
  static files, security headers);
- the project's own middleware modules and inline functions that do not mention OPTIONS
  (no `'OPTIONS'`, `.options(`, `.all(`, `allowedMethods`, CORS package or
  `Access-Control-Allow-Methods`/`-Headers` write: a second CORS middleware behind the
  router adds them to the preflight `allowedMethods()` answers, flydoing/koa2-learn).

Anything else (an unknown package, `app.use(mount(...))`) leaves the answer unknown, as
before. The middleware is found registered in its own module (`app.use(fn)`) or in the
module that imports it (`app.use(require("./middleware/cors"))`, `app.use(cors)`), with
`app` a `new Koa()`.
"""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.js.declared_values import declared_name
from corslint.extractors.js.method_calls import call_arguments, method_calls
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_files, project_root
from corslint.extractors.js.syntax import Node, string_value, unwrap

INERT_PACKAGES = frozenset(
    {
        "koa-bodyparser",
        "@koa/bodyparser",
        "koa-body",
        "koa-json",
        "koa-logger",
        "koa-morgan",
        "koa-pino-logger",
        "koa-helmet",
        "koa-compress",
        "koa-session",
        "koa-generic-session",
        "koa-static",
        "koa-views",
        "koa-conditional-get",
        "koa-etag",
        "koa-favicon",
        "koa-response-time",
        "koa-jwt",
    }
)
ROUTER_PACKAGES = frozenset({"koa-router", "@koa/router"})
_ANSWERS_OPTIONS = re.compile(
    r"""['"`]OPTIONS['"`]|allowedMethods|\.options\s*\(|\.all\s*\(|@koa/cors|koa2?-cors|koa-cors"""
    # a later CORS middleware adding the preflight headers to what the router answers
    r"|(?i:access-control-allow-(?:methods|headers))"
)
MAX_FILES = 400
MAX_BYTES = 200_000


ROUTER_OPTIONS_STATUS = 200  # `router.allowedMethods()` for a routed path (@koa/router 13.1.0)


def options_fall_through(module: JsModule, function: Node) -> bool:
    """Whether an OPTIONS request `function` passes on reaches nothing that answers it."""
    return _downstream(module, function) == "unanswered"


def options_answered_by_router(module: JsModule, function: Node) -> bool:
    """Whether an OPTIONS request `function` passes on is answered by a koa-router's
    `allowedMethods()` (200 with an `Allow` header, on a path a route of it matches; the
    headers set before are kept), everything else on the way never answering it
    (vlpt-playground/zzak-zzak-e `src/index.js`)."""
    return _downstream(module, function) == "router"


def _downstream(module: JsModule, function: Node) -> str | None:
    """What answers an OPTIONS request `function` passes on: nothing ("unanswered"), only a
    router's allowedMethods() ("router"), or None: not known."""
    found = _registration(module, function)
    if found is None:
        return None
    app_module, call, receiver = found
    if not _is_koa_app(app_module, receiver):
        return None
    routed: set[str] = set()
    answering: list[str] = []
    own = (call.start_byte, call.end_byte)
    # `app.use(router.routes()).use(router.allowedMethods())`: each link of the chain is a
    # `use` of `app`, in the order of its argument (flydoing/koa2-learn `server-koa/app.js`)
    uses = [
        other
        for other in method_calls(app_module, "use")
        if _chain_receiver(app_module, other.call) == receiver
    ]
    for other in sorted(
        uses, key=lambda use: use.arguments[0].start_byte if use.arguments else use.call.start_byte
    ):
        if (other.call.start_byte, other.call.end_byte) == own:
            continue
        if len(other.arguments) != 1:
            return None
        router = _router_call(app_module, other.arguments[0], "allowedMethods")
        if router is not None and router in routed:
            answering.append(router)
            continue
        if not _inert(app_module, other.arguments[0], function):
            return None
        if (routes := _router_call(app_module, other.arguments[0], "routes")) is not None:
            routed.add(routes)
    return "router" if answering else "unanswered"


def _chain_receiver(module: JsModule, call: Node) -> str:
    """`app` for `app.use(a)` and for each later link of `app.use(a).use(b)`."""
    target = unwrap(unwrap(call.child_by_field_name("function")).child_by_field_name("object"))
    while target.type == "call_expression":
        callee = unwrap(target.child_by_field_name("function"))
        if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) != "use":
            break
        target = unwrap(callee.child_by_field_name("object"))
    return module.text(target)


def _router_call(module: JsModule, node: Node, method: str) -> str | None:
    """The router name of `router.<method>()` with no arguments."""
    node = unwrap(node)
    if node.type != "call_expression" or call_arguments(node):
        return None
    callee = unwrap(node.child_by_field_name("function"))
    if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) != method:
        return None
    return module.text(callee.child_by_field_name("object"))


def _registration(module: JsModule, function: Node) -> tuple[JsModule, Node, str] | None:
    """The module, `app.use(...)` call and app name that register `function`."""
    local = _registered_here(module, function)
    if local is not None:
        return module, local[0], local[1]
    if not _exported(module, function) or module.file is None or module.project is None:
        return None
    return _registered_by_importer(module)


def _registered_here(module: JsModule, function: Node) -> tuple[Node, str] | None:
    name = declared_name(module, function)
    for use in method_calls(module, "use"):
        if len(use.arguments) != 1:
            continue
        argument = unwrap(use.arguments[0])
        if argument.start_byte == function.start_byte or (name and module.text(argument) == name):
            return use.call, use.receiver
    return None


def _exported(module: JsModule, function: Node) -> bool:
    parent = function.parent
    if parent is None:
        return False
    if (
        parent.type in {"arrow_function", "function_expression"}
        and parent.child_by_field_name("body") == function
    ):
        return _exported(module, parent)  # `module.exports = () => async (ctx, next) => {...}`: a factory
    if parent.type == "assignment_expression":
        return module.text(parent.child_by_field_name("left")).replace(" ", "") == "module.exports"
    return parent.type == "export_statement" and "default" in module.text(parent)[:16]


def _registered_by_importer(module: JsModule) -> tuple[JsModule, Node, str] | None:
    project = module.project
    assert module.file is not None and project is not None
    root = project_root(module.file)
    if root is None:
        return None
    target = module.file.resolve()
    stem = target.stem if target.stem != "index" else target.parent.name
    for count, file in enumerate(project_files(root)):
        if count >= MAX_FILES:
            return None
        if file.resolve() == target or not _mentions(file, stem):
            continue
        importer = project.load(file, project.display(module, file))
        if importer is None:
            continue
        for use in method_calls(importer, "use"):
            if len(use.arguments) == 1 and _names_module(importer, use.arguments[0], target):
                return importer, use.call, use.receiver
    return None


def _mentions(file: Path, stem: str) -> bool:
    try:
        if file.stat().st_size > MAX_BYTES:
            return False
        text = file.read_text("utf-8", errors="replace")
    except OSError:
        return False
    return "koa" in text.lower() and stem in text and ".use(" in text


def _names_module(importer: JsModule, node: Node, target: Path) -> bool:
    """`cors` imported from `target` (default export), or `require("./target")` in place."""
    node = unwrap(node)
    specifier = None
    if node.type == "call_expression" and unwrap(node.child_by_field_name("function")).type == "identifier":
        node = unwrap(node.child_by_field_name("function"))  # `app.use(setCors())`: the factory's middleware
    if node.type == "identifier":
        imported = importer.imports.get(importer.text(node))
        if imported is not None and imported[1] in {"default", "*"}:
            specifier = imported[0]
    elif node.type == "call_expression" and importer.text(node.child_by_field_name("function")) == "require":
        named = call_arguments(node)
        specifier = string_value(named[0]) if named else None
    if specifier is None or importer.project is None:
        return False
    resolved = importer.project.resolve_specifier(importer, specifier)
    return resolved is not None and resolved.resolve() == target


def _is_koa_app(module: JsModule, receiver: str) -> bool:
    bound = module.binding(receiver)
    if bound is None:
        return False
    bound = unwrap(bound)
    if bound.type != "new_expression":
        return False
    constructor = bound.child_by_field_name("constructor")
    name = module.text(constructor) if constructor is not None else ""
    imported = module.imports.get(name)
    return imported is not None and imported[0] == "koa"


def _inert(module: JsModule, node: Node, own: Node) -> bool:
    """Whether middleware `node` (an argument of `app.use`) never answers OPTIONS."""
    node = unwrap(node)
    if node.type in {"arrow_function", "function_expression", "function"}:
        return _quiet(module.text(node)) or node.start_byte == own.start_byte
    if node.type == "call_expression":
        callee = unwrap(node.child_by_field_name("function"))
        text = module.text(callee)
        if text.endswith(".routes") or text.endswith(".middleware"):
            return _router_inert(module, text.rsplit(".", 1)[0], own)
        if text.endswith(".allowedMethods") or callee.type != "identifier":
            return False
        return _name_inert(module, text, own)
    if node.type == "identifier":
        return _name_inert(module, module.text(node), own)
    return False


def _name_inert(module: JsModule, name: str, own: Node) -> bool:
    imported = module.imports.get(name)
    if imported is not None:
        specifier = imported[0]
        if not specifier.startswith("."):
            return specifier in INERT_PACKAGES
        return _local_module_quiet(module, specifier)
    identifier = _identifier(module, name)
    function = module.function_node(identifier) if identifier is not None else None
    return function is not None and (function.start_byte == own.start_byte or _quiet(module.text(function)))


def _identifier(module: JsModule, name: str) -> Node | None:
    for node in module.of_kind("identifier"):
        if module.text(node) == name:
            return node
    return None


def _router_inert(module: JsModule, router: str, own: Node) -> bool:
    imported = module.imports.get(router)
    if imported is not None:
        return imported[0].startswith(".") and _local_module_quiet(module, imported[0])
    bound = module.binding(router)
    if bound is None or unwrap(bound).type != "new_expression":
        return False
    constructor = unwrap(bound).child_by_field_name("constructor")
    source = module.imports.get(module.text(constructor)) if constructor is not None else None
    if source is None or source[0] not in ROUTER_PACKAGES:
        return False
    text = module.text(module.root)
    own_text = module.text(own)
    return not _ANSWERS_OPTIONS.search(text.replace(own_text, ""))


def _local_module_quiet(module: JsModule, specifier: str) -> bool:
    if module.project is None:
        return False
    target = module.project.resolve_specifier(module, specifier)
    if target is None:
        return False
    try:
        text = target.read_text("utf-8", errors="replace")
    except OSError:
        return False
    return _quiet(text)


def _quiet(text: str) -> bool:
    return _ANSWERS_OPTIONS.search(text) is None
