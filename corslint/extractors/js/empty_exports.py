"""A module that exports nothing: no `module.exports` / `exports.x` assignment and no
`export` statement. `require()` of it returns the empty `{}` Node gives every CommonJS
module (DennisRono/express-mysql-api `config/corsOptions.js` declares its cors options
and never exports them), so `cors(require('./config/corsOptions'))` runs with the
package's defaults."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.model import Location, Provenance, Value


def exports_nothing(module: JsModule) -> bool:
    """Whether the module has no export of any kind and parsed cleanly (a name `exports`
    or `module` read anywhere, or `Object.assign(module.exports, ...)`, counts as one)."""
    if module.root.has_error or module.of_kind("export_statement"):
        return False
    for identifier in module.of_kind("identifier", "property_identifier"):
        if module.text(identifier) in {"exports", "module.exports"}:
            return False
        if module.text(identifier) == "module" and identifier.type == "identifier":
            return False
    return True


def empty_module_value(module: JsModule, exported: str, use: Location) -> Value | None:
    """What `require()` (`exported == "*"`) of a module that exports nothing returns: `{}`,
    at the use, with the module named as where it comes from. None otherwise."""
    if exported != "*" or not exports_nothing(module):
        return None
    return Value({}, use, Provenance.CONSTANT, related=(Location(module.path, 1, 1, 1, 1),))
