"""GraphQL Yoga's `cors` reached through NestJS's Yoga driver:

    GraphQLModule.forRoot<YogaDriverConfig>({
      driver: YogaDriver,
      cors: { origin: process.env.NODE_ENV === "production" ? allowedSites : "*", credentials: true },
    })

(0-don/menu-meister `server/src/graphql.ts`, census 6 sample 5; also
`forRootAsync({ useFactory: () => ({ driver: YogaDriver, cors: {...} }) })`).
`@graphql-yoga/nestjs` hands the driver config to `createYoga`, so its `cors` is Yoga's
CORS plugin's (graphql_yoga.py); a config without `cors` is left alone here."""

from __future__ import annotations

from corslint.extractors.express.graphql_yoga import yoga_cors_policy
from corslint.extractors.express.imported_calls import imported_export_names
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import CorsPolicy, Evidence

_DRIVER_PACKAGE = "@graphql-yoga/nestjs"
_ROOTS = frozenset({"forRoot", "forRootAsync"})


def yoga_nest_driver_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    drivers = imported_export_names(module, _DRIVER_PACKAGE, ("YogaDriver",))
    graphql = imported_export_names(module, "@nestjs/graphql", ("GraphQLModule",))
    if not drivers or not graphql:
        return []
    policies: list[CorsPolicy] = []
    for call in module.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            continue
        holder, method = callee.child_by_field_name("object"), callee.child_by_field_name("property")
        if holder is None or method is None or module.text(method) not in _ROOTS:
            continue
        if module.text(unwrap(holder)) not in graphql:
            continue
        config = driver_config(module, call, module.text(method) == "forRootAsync")
        if config is None:
            continue
        if not drives(module, config, drivers):
            continue
        settings = module.resolve(config)
        if not (settings.known and isinstance(settings.raw, dict)) or "cors" not in settings.raw:
            continue
        policy = yoga_cors_policy(module, call, settings.raw["cors"], bearer)
        if policy is not None:
            policies.append(policy)
    return policies


def driver_config(module: JsModule, call: Node, asynchronous: bool) -> Node | None:
    """The config object `forRoot` gets, or the object `forRootAsync`'s `useFactory` returns."""
    arguments = call_arguments(call)
    if len(arguments) != 1:
        return None
    config = unwrap(arguments[0])
    if not asynchronous:
        return config
    if config.type != "object":
        return None
    for pair in config.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        if key is None or module.text(key) != "useFactory":
            continue
        factory = unwrap(pair.child_by_field_name("value"))
        body = unwrap(factory.child_by_field_name("body")) if factory.type == "arrow_function" else None
        return body if body is not None and body.type == "object" else None
    return None


def drives(module: JsModule, config: Node, drivers: set[str]) -> bool:
    """`driver: YogaDriver` (one of `drivers`) in the config object."""
    if config.type != "object":
        return False
    return any(
        pair.type == "pair"
        and module.text(pair.child_by_field_name("key")) == "driver"
        and module.text(unwrap(pair.child_by_field_name("value"))) in drivers
        for pair in config.named_children
    )
