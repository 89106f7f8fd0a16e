"""Policies from ``@koa/cors``: one per ``cors(...)`` call the module makes, registered with
``app.use`` (or a koa-router's ``router.use``), with its options read as the package names them.

An ``origin`` function ``(ctx) => ...`` is judged from the values it returns: the request's
Origin (``ctx.get("Origin")``, ``ctx.headers.origin`` and the like) under a membership test
is an allow-list, unconditionally a reflection of every origin, a falsy value a refusal."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from corslint.extractors.express.close_option_names import close_option_names
from corslint.extractors.express.defaulted_origin_reads import defaulted_origin_reads
from corslint.extractors.express.koa_app_routes import koa_app_routes
from corslint.extractors.express.koa_router_order import routes_before
from corslint.extractors.express.middleware_policy import middleware_policy
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.express.origin_function_nodes import parameter_names, written_function
from corslint.extractors.express.registrations import Analysis, is_package_call
from corslint.extractors.express.returned_origins import classify_returns
from corslint.extractors.express.routes import probe_path_for
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import WRAPPERS, Node, string_value, unwrap, walk
from corslint.frameworks.koa_cors import OPTION_NAMES
from corslint.frameworks.package_majors import VERSION_OPTION, version_value
from corslint.model import CorsPolicy, Evidence, FunctionValue, Value

PACKAGE = "@koa/cors"
CLOSE_NAMES = close_option_names(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders")

KOA_REFUSALS = frozenset({"false", "null", "undefined", "''", '""', "``", "0"})


@dataclass(frozen=True)
class KoaCorsPackage:
    """A Koa CORS middleware package read the same way: `cors(options)` with Koa's `(ctx)`
    origin functions; `names` sorts its options."""

    specifier: str  # what `require`/`import` names
    framework: str  # the model's name (frameworks/<framework>.py)
    label: str
    names: OptionNames


def koa_cors_names(module: JsModule, specifier: str = PACKAGE) -> set[str]:
    return {
        local
        for local, (imported, exported_name) in module.imports.items()
        if imported == specifier and exported_name in {"*", "default"}
    }


def koa_cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    """@koa/cors 2.x is kcors renamed: such a project runs the kcors model. Other majors
    are recorded on the policy: before 5.0 the default `origin` reflects the request's
    Origin (frameworks/koa_cors.py)."""
    major = installed_major(analysis.module.file, PACKAGE)
    if major == 2:
        return package_policies(analysis, bearer, dataclasses.replace(KOA_CORS, framework="kcors"))
    policies = package_policies(analysis, bearer, KOA_CORS)
    if major is None:
        return policies
    return [
        dataclasses.replace(
            policy,
            options={
                **policy.options,
                VERSION_OPTION: version_value(major, policy.location, f"{PACKAGE} {major}.x"),
            },
        )
        for policy in policies
    ]


def package_policies(
    analysis: Analysis, bearer: tuple[Evidence, ...], package: KoaCorsPackage
) -> list[CorsPolicy]:
    """One policy per `cors(...)` call of `package` in the module."""
    module = analysis.module
    names = koa_cors_names(module, package.specifier)
    if not names and package.specifier.encode() not in module.source:
        return []
    policies: list[CorsPolicy] = []
    for node in module.of_kind("call_expression", "new_expression", *WRAPPERS):
        if node.type not in {"call_expression", "new_expression"} or not is_package_call(
            module, names, node, package.specifier
        ):
            continue
        options, evidence = first_argument_options(module, list(call_arguments(node)), package.names)
        evidence += routes_before(module, node, "CORS middleware")
        evidence += list(bearer)
        policy = middleware_policy(
            analysis,
            node,
            options,
            evidence,
            framework=package.framework,
            label=package.label,
            every_path={"/", "*", "/*", "(.*)"},
            probe_path_of=probe_path_for,
        )
        if not policy.scope and (routes := koa_app_routes(module, node)) is not None:
            policy = dataclasses.replace(policy, routes=routes)  # the routers mounted after it
        policies.append(policy)
    return policies


def koa_origin(module: JsModule, value: Value) -> Value:
    """An `origin` option of a Koa CORS package: a function `(ctx) => ...` classified."""
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    found = written_function(module, value)
    if found is None:
        return value
    home, function = found
    classified = classify_koa_origin(home, function)
    # a fixed answer that is not the request's Origin is sent as written (not "deny-all")
    if (
        classified.kind in {"unknown", "deny-all"}
        and (constant := _constant_answer(home, function)) is not None
    ):
        where = constant.location if home is module else value.location
        return Value(constant.raw, where, constant.provenance, constant.env_var, _CONSTANT_ANSWER)
    return Value(
        classified,
        value.location,
        value.provenance,
        value.env_var,
        value.description,
        value.related,
    )


_CONSTANT_ANSWER = "what the origin function answers wherever it does not skip CORS"


def _constant_answer(module: JsModule, function: Node) -> Value | None:
    """`(ctx) => { if (ctx.url === "/test") return false; return "*"; }` (the koa2-cors
    README): a function that never reads the Origin and answers one fixed value wherever it
    does not skip CORS (a falsy answer) sends that value to every other request."""
    body = function.child_by_field_name("body")
    if body is None or _origin_spellings(module, function):
        return None
    returned: list[Node] = [body] if body.type != "statement_block" else []
    for node in walk(body) if body.type == "statement_block" else ():
        if node.type != "return_statement" or enclosing_function(node) != function:
            continue
        inner = [c for c in node.named_children if c.type != "comment"]
        returned += inner[:1]  # `return;` answers undefined: CORS skipped
    answers: list[Value] = []
    for expression in returned:
        answer = module.resolve(expression)
        if not answer.known or isinstance(answer.raw, (tuple, dict, FunctionValue)):
            return None
        if answer.raw not in (None, False, "", 0):
            answers.append(answer)
    return answers[0] if answers and len({answer.raw for answer in answers}) == 1 else None


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
            if name is not None and bound is not None and _without_empty_fallback(module, bound) in found:
                found.add(module.text(name))
    return found


def _without_empty_fallback(module: JsModule, bound: Node) -> str:
    """`ctx.request.header.origin ?? ""` -> `ctx.request.header.origin` (Retr0327/
    koa-backend-template `src/api/config/corsConfig.ts`): an empty string stands in for a
    missing Origin, and no allow-list test admits it, so the local is the Origin."""
    bound = unwrap(bound)
    if bound.type == "binary_expression" and module.text(bound.child_by_field_name("operator")) in {
        "??",
        "||",
    }:
        fallback = bound.child_by_field_name("right")
        if fallback is not None and string_value(fallback) == "":
            return module.text(unwrap(bound.child_by_field_name("left")))
    return module.text(bound)


def classify_koa_origin(module: JsModule, function: Node) -> FunctionValue:
    """The request's Origin returned is an allowed answer; any falsy value skips CORS."""
    spellings = _origin_spellings(module, function)
    answers = (
        spellings
        | defaulted_origin_reads(module, function, spellings)
        | _found_entries(module, function, spellings)
    )
    return classify_returns(module, function, answers, KOA_REFUSALS, spellings, constant_origins=True)


def _found_entries(module: JsModule, function: Node, spellings: set[str]) -> set[str]:
    """`list[index]` with `const index = list.indexOf(origin)`: the listed entry equal to
    the Origin, which is the Origin itself (mengyjd/fileUpload `config/cors.js`)."""
    found = set()
    for node in walk(function):
        if node.type != "variable_declarator":
            continue
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None or unwrap(value).type != "call_expression":
            continue
        callee = unwrap(unwrap(value).child_by_field_name("function"))
        arguments = call_arguments(unwrap(value))
        if callee.type != "member_expression" or len(arguments) != 1:
            continue
        prop = callee.child_by_field_name("property")
        if prop is None or module.text(prop) != "indexOf" or module.text(arguments[0]) not in spellings:
            continue
        found.add(f"{module.text(callee.child_by_field_name('object'))}[{module.text(name)}]")
    return found


KOA_CORS = KoaCorsPackage(
    PACKAGE,
    "koa_cors",
    "@koa/cors middleware",
    OptionNames(OPTION_NAMES, CLOSE_NAMES, "@koa/cors", "the package's default", koa_origin),
)
