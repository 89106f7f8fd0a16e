"""A path-mounted `cors()` whose `.use` also mounts the router that serves the path,
`app.use("/api", cors({...}), apiRouter)` (growthbook/growthbook
`packages/back-end/src/app.ts`; its `src/api/api.router.ts` even ends in a catch-all
`router.use((req, res) => res.status(404).json(...))`). That `cors()` ends every preflight
under `/api` and the router answers the requests its routes match, so an app-wide `cors()`
the app registers later never answers them: at most a request no route answers reaches it
(none past a catch-all). Two such layers are no CORS302."""

from __future__ import annotations

from corslint.extractors.express.all_layers import EVERY_PATH
from corslint.extractors.express.registrations import Analysis, Registration
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence

_INLINE = frozenset({"arrow_function", "function_expression", "function"})


def scope_answered(analysis: Analysis, registration: Registration, cors_call: Node) -> Evidence | None:
    """`scope-answered` evidence when a router or an ending handler is mounted after
    `cors_call` in the same path-mounted `.use`."""
    module = analysis.module
    if registration.method != "use" or not registration.path or registration.path in EVERY_PATH:
        return None
    after = False
    for argument in registration.arguments:
        node = unwrap(argument)
        if node.start_byte <= cors_call.start_byte < node.end_byte:
            after = True
            continue
        if after and (_ends_request(module, node) or _router(module, node)):
            return Evidence(
                "scope-answered",
                f"the requests under {registration.path} are answered by what this `.use` mounts "
                "after cors(), so no layer the app registers later sees them",
                module.location(node),
            )
    return None


def _ends_request(module: JsModule, node: Node) -> bool:
    """An inline handler without a `next` parameter: it answers (or never lets go)."""
    if node.type not in _INLINE:
        return False
    parameters = node.child_by_field_name("parameters")
    names = [c for c in parameters.named_children if c.type != "comment"] if parameters else []
    return 1 <= len(names) <= 2


def _router(module: JsModule, node: Node) -> bool:
    """A router declared here or exported by a relative module (`export default router`)."""
    if node.type != "identifier":
        return False
    name = module.text(node)
    if name in _router_names(module):
        return True
    imported = module.imports.get(name)
    project = module.project
    if imported is None or project is None or not imported[0].startswith("."):
        return False
    target = project.resolve_specifier(module, imported[0])
    if target is None or target.suffix.lower() not in {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts"}:
        return False
    loaded = project.load(target, project.display(module, target))
    return loaded is not None and bool(_router_names(loaded))


def _router_names(module: JsModule) -> set[str]:
    names = set()
    for name, values in module.declarations.items():
        value = unwrap(values[0])
        if value.type == "call_expression":
            callee = module.text(value.child_by_field_name("function")).replace(" ", "")
            if callee.endswith("Router"):
                names.add(name)
    return names
