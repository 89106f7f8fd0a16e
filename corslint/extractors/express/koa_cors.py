"""Policies from ``@koa/cors``: one per ``cors(...)`` call the module makes, registered with
``app.use`` (or a koa-router's ``router.use``), with its options read as the package names them.

An ``origin`` function ``(ctx) => ...`` is judged from the values it returns: the request's
Origin (``ctx.get("Origin")``, ``ctx.headers.origin`` and the like) under a membership test
is an allow-list, unconditionally a reflection of every origin, a falsy value a refusal."""

from __future__ import annotations

from corslint.extractors.express.middleware_policy import middleware_policy
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.express.origin_functions import parameter_names
from corslint.extractors.express.registrations import Analysis
from corslint.extractors.express.returned_origins import classify_returns, function_of_value
from corslint.extractors.express.routes import probe_path_for
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import WRAPPERS, Node, unwrap, walk
from corslint.frameworks.koa_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, FunctionValue, Value

PACKAGE = "@koa/cors"
_CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "credential": "credentials",
    "allowCredentials": "credentials",
    "methods": "allowMethods",
    "allowedMethods": "allowMethods",
    "allowedHeaders": "allowHeaders",
    "headers": "allowHeaders",
    "exposedHeaders": "exposeHeaders",
    "maxage": "maxAge",
    "max_age": "maxAge",
}

KOA_REFUSALS = frozenset({"false", "null", "undefined", "''", '""', "``", "0"})


def koa_cors_names(module: JsModule) -> set[str]:
    return {
        local
        for local, (specifier, exported_name) in module.imports.items()
        if specifier == PACKAGE and exported_name in {"*", "default"}
    }


def _is_koa_cors_call(module: JsModule, names: set[str], node: Node) -> bool:
    node = unwrap(node)
    if node.type != "call_expression":
        return False
    function = unwrap(node.child_by_field_name("function"))
    if function is None:
        return False
    text = module.text(function).replace(" ", "")
    if text in names or (text.endswith(".default") and text[: -len(".default")] in names):
        return True
    return text.startswith("require(") and text.endswith(")") and text[8:-1].strip("'\"`") == PACKAGE


def koa_cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    names = koa_cors_names(module)
    if not names and PACKAGE.encode() not in module.source:
        return []
    policies: list[CorsPolicy] = []
    for node in module.of_kind("call_expression", *WRAPPERS):
        if node.type != "call_expression" or not _is_koa_cors_call(module, names, node):
            continue
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        options, evidence = first_argument_options(module, arguments, _NAMES)
        evidence += list(bearer)
        policies.append(
            middleware_policy(
                analysis,
                node,
                options,
                evidence,
                framework="koa_cors",
                label="@koa/cors middleware",
                every_path={"/", "*", "/*", "(.*)"},
                probe_path_of=probe_path_for,
            )
        )
    return policies


def _classified(module: JsModule, value: Value) -> Value:
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    function = function_of_value(module, value)
    if function is None:
        return value
    return Value(
        classify_koa_origin(module, function),
        value.location,
        value.provenance,
        value.env_var,
        value.description,
        value.related,
    )


def _normal(text: str) -> str:
    return text.replace(" ", "").replace('"', "'").replace("`", "'").lower()


def _origin_spellings(module: JsModule, function: Node) -> set[str]:
    """The expressions in `function` that read the request's Origin, as written."""
    parameters = parameter_names(module, function)
    if not parameters:
        return set()
    ctx = parameters[0].lower()
    readings = {
        f"{ctx}{via}{read}"
        for via in (".", ".request.")
        for read in ("get('origin')", "headers.origin", "header.origin", "headers['origin']")
    }
    found: set[str] = set()
    for node in walk(function):
        kind = node.type
        if kind in {"call_expression", "member_expression", "subscript_expression"} and (
            _normal(module.text(node)) in readings
        ):
            found.add(module.text(node))
    for node in walk(function):
        if node.type == "variable_declarator":
            name, bound = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and bound is not None and module.text(unwrap(bound)) in found:
                found.add(module.text(name))
    return found


def classify_koa_origin(module: JsModule, function: Node) -> FunctionValue:
    """The request's Origin returned is an allowed answer; any falsy value skips CORS."""
    spellings = _origin_spellings(module, function)
    return classify_returns(module, function, spellings, KOA_REFUSALS, spellings)


# read after `_classified` is defined: how an `origin` option of this package is read
_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "@koa/cors", "the package's default", _classified)
