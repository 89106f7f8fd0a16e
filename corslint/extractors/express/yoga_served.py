"""Whether a `createYoga(...)` instance is served to browsers: only then do the CORS plugin's
defaults (every Origin reflected, with credentials) reach anyone. A Yoga instance is also
made for a gateway's local executor or a test, so the instance must be handed to a server
in the same module:

- `createServer(yoga)` from `node:http` / `http` / `https` (10 of 10 find_string hits for
  `createServer(yoga)` are such servers: the Yoga quick start);
- `app.use(yoga)` / `app.use(yoga.graphqlEndpoint, yoga)` / `app.all("/graphql", yoga)`
  (Express);
- `export default yoga`, `export default { fetch: yoga.fetch }`, `Bun.serve({ fetch: yoga })`
  (Cloudflare Workers, Bun);
- `export { yoga as GET, yoga as POST }` or the destructured `handleRequest` (Next.js
  route handlers)."""

from __future__ import annotations

from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

_HTTP_MODULES = frozenset({"http", "https", "node:http", "node:https", "http2", "node:http2"})
_MOUNTS = frozenset({"use", "all", "get", "post"})
_SERVE_KEYS = frozenset({"fetch", "handler"})


def is_served(module: JsModule, call: Node) -> bool:
    """Whether the instance `call` (a `createYoga(...)`) makes is served in this module."""
    names = _bound_names(module, call)
    if not names:
        return False
    for node in walk(module.root):
        if node.type == "call_expression" and _serves(module, node, names):
            return True
        if node.type == "export_statement" and _exports(module, node, names):
            return True
    return False


def _bound_names(module: JsModule, call: Node) -> set[str]:
    """`yoga` in `const yoga = createYoga(...)`; `handleRequest` in `const { handleRequest }
    = createYoga(...)`."""
    parent = call.parent
    while parent is not None and parent.type in {
        "parenthesized_expression",
        "as_expression",
        "await_expression",
    }:
        parent = parent.parent
    if parent is None or parent.type != "variable_declarator":
        return set()
    name = parent.child_by_field_name("name")
    if name is None:
        return set()
    if name.type == "identifier":
        return {module.text(name)}
    if name.type == "object_pattern":
        return {
            module.text(child)
            for child in name.named_children
            if child.type == "shorthand_property_identifier_pattern" and module.text(child) == "handleRequest"
        }
    return set()


def _names_instance(module: JsModule, node: Node, names: set[str]) -> bool:
    """`yoga`, `yoga.fetch`, `yoga.handle`: the instance or its request handler."""
    node = unwrap(node)
    text = module.text(node).replace(" ", "")
    return text in names or any(text == f"{name}.{key}" for name in names for key in ("fetch", "handle"))


def _serves(module: JsModule, call: Node, names: set[str]) -> bool:
    function = unwrap(call.child_by_field_name("function"))
    arguments = [unwrap(argument) for argument in call_arguments(call)]
    if function is None or not arguments:
        return False
    callee = module.text(function).replace(" ", "")
    last = callee.rsplit(".", 1)[-1]
    if last == "createServer" and _names_instance(module, arguments[0], names):
        root = callee.split(".", 1)[0]
        imported = module.imports.get(root)
        return imported is not None and imported[0] in _HTTP_MODULES
    if function.type == "member_expression" and last in _MOUNTS:
        return any(_names_instance(module, argument, names) for argument in arguments)
    if last == "serve" and arguments[0].type == "object":  # Bun.serve({ fetch: yoga })
        return _object_serves(module, arguments[0], names)
    return False


def _object_serves(module: JsModule, literal: Node, names: set[str]) -> bool:
    for pair in literal.named_children:
        if pair.type != "pair":
            continue
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is None or value is None or module.text(key) not in _SERVE_KEYS:
            continue
        if _names_instance(module, value, names):
            return True
    return False


def _exports(module: JsModule, statement: Node, names: set[str]) -> bool:
    value = statement.child_by_field_name("value")  # `export default ...`
    if value is not None:
        value = unwrap(value)
        return _names_instance(module, value, names) or (
            value.type == "object" and _object_serves(module, value, names)
        )
    if statement.child_by_field_name("source") is not None:
        return False
    for clause in statement.named_children:
        if clause.type != "export_clause":
            continue
        for spec in clause.named_children:
            name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
            if name is None or alias is None or module.text(name) not in names:
                continue
            if module.text(alias) in {"GET", "POST", "OPTIONS", "default"}:
                return True
    return False
