"""Whether an app visibly authenticates with an Authorization header (CORS204): a bearer
package imported, or the header read, in the module that sets the CORS headers, or, for
middleware kept in a module of its own, in the modules of the app that `.use`s it (its
other middleware: luutb/serverchat-nodejs- `src/index.js` uses `jwt.middleware`, which
reads `req.header("Authorization")`, and then the hand-written `cors` module)."""

from __future__ import annotations

from corslint.extractors.express.shared_middleware_routes import using_importers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import names_file
from corslint.model import Evidence

BEARER_PACKAGES = (
    "express-jwt",
    "passport-jwt",
    "express-oauth2-jwt-bearer",
    "jsonwebtoken",
    "express-bearer-token",
)
_HEADER_READS = frozenset(
    {
        "req.headers.authorization",
        "req.headers['authorization']",
        'req.headers["authorization"]',
        "req.get('authorization')",
        'req.get("authorization")',
        "req.header('authorization')",
        'req.header("authorization")',
    }
)
_MAX_IMPORTS = 40


def bearer_evidence(module: JsModule) -> list[Evidence]:
    """The module's own signs of bearer authentication."""
    found = []
    for specifier, _ in module.imports.values():
        if specifier in BEARER_PACKAGES:
            found.append(Evidence("bearer-auth", specifier, module.location(module.root)))
            break
    # each text looked for names the header: most modules' bytes do not, and have many nodes
    if b"authorization" not in module.source.replace(b" ", b"").lower():
        return found
    for node in module.of_kind("member_expression", "subscript_expression", "call_expression"):
        if module.text(node).replace(" ", "").lower() in _HEADER_READS:
            found.append(Evidence("bearer-auth", "the Authorization header", module.location(node)))
            break
    return found


def using_app_bearer_evidence(module: JsModule) -> list[Evidence]:
    """Signs of bearer authentication in the modules that `.use` this module's middleware,
    and in the project modules those import (their other middleware)."""
    project = module.project
    if project is None:
        return []
    for importer in using_importers(module) or ():
        found = bearer_evidence(importer)
        if found:
            return found
        for count, (specifier, _) in enumerate(dict.fromkeys(importer.imports.values())):
            if count >= _MAX_IMPORTS or not specifier.startswith("."):
                continue
            target = project.resolve_specifier(importer, specifier)
            if target is None or (module.file is not None and names_file(target, module.file.resolve())):
                continue
            imported = project.load(target, project.display(importer, target))
            found = bearer_evidence(imported) if imported is not None else []
            if found:
                return found
    return []
