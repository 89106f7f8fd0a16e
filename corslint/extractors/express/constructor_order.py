"""Registrations inside the methods of one server class, in the order they run rather than
the order they are written:

    class BoardServer {
      constructor() { this.app = express(); this.setupMiddleware(); }
      public addHealthRoute() { this.app.get('/', ...) }      // called later, on the instance
      private setupMiddleware() { this.app.use(cors()) }
    }

(HiAkshat/tms-backend-new `src/app.ts`, with `server.test()` called from `src/server.ts`).
`new BoardServer()` runs `setupMiddleware()`, so `cors()` is registered when the object is
built; a method the constructor never runs can only run later, on the built instance, so
a route it adds comes after `cors()` however the methods are ordered in the file."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

_CLASS_BODIES = frozenset({"class_body"})


def runs_after_construction(module: JsModule, route_call: Node, cors_call: Node) -> bool:
    """Whether `route_call` sits in a method of the same class that the constructor never
    runs, while `cors_call` runs when the object is built."""
    route_method, cors_method = _method_of(route_call), _method_of(cors_call)
    if route_method is None or cors_method is None or route_method == cors_method:
        return False
    body = route_method.parent
    if body is None or body.type not in _CLASS_BODIES or cors_method.parent != body:
        return False
    methods = {
        module.text(name): method
        for method in body.named_children
        if method.type == "method_definition" and (name := method.child_by_field_name("name")) is not None
    }
    constructor = methods.get("constructor")
    if constructor is None:
        return False
    built = _run_from(module, constructor, methods)
    return cors_method in built and route_method not in built


def _method_of(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.type == "method_definition":
            return parent
        if parent.type in {"function_declaration", "class_body", "program"}:
            return None
        parent = parent.parent
    return None


def _run_from(module: JsModule, constructor: Node, methods: dict[str, Node]) -> list[Node]:
    """The constructor and the methods it runs through `this.name(...)`, transitively."""
    running = [constructor]
    for method in running:
        for node in walk(method):
            if node.type != "call_expression":
                continue
            callee = unwrap(node.child_by_field_name("function"))
            if (
                callee.type != "member_expression"
                or module.text(callee.child_by_field_name("object")) != "this"
            ):
                continue
            called = methods.get(module.text(callee.child_by_field_name("property")))
            if called is not None and called not in running:
                running.append(called)
    return running
