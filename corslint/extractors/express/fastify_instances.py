"""Which Fastify instance a layer inside a `fastify-plugin` plugin sits on.

`fp(async (fastify) => { await fastify.register(cors, ...) })` breaks Fastify's
encapsulation: the plugin's `fastify` is the instance that registers it
(`app.register(require("./plugins/cors"))` in server.js). Two such plugins registered on
one instance are layers of one app (CORS302): `@fastify/cors` in one, `@fastify/static`
with a `setHeaders` that writes Access-Control-* in the other. Their app key is the
registering instance's, `<registering module>::<receiver>`, found by reading the Node
project's modules that name the plugin's file and register it; followed only when every
registration is on the same instance."""

from __future__ import annotations

from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.set_headers_options import set_headers_call
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_files, project_root
from corslint.extractors.js.syntax import Node, unwrap

PLUGIN_PACKAGE = "fastify-plugin"
STATIC_PACKAGE = "@fastify/static"
MAX_DEPTH = 3  # fastify-plugin plugins registered by fastify-plugin plugins
MAX_FILES = 400  # sources read per Node project when looking for registrations
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})


def instance_key(module: JsModule, node: Node, receiver: str, depth: int = 0) -> str | None:
    """The registering instance's key when `receiver` (used at `node`) is the first
    parameter of a fastify-plugin function of `module`, else None."""
    plugin = _plugin_around(module, node, receiver)
    if plugin is None or depth >= MAX_DEPTH or module.file is None or module.project is None:
        return None
    root = project_root(module.file)
    if root is None:
        return None
    keys: set[str] = set()
    stem = module.file.stem.encode()
    for index, file in enumerate(project_files(root)):
        if index >= MAX_FILES:
            return None
        if file.resolve() == module.file.resolve():
            continue
        try:
            data = file.read_bytes()
        except OSError:
            continue
        if stem not in data or b".register(" not in data:
            continue
        other = module.project.load(file, module.project.display(module, file))
        if other is None:
            continue
        for call, registrar in _registrations(other):
            arguments = call_arguments(call)
            if any(
                found is module and function.start_byte == plugin.start_byte
                for found, function in functions_of(other, arguments[0])
            ):
                keys.add(instance_key(other, call, registrar, depth + 1) or f"{other.path}::{registrar}")
    return keys.pop() if len(keys) == 1 else None


def static_set_headers(module: JsModule, function: Node) -> tuple[Node, str] | None:
    """`X.register(fastifyStatic, { setHeaders(res) {...} })`: the register call and X,
    for the function given as the `setHeaders` option of `@fastify/static`."""
    found = set_headers_call(module, function)
    if found is None:
        return None
    call = found[0]
    callee = unwrap(call.child_by_field_name("function"))
    named = call_arguments(call)
    if (
        callee is None
        or callee.type != "member_expression"
        or module.text(callee.child_by_field_name("property")) != "register"
        or len(named) < 2
        or not _names_package(module, named[0], STATIC_PACKAGE)
    ):
        return None
    return call, module.text(unwrap(callee.child_by_field_name("object")))


def _plugin_around(module: JsModule, node: Node, receiver: str) -> Node | None:
    """The function around `node` whose first parameter is `receiver`, when it is handed
    to fastify-plugin (`fp(fn)`, `module.exports = fp(fn)`, `export default fp(fn)`)."""
    current = node.parent
    while current is not None:
        if current.type in _FUNCTIONS:
            names = parameter_names(module, current)
            if names and names[0] == receiver:
                arguments = current.parent
                call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
                if call is not None and call.type == "call_expression":
                    callee = unwrap(call.child_by_field_name("function"))
                    if callee is not None and _names_package(module, callee, PLUGIN_PACKAGE):
                        return current
                return None
        current = current.parent
    return None


def _names_package(module: JsModule, node: Node, package: str) -> bool:
    """`fp` imported or required from the package, or `require("<package>")` itself."""
    node = unwrap(node)
    if node.type == "call_expression":
        callee = module.text(node.child_by_field_name("function"))
        named = call_arguments(node)
        return (
            callee in {"require", "import"} and bool(named) and module.text(named[0]).strip("'\"`") == package
        )
    if node.type == "identifier":
        imported = module.imports.get(module.text(node))
        return imported is not None and imported[0] == package
    return False


def _registrations(module: JsModule) -> list[tuple[Node, str]]:
    found: list[tuple[Node, str]] = []
    for call in module.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            continue
        prop = callee.child_by_field_name("property")
        if prop is None or module.text(prop) != "register" or not call_arguments(call):
            continue
        found.append((call, module.text(unwrap(callee.child_by_field_name("object")))))
    return found
