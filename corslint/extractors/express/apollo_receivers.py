"""Whether an ``x.applyMiddleware({ app, ... })`` call in a file that does not import
``apollo-server-express`` itself is Apollo Server's: the server built in another module of
the project (``import { gqlServer } from './graphql'``) and the project depending on
``apollo-server-express`` (whose ``applyMiddleware`` hands its ``cors`` option to the cors
package on the server's path)."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import unwrap

_PACKAGE = "apollo-server-express"


def imports_apollo_express(module: JsModule) -> bool:
    return any(specifier == _PACKAGE for specifier, _ in module.imports.values())


def apollo_server_from_project(
    module: JsModule, callee: str, packages: frozenset[str] = frozenset({_PACKAGE})
) -> bool:
    """`gqlServer.applyMiddleware(...)` (or `this.server.applyMiddleware`) where the receiver's
    root name comes from a relative import and the project depends on apollo-server-express
    (or on one of `packages`: `server.createHandler({ cors })` of apollo-server-lambda over
    `module.exports = new ApolloServer(...)` in `./gql`, ivan-marquez/sls-running
    `src/index.js`)."""
    root = callee.split(".", 1)[0]
    imported = module.imports.get(root) or _factory_import(module, root)
    if imported is None or not imported[0].startswith("."):
        return False
    project = module.project
    return project is not None and bool(packages & project.dependencies(module))


def _factory_import(module: JsModule, name: str) -> tuple[str, str] | None:
    """The import of the factory `name` is built by, bound once as `const server = await
    createServer()` (GabrielCajina/TWITTER-V2 server/src/index.ts over `apollo/server.ts`'s
    `return new ApolloServer({...})`): the factory's import, or None."""
    bound = module.binding(name)
    if bound is None:
        return None
    bound = unwrap(bound)
    if bound.type == "await_expression" and bound.named_children:
        bound = unwrap(bound.named_children[0])
    if bound.type != "call_expression":
        return None
    function = unwrap(bound.child_by_field_name("function"))
    if function is None or function.type != "identifier":
        return None
    return module.imports.get(module.text(function))
