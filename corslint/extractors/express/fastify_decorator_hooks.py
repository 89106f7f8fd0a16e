"""Hooks of fastify-decorators controllers: a class method decorated `@Hook("onSend")`
(`Hook` from `fastify-decorators`), often on an abstract base class every controller
extends, writing `reply.header("Access-Control-Allow-Origin", ...)`. fastify-decorators
3.x registers each controller as a plugin of the instance handed `bootstrap`
(`controller.js`: `instance.register(async (instance) => ..., { prefix })`) and adds the
class's hooks there (`strategies/controller-type.js`: `instance.addHook(hook.name, ...)`):
they run on that instance's controller routes, beside any `@fastify/cors` registered on
it (a global `fastify-plugin` hook). Such hand-written headers are a layer of the app that
registers `bootstrap` (dehixorg/dehix_fastify `src/common/base.controller.ts` and
`src/app.ts`, CORS302). Followed only where the project registers `bootstrap` once."""

from __future__ import annotations

from corslint.extractors.express.fastify_instances import MAX_FILES, instance_key
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_files, project_root
from corslint.extractors.js.syntax import Node, string_value, unwrap

PACKAGE = "fastify-decorators"
_HOOKS = frozenset(
    {"onRequest", "preParsing", "preValidation", "preHandler", "preSerialization", "onSend", "onResponse"}
)


def decorated_hook_app(module: JsModule, function: Node) -> str | None:
    """The app key of the instance that bootstraps the controllers, when `function` is a
    request hook of a fastify-decorators class."""
    if function.type != "method_definition" or not _is_hook(module, function):
        return None
    if module.file is None or module.project is None:
        return None
    root = project_root(module.file)
    if root is None:
        return None
    keys: set[str] = set()
    for index, file in enumerate(project_files(root)):
        if index >= MAX_FILES:
            return None
        try:
            data = file.read_bytes()
        except OSError:
            continue
        if PACKAGE.encode() not in data or b"bootstrap" not in data or b".register(" not in data:
            continue
        other = module.project.load(file, module.project.display(module, file))
        if other is None:
            continue
        for call in other.of_kind("call_expression"):
            receiver = _bootstrap_receiver(other, call)
            if receiver:
                keys.add(instance_key(other, call, receiver) or f"{other.path}::{receiver}")
    return keys.pop() if len(keys) == 1 else None


def _is_hook(module: JsModule, method: Node) -> bool:
    decorators = [child for child in method.named_children if child.type == "decorator"]
    sibling = method.prev_named_sibling
    while sibling is not None and sibling.type in {"decorator", "comment"}:
        if sibling.type == "decorator":
            decorators.append(sibling)
        sibling = sibling.prev_named_sibling
    for decorator in decorators:
        call = next((child for child in decorator.named_children if child.type == "call_expression"), None)
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is None or callee.type != "identifier":
            continue
        imported = module.imports.get(module.text(callee))
        arguments = call_arguments(call) if call is not None else ()
        if imported == (PACKAGE, "Hook") and arguments and string_value(arguments[0]) in _HOOKS:
            return True
    return False


def _bootstrap_receiver(module: JsModule, call: Node) -> str:
    """The instance at the root of `X.register(bootstrap, ...)` (through a chain of
    `.register(...)` calls), `bootstrap` imported from fastify-decorators; "" otherwise."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return ""
    prop = callee.child_by_field_name("property")
    arguments = call_arguments(call)
    if prop is None or module.text(prop) != "register" or not arguments:
        return ""
    first = unwrap(arguments[0])
    if first.type != "identifier" or module.imports.get(module.text(first)) != (PACKAGE, "bootstrap"):
        return ""
    node = unwrap(callee.child_by_field_name("object"))
    while node.type in {"call_expression", "member_expression"}:
        inner = node.child_by_field_name("function" if node.type == "call_expression" else "object")
        if inner is None or (node.type == "call_expression" and unwrap(inner).type != "member_expression"):
            return ""  # `fastify().register(...)`: an instance with no name
        node = unwrap(inner)
    return module.text(node) if node.type == "identifier" else ""
