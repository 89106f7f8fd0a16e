"""Socket.IO server options outside `new Server(httpServer, { cors })`, for `wrappers`:

- a NestJS gateway, `@WebSocketGateway({ cors: { origin: '*' } })` or
  `@WebSocketGateway(3001, { cors: true })`: NestJS's `IoAdapter.create` hands the options
  (less `namespace` and `server`) to `new Server(port or httpServer, options)` (nestjs/nest
  `packages/platform-socket.io/adapters/io-adapter.ts`). Seen in 0725-project/backend
  `src/modules/chat/chat.gateway.ts`, 02Ravi/bookmyshow `realtime.gateway.ts` and
  07kagan07/randev-saas `events.gateway.ts`;
- options kept on the instance, `this.serverOptions = { cors: { origin: "*" } }` in a
  constructor (or a class field) and passed as `new Server(httpServer, this.serverOptions)`.
  Seen in FreSauce/instance-manager `backend/service/SocketService.js`."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

GATEWAY = "WebSocketGateway"
_CLASSES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
_FIELDS = frozenset({"field_definition", "public_field_definition"})


def is_nest_gateway(module: JsModule, call: Node, callee: str) -> bool:
    """`@WebSocketGateway(...)` from @nestjs/websockets."""
    if call.type != "call_expression" or callee != GATEWAY or call.parent is None:
        return False
    imported = module.imports.get(GATEWAY)
    return call.parent.type == "decorator" and imported is not None and imported[0] == "@nestjs/websockets"


def instance_options(module: JsModule, node: Node) -> Node | None:
    """The object literal `this.name` holds, when the class assigns it exactly once."""
    node = unwrap(node)
    if node.type != "member_expression":
        return None
    holder = node.child_by_field_name("object")
    prop = node.child_by_field_name("property")
    if holder is None or prop is None or module.text(holder) != "this":
        return None
    name = module.text(prop)
    owner = node.parent
    while owner is not None and owner.type not in _CLASSES:
        owner = owner.parent
    if owner is None:
        return None
    values: list[Node] = []
    for child in walk(owner):
        if child.type == "assignment_expression":
            left = unwrap(child.child_by_field_name("left"))
            if left is not None and module.text(left).replace(" ", "") == f"this.{name}":
                values.append(unwrap(child.child_by_field_name("right")))
        elif child.type in _FIELDS:
            key = child.child_by_field_name("property") or child.child_by_field_name("name")
            value = child.child_by_field_name("value")
            if key is not None and value is not None and module.text(key) == name:
                values.append(unwrap(value))
    if len(values) != 1 or values[0] is None or values[0].type != "object":
        return None
    return values[0]
