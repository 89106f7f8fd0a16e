"""The `Vary: Origin` that `@fastify/cors` adds to the answers a hand-written Fastify writer
also writes on (CORS107).

The plugin runs in an `onRequest` hook of the instance it is registered on (through
fastify-plugin: the root instance, covering every context registered after it). Before it
resolves the origin, the hook adds `Origin` to the reply's `Vary` whenever the `origin` option
is not a string (a function, a list, a RegExp, `true`), for allowed and refused origins
alike (index.js `addCorsHeadersHandler`: 8.x always, 9.x-11.x for a non-string origin;
measured with fastify 5 + @fastify/cors 11, tests/test_differential_fastify_cors_vary.py).
A route handler's `reply.header(...)` / `reply.headers({...})` then adds to that reply, so
its reflected Allow-Origin reaches the browser with `Vary: Origin`
(mx-space/core apps/core/src/common/interceptors/allow-all-cors.interceptor.ts, a NestJS
interceptor on the Fastify adapter under `app.enableCors({ origin: fn })`).

Two ways are read, each only where nothing is left to chance:
- the same module registers the plugin on the root instance (`const app = Fastify()`), or
  on the instance of a fastify-plugin function the function is written in (britotiago03/
  world-explorer `api-gateway/src/plugins/cors.ts`, a preHandler hook beside the plugin), on
  no conditional path, before the function, with a non-string `origin` in every arm;
- a NestJS interceptor (an `intercept` method) in a project on `@nestjs/platform-fastify`
  whose one `enableCors(...)` call outside test code is on no conditional path and passes a
  non-string `origin` in every arm.
Writes through `reply.raw` bypass the reply's headers and are never covered."""

from __future__ import annotations

import re

from corslint.extractors.express.branches import arms_around
from corslint.extractors.express.fastify_cors import cors_plugin_receivers
from corslint.extractors.express.fastify_instances import instance_key
from corslint.extractors.js.method_calls import call_arguments, method_calls
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path, project_files, project_root
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Value

_ROOT_INSTANCE = re.compile(r"(await\s+)?(Fastify|fastify|require\(\s*['\"]fastify['\"]\s*\))\s*\(")
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_DYNAMIC = frozenset({*_FUNCTIONS, "array", "regex", "true"})
_MAX_FILES = 3000
_MAX_DEPTH = 4
_NEST_FASTIFY = "@nestjs/platform-fastify"


def cors_vary_step(module: JsModule, function: Node) -> Value | None:
    """A `Vary: Origin` step (added by the plugin before the function runs), located at the
    plugin's registration, when `@fastify/cors` covers the function's answers for sure."""
    if ".raw." in module.text(function):
        return None  # a raw write (`reply.raw.writeHead`) may send headers the reply never had
    where = _same_module_plugin(module, function) or _nest_enable_cors(module, function)
    if where is None:
        return None
    return Value(
        {"value": Value("Origin", where), "writer": Value("vary", where), "when": Value((), where)},
        where,
    )


def _same_module_plugin(module: JsModule, function: Node) -> Location | None:
    receivers = cors_plugin_receivers(module)
    if not receivers:
        return None
    for registration in method_calls(module, "register"):
        if registration.receiver not in receivers or not registration.arguments:
            continue
        if module.location(registration.call) != receivers[registration.receiver]:
            continue
        bound = module.binding(registration.receiver)
        root = bound is not None and _ROOT_INSTANCE.match(module.text(unwrap(bound))) is not None
        if not root and not _in_same_plugin(module, registration.call, registration.receiver, function):
            continue
        if arms_around(registration.call) or registration.call.end_byte > function.start_byte:
            continue
        options = registration.arguments[1] if len(registration.arguments) > 1 else None
        if options is not None and _dynamic_origin(module, options, 0):
            return module.location(registration.call)
    return None


def _in_same_plugin(module: JsModule, call: Node, receiver: str, function: Node) -> bool:
    """The plugin registered on a fastify-plugin function's instance (`fp(async (fastify) =>
    { await fastify.register(cors, ...); fastify.addHook(...) })`): its onRequest hook is on
    the instance that registers the function, covering `function` written inside it."""
    if instance_key(module, call, receiver) is None:
        return False
    around = call.parent
    while around is not None and around.type not in _FUNCTIONS:
        around = around.parent
    return around is not None and around.start_byte <= function.start_byte < around.end_byte


def _nest_enable_cors(module: JsModule, function: Node) -> Location | None:
    name = function.child_by_field_name("name")
    if function.type != "method_definition" or name is None or module.text(name) != "intercept":
        return None
    if module.project is None or _NEST_FASTIFY not in module.project.dependencies(module):
        return None
    if module.file is None or (root := project_root(module.file)) is None:
        return None
    calls: list[tuple[JsModule, Node]] = []
    for count, file in enumerate(project_files(root)):
        if count >= _MAX_FILES:
            return None
        if is_development_path(str(file.relative_to(root))):
            continue
        try:
            source = file.read_bytes()
        except OSError:
            return None
        if b"enableCors" not in source:
            continue
        other = module.project.load(file, module.project.display(module, file))
        if other is None:
            return None
        calls += [(other, c.call) for c in method_calls(other, "enableCors")]
    if len(calls) != 1:
        return None
    other, call = calls[0]
    arguments = list(call_arguments(call))
    if len(arguments) != 1 or arms_around(call) or not _dynamic_origin(other, arguments[0], 0):
        return None
    return other.location(call)


def _dynamic_origin(module: JsModule, options: Node, depth: int) -> bool:
    """Whether every options object `options` can be has a non-string `origin`."""
    node = unwrap(options)
    if depth > _MAX_DEPTH:
        return False
    if node.type == "identifier":
        bound = module.binding(module.text(node))
        return bound is not None and _dynamic_origin(module, bound, depth + 1)
    if node.type == "ternary_expression":
        arms = [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")]
        return all(arm is not None and _dynamic_origin(module, arm, depth + 1) for arm in arms)
    if node.type != "object":
        return False
    origin: Node | None = None
    for pair in node.named_children:
        if pair.type == "spread_element":
            return False
        if pair.type == "pair" and module.text(pair.child_by_field_name("key")).strip("'\"") == "origin":
            origin = unwrap(pair.child_by_field_name("value"))
        elif pair.type == "method_definition" and module.text(pair.child_by_field_name("name")) == "origin":
            origin = pair
    if origin is None:
        return False  # the default `*` is a string
    return origin.type in _DYNAMIC or origin.type == "method_definition" or _bound_function(module, origin)


def _bound_function(module: JsModule, node: Node) -> bool:
    if node.type != "identifier":
        return False
    if module.top_function(module.text(node)) is not None:
        return True
    bound = module.binding(module.text(node))
    return bound is not None and unwrap(bound).type in _DYNAMIC
