"""cors options declared in a module that never exports them: `cors(require('./config/
corsOptions'))` where that file declares `let options = {origin: ...}` and has no
`module.exports` (DennisRono/express-mysql-api). `require()` returns `{}` there
(`js.empty_exports`), so the package's defaults run and the declared options have no
effect: said at their declaration (CORS303)."""

from __future__ import annotations

from corslint.extractors.express.options import CLOSE_NAMES
from corslint.extractors.js.empty_exports import exports_nothing
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.parsed_module import require_specifier
from corslint.extractors.js.syntax import Node, unwrap
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import Evidence


def unexported_options(module: JsModule, arguments: list[Node]) -> list[Evidence]:
    """Evidence for each cors-options object the required module declares and never
    exports, when the first argument is that `require()` (directly or through a const)."""
    if not arguments or module.project is None:
        return []
    argument = unwrap(arguments[0])
    if argument.type == "identifier":
        bound = module.binding(module.text(argument))
        if bound is None:
            return []
        argument = unwrap(bound)
    specifier = require_specifier(module, argument)
    if specifier is None:
        return []
    target = module.project.resolve_specifier(module, specifier)
    if target is None or target.suffix.lower() in {".json", ".yaml", ".yml"}:
        return []
    required = module.project.load(target, module.project.display(module, target))
    if required is None or not exports_nothing(required):
        return []
    found = []
    for name, values in required.declarations.items():
        node = unwrap(values[-1])
        declarator = values[-1].parent
        if (
            node.type != "object"
            or declarator is None
            or declarator.parent not in required.root.named_children
        ):
            continue
        keys = {
            required.text(pair.child_by_field_name("key") or pair.child_by_field_name("name") or pair).strip(
                "'\""
            )
            for pair in node.named_children
            if pair.type in {"pair", "method_definition"}  # `origin(origin, cb) {...}` too
        }
        if "origin" not in keys or not keys <= OPTION_NAMES | CLOSE_NAMES.keys():
            continue
        found.append(
            Evidence(
                "not-applied",
                f"`{name}` in {required.path} holds cors options, but that file exports nothing "
                "(no `module.exports`), so `require()` returns `{}` and cors() runs with its defaults",
                required.location(declarator),
            )
        )
    return found
