"""The `cors(...)` call behind a middleware `.use`d by name: `app.use(corsMiddleware)` where
`corsMiddleware` is bound once in the module (`const corsMiddleware = cors(options)`) or
imported from a project module that exports the call (`module.exports = cors(corsOptions)`
in `middleware/cors.js`, the MERN tutorial layout: 12008yz/chibox-game app.js:110,
ABDmalik6605/InvoiceManagementSystem server.js:20). The call is returned with the module
that holds it, so its options are read there. Anything else (a factory call, a parameter,
an unresolved import) is no `cors()` for these questions."""

from __future__ import annotations

from corslint.extractors.express.function_sources import export_node
from corslint.extractors.express.registrations import Analysis, find_cors_names, is_cors_call
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def cors_call_of(analysis: Analysis, argument: Node) -> tuple[JsModule, Node] | None:
    """The module and `cors(...)` call the `.use` argument `argument` is: the call itself,
    a name bound once to one, or a name imported from a project module exporting one."""
    node = unwrap(argument)
    module = analysis.module
    if is_cors_call(analysis, node):
        return module, node
    if node.type != "identifier":
        return None
    name = module.text(node)
    bound = module.binding(name)
    if bound is not None and is_cors_call(analysis, unwrap(bound)):
        return module, unwrap(bound)
    if name not in module.imports or module.project is None:
        return None
    specifier, exported = module.imports[name]
    project = module.project
    file = project.resolve_specifier(module, specifier)
    if file is None:
        return None
    other = project.load(file, project.display(module, file))
    if other is None:
        return None
    value = export_node(other, exported)
    if value is None:
        return None
    value = unwrap(value)
    if value.type == "identifier":
        target = other.binding(other.text(value))
        if target is None:
            return None
        value = unwrap(target)
    other_analysis = Analysis(other)
    find_cors_names(other_analysis)
    return (other, value) if is_cors_call(other_analysis, value) else None
