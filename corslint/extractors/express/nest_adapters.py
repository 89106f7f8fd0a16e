"""Where `NestFactory.create` takes its application options.

NestJS's `create(module, serverOrOptions?, options?)` reads its second argument as an HTTP
adapter when it is one (`new ExpressAdapter(expressApp)`, `new FastifyAdapter()`, the
serverless bootstrap's `const adapter = new ExpressAdapter(server)`), and the options are
then the third. Seen in 0xApeiro/agora-backend `src/serverless.ts`, 10inoino/booklog
`src/handler.ts` and 15110139/test-backend `src/index.ts`."""

from __future__ import annotations

from collections.abc import Sequence

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def is_http_adapter(module: JsModule, node: Node) -> bool:
    """`new ExpressAdapter(app)`, `new FastifyAdapter({...})`, or a name bound to one."""
    node = unwrap(node)
    if node.type == "identifier":
        bound = module.binding(module.text(node))
        node = unwrap(bound) if bound is not None else node
    if node.type != "new_expression":
        return False
    constructor = node.child_by_field_name("constructor")
    name = module.text(unwrap(constructor)).rsplit(".", 1)[-1] if constructor is not None else ""
    return name.endswith("Adapter")


def nest_options_argument(module: JsModule, arguments: Sequence[Node]) -> Node | None:
    """The argument of `NestFactory.create(...)` that holds the application options, if any."""
    at = 2 if len(arguments) >= 2 and is_http_adapter(module, arguments[1]) else 1
    return arguments[at] if len(arguments) > at else None
