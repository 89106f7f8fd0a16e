"""Apollo Server 2/3's `cors` reached through NestJS's Apollo driver:

    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      cors: { origin: process.env.NODE_ENV === "production" ? false : true, credentials: true },
    })

(CarlosGatti/boxhub-nest-api `src/app/app.module.ts`, held-out set 17; also
`forRootAsync({ useFactory: () => ({ driver: ApolloDriver, cors }) })`). `@nestjs/apollo`
10, the last on `apollo-server-express`, registers the server on the Express adapter with
`apolloServer.applyMiddleware({ app, path, cors, ... })` (nestjs/graphql
`packages/apollo/lib/drivers/apollo-base.driver.ts`), so the setting is handed to the cors
package on `path` (`/graphql` unless given), as `wrappers._apollo` reads a direct
`applyMiddleware`. Later drivers (`@apollo/server` 4+) pass no `cors` at all, so the
setting is read only where the project depends on `apollo-server-express` and not on
NestJS's Fastify platform (whose driver used `apollo-server-fastify`). A config without
`cors` is left alone here (its defaults are not judged)."""

from __future__ import annotations

from corslint.extractors.express.imported_calls import imported_export_names
from corslint.extractors.express.yoga_nest_driver import driver_config, drives
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap

_DRIVERS = ("ApolloDriver", "ApolloFederationDriver")
_ROOTS = frozenset({"forRoot", "forRootAsync"})
_DEFAULT_PATH = "/graphql"


def apollo_nest_driver_cors(module: JsModule, call: Node) -> tuple[Node, str] | None:
    """The `cors` setting of a `GraphQLModule.forRoot({ driver: ApolloDriver, cors })` call
    and the path it applies to ("" when not known), or None."""
    if call.type != "call_expression":
        return None
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return None
    holder, method = callee.child_by_field_name("object"), callee.child_by_field_name("property")
    if holder is None or method is None or module.text(method) not in _ROOTS:
        return None
    if module.text(unwrap(holder)) not in imported_export_names(
        module, "@nestjs/graphql", ("GraphQLModule",)
    ):
        return None
    drivers = imported_export_names(module, "@nestjs/apollo", _DRIVERS)
    if not drivers or not _on_apollo_express(module):
        return None
    config = driver_config(module, call, module.text(method) == "forRootAsync")
    if config is None or not drives(module, config, drivers):
        return None
    setting = _pair_value(module, config, "cors")
    if setting is None:
        return None
    path = _pair_value(module, config, "path")
    if path is None:
        return setting, _DEFAULT_PATH
    resolved = module.resolve(path)
    return setting, resolved.raw if resolved.known and isinstance(resolved.raw, str) else ""


def _on_apollo_express(module: JsModule) -> bool:
    project = module.project
    if project is None:
        return False
    dependencies = project.dependencies(module)
    return "apollo-server-express" in dependencies and "@nestjs/platform-fastify" not in dependencies


def _pair_value(module: JsModule, config: Node, key: str) -> Node | None:
    for pair in config.named_children:
        name = pair.child_by_field_name("key") if pair.type == "pair" else None
        if name is not None and (string_value(name) or module.text(name)) == key:
            return pair.child_by_field_name("value")
    return None
