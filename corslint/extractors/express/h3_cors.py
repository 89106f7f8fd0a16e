"""Policies from h3's ``handleCors(event, options)``: one per call, imported from ``h3`` or
auto-imported in a Nuxt / Nitro server file (no import names it, the file calls
``defineEventHandler`` or a sibling, and defines no ``handleCors`` of its own).

Seen in real code: ``export default defineEventHandler((event) => { handleCors(event, {...})
})`` in ``server/middleware/cors.ts``; ``createApp({ onRequest: (event) => { handleCors(event,
{...}) } })``; ``if (isPreflightRequest(event)) return handleCors(event, {})`` at the top of a
route, where only preflights get its headers. The installed h3 major (a lock file or
package.json, also through ``nuxt``) picks the model; 1.x without one."""

from __future__ import annotations

import re

from corslint.extractors.express.call_policy import policy_at_call
from corslint.extractors.express.close_option_names import close_option_names
from corslint.extractors.express.imported_calls import calls_named, imported_export_names
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.express.origin_function_nodes import node_at, parameter_names
from corslint.extractors.express.returned_origins import classify_returns, function_of_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node
from corslint.frameworks.h3_cors import OPTION_NAMES, PREFLIGHT_ONLY
from corslint.model import CorsPolicy, Evidence, FunctionValue, Value

PACKAGE = "h3"
_HELPER = "handleCors"
_NITRO_HANDLERS = (b"defineEventHandler(", b"eventHandler(", b"defineNitroPlugin(", b"createApp(")
_OWN_HELPER = re.compile(rb"\b(?:function\s*\*?\s*|(?:const|let|var)\s+)handleCors\b")
_CLOSE_NAMES = close_option_names(methods="methods", headers="allowHeaders", expose="exposeHeaders")
_PREFLIGHT_TEST = re.compile(r"isPreflightRequest\(|[=!]==?\s*['\"]OPTIONS['\"]|['\"]OPTIONS['\"]\s*[=!]==?")


# the request's own Origin read with h3's helpers or from the Node request, perhaps with a
# fallback for requests without one (`getRequestHeader(event, 'origin') || '*'`)
_ORIGIN_READ = re.compile(
    r"(?:getRequestHeader|getHeader)\(\w+,['\"]origin['\"]\)"
    r"|\w+\.node\.req\.headers(?:\.origin|\[['\"]origin['\"]\])"
    r"|\w+\.(?:req\.)?headers\.get\(['\"]origin['\"]\)",
    re.IGNORECASE,
)
_FALLBACK = re.compile(r"(?:\|\||\?\?)(?:['\"][^'\"]*['\"]|undefined|null)$")


def _reads_request_origin(value: Value, module: JsModule) -> bool:
    """An `origin` option that is the request's Origin: 1.x sends that string, 2.x admits the
    Origin equal to it, so each echoes every Origin (a fallback only serves requests
    without one)."""
    text = value.description or value.env_var or ""
    if not text and not value.known:
        node = node_at(module, value.location)
        text = module.text(node) if node is not None else ""
    text = _FALLBACK.sub("", text.replace(" ", "").replace("\n", ""))
    return _ORIGIN_READ.fullmatch(text) is not None


def _origin_predicate(module: JsModule, value: Value) -> Value:
    """`origin: (origin) => ...` gets the Origin and admits it when it returns truthy."""
    if _reads_request_origin(value, module):
        return Value(FunctionValue("reflect-all"), value.location, description=value.description)
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    function = function_of_value(module, value)
    if function is None:
        return value
    parameters = parameter_names(module, function)
    if len(parameters) != 1:
        return value
    origin = parameters[0]
    classified = classify_returns(
        module, function, {"true", origin}, frozenset({"false"}), {origin}, boolean_answers=True
    )
    return Value(
        classified, value.location, value.provenance, value.env_var, value.description, value.related
    )


_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "h3's handleCors()", "h3's default", _origin_predicate)


def _callee_names(module: JsModule) -> set[str]:
    names = imported_export_names(module, PACKAGE, (_HELPER,))
    if names or any(exported == _HELPER for _, exported in module.imports.values()):
        return names  # imported (from h3, or a library's own `handleCors`: not h3's)
    source = module.source
    if (
        _HELPER.encode() in source
        and any(handler in source for handler in _NITRO_HANDLERS)
        and _OWN_HELPER.search(source) is None
    ):
        return {_HELPER}  # Nuxt / Nitro auto-import
    return set()


def _only_for_preflights(module: JsModule, call: Node) -> bool:
    """Whether the call sits in the consequence of a preflight or OPTIONS test."""
    child, node = call, call.parent
    while node is not None and node.type not in {
        "function_declaration",
        "arrow_function",
        "function_expression",
    }:
        if node.type == "if_statement" and child == node.child_by_field_name("consequence"):
            condition = node.child_by_field_name("condition")
            text = module.text(condition) if condition is not None else ""
            if _PREFLIGHT_TEST.search(text) and "||" not in text and "!isPreflightRequest" not in text:
                return True
        child, node = node, node.parent
    return False


def _major(module: JsModule) -> int:
    for via in (None, "nuxt", "nitropack"):
        major = installed_major(module.file, PACKAGE, via=via)
        if major is not None:
            return major
    return 1


def h3_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    if _HELPER.encode() not in module.source:
        return []
    names = _callee_names(module)
    if not names:
        return []
    policies: list[CorsPolicy] = []
    major: int | None = None
    for node, _, arguments in calls_named(module, names):
        if not arguments:
            continue
        major = _major(module) if major is None else major
        if len(arguments) < 2 and major != 2:
            continue  # 1.x throws on `handleCors(event)`; 2.x takes its defaults
        options, evidence = first_argument_options(module, arguments[1:], _NAMES)
        if _only_for_preflights(module, node):
            options = {**options, PREFLIGHT_ONLY: Value(True, module.location(node))}
        policies.append(
            policy_at_call(
                module,
                node,
                framework="h3_cors_2" if major == 2 else "h3_cors",
                label="h3 handleCors()",
                options=options,
                evidence=(*evidence, *bearer),
            )
        )
    return policies
