"""Whether an ``x.applyMiddleware({ app, ... })`` call in a file that does not import
``apollo-server-express`` itself is Apollo Server's: the server built in another module of
the project (``import { gqlServer } from './graphql'``) and the project depending on
``apollo-server-express`` (whose ``applyMiddleware`` hands its ``cors`` option to the cors
package on the server's path)."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule

_PACKAGE = "apollo-server-express"


def imports_apollo_express(module: JsModule) -> bool:
    return any(specifier == _PACKAGE for specifier, _ in module.imports.values())


def apollo_server_from_project(module: JsModule, callee: str) -> bool:
    """`gqlServer.applyMiddleware(...)` (or `this.server.applyMiddleware`) where the receiver's
    root name comes from a relative import and the project depends on apollo-server-express."""
    root = callee.split(".", 1)[0]
    imported = module.imports.get(root)
    if imported is None or not imported[0].startswith("."):
        return False
    project = module.project
    return project is not None and _PACKAGE in project.dependencies(module)
