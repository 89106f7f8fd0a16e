"""Where `NestFactory.create` takes its application options.

NestJS's `create(module, serverOrOptions?, options?)` reads its second argument as an HTTP
adapter when it is one (`new ExpressAdapter(expressApp)`, `new FastifyAdapter()`, the
serverless bootstrap's `const adapter = new ExpressAdapter(server)`), and the options are
then the third. Seen in 0xApeiro/agora-backend `src/serverless.ts`, 10inoino/booklog
`src/handler.ts` and 15110139/test-backend `src/index.ts`. The adapter may come from another
module (`export { app as fastifyApp }` of `new FastifyAdapter({...})`, mx-space/core
`apps/core/src/common/adapters/fastify.adapter.ts`): it is followed there."""

from __future__ import annotations

from collections.abc import Sequence

from corslint.extractors.express.function_sources import export_node
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def is_http_adapter(module: JsModule, node: Node) -> bool:
    """`new ExpressAdapter(app)`, `new FastifyAdapter({...})`, or a name bound to one."""
    found = adapter_expression(module, node)
    return found is not None and adapter_name(found[0], found[1]).endswith("Adapter")


def adapter_name(module: JsModule, node: Node) -> str:
    """`new FastifyAdapter(...)` -> "FastifyAdapter"."""
    constructor = node.child_by_field_name("constructor")
    return module.text(unwrap(constructor)).rsplit(".", 1)[-1] if constructor is not None else ""


def adapter_expression(module: JsModule, node: Node, hops: int = 0) -> tuple[JsModule, Node] | None:
    """The `new X(...)` expression `node` stands for, with its module: inline, bound to a
    name, or imported from a project module (`import { webAdapter } from "./adapters"`)."""
    node = unwrap(node)
    if node.type == "identifier" and hops < 4:
        name = module.text(node)
        if name in module.imports:
            return _imported(module, *module.imports[name], hops=hops + 1)
        bound = module.binding(name)
        return adapter_expression(module, bound, hops + 1) if bound is not None else None
    return (module, node) if node.type == "new_expression" else None


def _imported(module: JsModule, specifier: str, exported: str, hops: int) -> tuple[JsModule, Node] | None:
    project = module.project
    target = project.resolve_specifier(module, specifier) if project is not None else None
    if project is None or target is None or target.suffix.lower() in {".json", ".yaml", ".yml"}:
        return None
    loaded = project.load(target, project.display(module, target))
    if loaded is None:
        return None
    value = export_node(loaded, exported)
    if value is None:  # `export { adapter as webAdapter }`
        local = _clause_local(loaded, exported)
        value = loaded.binding(local) if local is not None else None
    return adapter_expression(loaded, value, hops) if value is not None else None


def _clause_local(module: JsModule, exported: str) -> str | None:
    """The local name an `export { local as exported }` clause (no `from`) exports."""
    for statement in module.root.named_children:
        if statement.type != "export_statement" or statement.child_by_field_name("source") is not None:
            continue
        for clause in statement.named_children:
            for spec in clause.named_children if clause.type == "export_clause" else ():
                name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                if name is not None and module.text(alias if alias is not None else name) == exported:
                    return module.text(name)
    return None


def nest_options_argument(module: JsModule, arguments: Sequence[Node]) -> Node | None:
    """The argument of `NestFactory.create(...)` that holds the application options, if any."""
    at = 2 if len(arguments) >= 2 and is_http_adapter(module, arguments[1]) else 1
    return arguments[at] if len(arguments) > at else None
