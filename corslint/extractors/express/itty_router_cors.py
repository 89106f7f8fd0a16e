"""Policies from itty-router's CORS helpers: ``createCors(...)`` (itty-router 4) and
``cors(...)`` (itty-router 5), each returning ``{ preflight, corsify }`` for a Cloudflare
Worker's router; one policy per call, answering every path.

A v5 ``origin`` function returns the origin to send: judged from its returns, as Hono's
is (the ``origin`` parameter returned under a membership test is an allow-list, returned
unconditionally a reflection, a falsy value a refusal). A v4 ``origins`` function returns
a boolean and is left unknown."""

from __future__ import annotations

from corslint.extractors.express.call_policy import policy_at_call
from corslint.extractors.express.close_option_names import close_option_names
from corslint.extractors.express.imported_calls import calls_named
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.express.origin_returning_functions import origin_returning_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node
from corslint.frameworks.itty_router_cors import V4_OPTION_NAMES, V5_OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Value

PACKAGE = "itty-router"
ITTY_CORS = "itty-cors"  # the package itty-router 4 took createCors from
# each module a helper is imported from (itty-router exports each from a subpath too)
_EXPORTS = {
    PACKAGE: {"createCors": "createCors", "cors": "cors"},
    f"{PACKAGE}/createCors": {"createCors": "createCors"},
    f"{PACKAGE}/cors": {"cors": "cors"},
}
_V4_CLOSE_NAMES = {
    "origin": "origins",
    "allowedOrigins": "origins",
    "allowOrigin": "origins",
    "allowMethods": "methods",
    "allowedMethods": "methods",
    "allowHeaders": "headers",
    "allowedHeaders": "headers",
    "maxage": "maxAge",
    "max_age": "maxAge",
}
_V5_CLOSE_NAMES = close_option_names(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders")


def _v4_origin(module: JsModule, value: Value) -> Value:
    return value  # only `origins` is read, and its functions return booleans: left unknown


_VERSIONS = {
    "createCors": (
        "itty_router_create_cors",
        "itty-router createCors()",
        OptionNames(
            V4_OPTION_NAMES, _V4_CLOSE_NAMES, "itty-router's createCors()", "the default", _v4_origin
        ),
    ),
    ITTY_CORS: (
        "itty_cors",
        "itty-cors createCors()",
        OptionNames(V4_OPTION_NAMES, _V4_CLOSE_NAMES, "itty-cors's createCors()", "the default", _v4_origin),
    ),
    "cors": (
        "itty_router_cors",
        "itty-router cors()",
        OptionNames(
            V5_OPTION_NAMES, _V5_CLOSE_NAMES, "itty-router's cors()", "the default", origin_returning_function
        ),
    ),
}


def _callee_names(module: JsModule) -> dict[str, str]:
    """The names a module calls the helpers by, with the helper each stands for
    (`createCors`, `cors`, or `itty-cors` for the package's own createCors)."""
    names: dict[str, str] = {}
    for local, (specifier, exported_name) in module.imports.items():
        exports = {"createCors": ITTY_CORS} if specifier == ITTY_CORS else _EXPORTS.get(specifier)
        if exports is None:
            continue
        if exported_name in exports:
            names[local] = exports[exported_name]
        elif exported_name == "*":
            names.update({f"{local}.{export}": helper for export, helper in exports.items()})
    return names


def _preflight_unused(module: JsModule, call: Node) -> bool:
    """`const { corsify } = createCors()`, or a `preflight` the module never reads: v4's
    `corsify` then never learns an Allow-Origin (real code: minakov/api-pxflux-xyz)."""
    parent = call.parent
    while parent is not None and parent.type in {"parenthesized_expression", "as_expression"}:
        parent = parent.parent
    if parent is None or parent.type != "variable_declarator":
        return False
    declaration = parent.parent
    if (
        declaration is not None
        and declaration.parent is not None
        and declaration.parent.type == "export_statement"
    ):
        return False  # `export const { preflight, corsify } = createCors(...)`: registered elsewhere
    pattern = parent.child_by_field_name("name")
    if pattern is None or pattern.type != "object_pattern":
        return False
    local = None
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern" and module.text(child) == "preflight":
            local = "preflight"
        elif child.type == "pair_pattern" and module.text(child.child_by_field_name("key")) == "preflight":
            value = child.child_by_field_name("value")
            if value is None or value.type != "identifier":
                return False
            local = module.text(value)
        elif child.type == "rest_pattern":
            return False
    if local is None:
        return True
    inside = range(pattern.start_byte, pattern.end_byte)
    return all(reference.start_byte in inside for reference in module.references(local))


def itty_router_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names = _callee_names(module)
    if not names:
        return []
    policies: list[CorsPolicy] = []
    for node, callee, arguments in calls_named(module, names):
        export = names[callee]
        framework, label, option_names = _VERSIONS[export]
        options, evidence = first_argument_options(module, arguments, option_names)
        if export != "cors" and _preflight_unused(module, node):
            evidence.append(
                Evidence(
                    "not-applied",
                    'its `preflight` handler is never registered (`router.all("*", preflight)`): '
                    "it is what picks the Allow-Origin that `corsify` adds, so no response gets "
                    "one and OPTIONS requests are not answered",
                    module.location(node),
                )
            )
        policies.append(
            policy_at_call(
                module,
                node,
                framework=framework,
                label=label,
                options=options,
                evidence=(*evidence, *bearer),
            )
        )
    return policies
