"""Policies from ``@fastify/cors``: one per ``register(cors, options)`` call (``cors`` imported,
required, or ``require("@fastify/cors")`` in place), with the routes the same instance
serves in the module, for judging the package's GET/HEAD/POST default.

The options are read as the package names them; `fastify_options` also reads what NestJS
hands the package on its Fastify adapter. An origin function is a callback
``(origin, cb) => ...`` (judged as for the ``cors`` package) or an async function whose
``true``/``false`` answers are judged from its returns. A ``delegator`` that hands over one
constant options object for every request (``cb(null, options)`` or an async return) is
read as those options; any other delegator leaves the options unknown.

The package's earlier name, ``fastify-cors``, is read the same way when its installed major
is one corslint models (3.x and 6.x, `fastify_cors_version.legacy_options`)."""

from __future__ import annotations

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.close_option_names import close_option_names
from corslint.extractors.express.fastify_cors_plugin_lists import listed_cors_plugins
from corslint.extractors.express.fastify_cors_version import legacy_framework, legacy_options, with_version
from corslint.extractors.express.fastify_encapsulated_cors import encapsulated_cors
from corslint.extractors.express.fastify_instances import instance_key
from corslint.extractors.express.fastify_plugin_routes import plugin_routes
from corslint.extractors.express.fastify_registering_routes import registering_routes
from corslint.extractors.express.fastify_setup_routes import setup_function_routes
from corslint.extractors.express.fastify_unused_plugins import unused_plugin_evidence
from corslint.extractors.express.helper_return_variants import helper_return_variants
from corslint.extractors.express.option_variants import OptionVariant
from corslint.extractors.express.options import OptionNames, options_homes, sorted_options
from corslint.extractors.express.origin_function_nodes import parameter_names, written_function
from corslint.extractors.express.origin_functions import classify_origin_function
from corslint.extractors.express.returned_origins import classify_returns, function_of_value
from corslint.extractors.express.ternary_variants import ternary_origin_variants
from corslint.extractors.express.unset_stage import unset_stage_variants
from corslint.extractors.js.method_calls import call_arguments, method_calls
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.frameworks.fastify_cors import OPTION_NAMES
from corslint.frameworks.fastify_cors_versions import LEGACY_PACKAGE
from corslint.model import CorsPolicy, Evidence, FunctionValue, Location, Route, Value

PACKAGE = "@fastify/cors"
_CLOSE_NAMES = {
    **close_option_names(methods="methods", headers="allowedHeaders", expose="exposedHeaders"),
    "strictpreflight": "strictPreflight",
}

_ROUTE_VERBS = {
    "get": ("GET", "HEAD"),
    "head": ("HEAD",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "all": ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"),
}
_REFUSALS = frozenset({"false"})


_PACKAGES = (PACKAGE, LEGACY_PACKAGE)


def _plugin_names(module: JsModule) -> dict[str, str]:
    """The local names of the plugin, each with the package it comes from."""
    return {
        local: specifier
        for local, (specifier, exported) in module.imports.items()
        if specifier in _PACKAGES and exported in {"*", "default", "fastifyCors"}
    }


def _plugin_package(module: JsModule, names: dict[str, str], node: Node) -> str | None:
    """The package `node` names the plugin of (`@fastify/cors` or `fastify-cors`), if any."""
    node = unwrap(node)
    if node.type == "await_expression" and node.named_children:
        node = unwrap(node.named_children[0])
    text = module.text(node).replace(" ", "")
    for suffix in (".default", ".fastifyCors"):
        text = text.removesuffix(suffix)
    if text.startswith("(await") and text.endswith(")"):  # `(await import('@fastify/cors')).default`
        text = text[len("(await") : -1]
    if text in names:
        return names[text]
    for opener in ("require(", "import("):
        named = text[len(opener) : -1].strip("'\"`")
        if text.startswith(opener) and text.endswith(")") and named in _PACKAGES:
            return named
    return None


def cors_plugin_receivers(module: JsModule) -> dict[str, Location]:
    """The instances this module registers the CORS plugin on, each with the first
    `register` call that does."""
    names = _plugin_names(module)
    if not names and not any(package.encode() in module.source for package in _PACKAGES):
        return {}
    found: dict[str, Location] = {}
    for registration in method_calls(module, "register"):
        if registration.arguments and _plugin_package(module, names, registration.arguments[0]) is not None:
            found.setdefault(registration.receiver, module.location(registration.call))
    return found


def fastify_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names = _plugin_names(module)
    if not names and not any(package.encode() in module.source for package in _PACKAGES):
        return []
    policies: list[CorsPolicy] = []
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        prop = function.child_by_field_name("property")
        arguments = list(call_arguments(call))
        if prop is None or module.text(prop) != "register" or not arguments:
            continue
        package = _plugin_package(module, names, arguments[0])
        if package is None:
            continue
        receiver = module.text(unwrap(function.child_by_field_name("object")))
        options = _versioned(module, package, call, arguments)
        if options is None:
            continue  # a fastify-cors major not modelled: CORS003 (extractors.unmodelled)
        branch = arms_around(call)
        # sweep 13 M8: in a plugin without fastify-plugin, its hooks cover none of the app's routes
        encapsulated = encapsulated_cors(module, call, receiver, fastify_routes)
        if (unused := unused_plugin_evidence(module, call, receiver)) is not None:
            encapsulated.append(unused)  # set 21: a plugin module nothing loads sends nothing
        # an origin callback open to every Origin outside production: judged both ways
        variants = (
            picked_options(module, package, call, arguments)
            or unset_stage_variants(module, options[0], list(options[1]))
            or ternary_origin_variants(module, options[0], list(options[1]))
        )
        for variant in variants or [OptionVariant(branch, options[0], list(options[1]))]:
            policies.append(
                CorsPolicy(
                    framework=legacy_framework(options[0]) if package == LEGACY_PACKAGE else "fastify_cors",
                    location=module.location(call),
                    options=variant.options,
                    routes=_with_plugin_routes(module, receiver)
                    or registering_routes(module, call, receiver, fastify_routes)
                    or setup_function_routes(module, call, receiver, fastify_routes),
                    evidence=(*variant.evidence, *encapsulated, *bearer),
                    development_only=is_development_path(module.path) or development_guarded(module, call),
                    label=f"{package} plugin",
                    app=instance_key(module, call, receiver) or f"{module.path}::{receiver}",
                    branch=branch or variant.branch,
                )
            )
    for descriptor, options_node, package in listed_cors_plugins(module, names):
        options = _versioned(
            module, package, descriptor, [descriptor, *([options_node] if options_node else [])]
        )
        if options is None:
            continue
        policies.append(
            CorsPolicy(
                framework=legacy_framework(options[0]) if package == LEGACY_PACKAGE else "fastify_cors",
                location=module.location(descriptor),
                options=options[0],
                evidence=(*options[1], *bearer),
                development_only=is_development_path(module.path),
                label=f"{package} plugin (from a plugin list)",
                app=f"{module.path}::plugin-list",
                branch=arms_around(descriptor),
            )
        )
    return policies


def _versioned(
    module: JsModule, package: str, call: Node, arguments: list[Node]
) -> tuple[dict[str, Value], list[Evidence]] | None:
    """The options `arguments[1]` hands the plugin, with the installed major; None for a
    fastify-cors major corslint does not model."""
    options, evidence = fastify_options(module, arguments[1] if len(arguments) > 1 else None)
    if package != LEGACY_PACKAGE:
        return with_version(module, options, call), evidence
    legacy = legacy_options(module, options, call, arguments)
    return (legacy, evidence) if legacy is not None else None


def picked_options(module: JsModule, package: str, call: Node, arguments: list[Node]) -> list[OptionVariant]:
    """`register(cors, getCorsConfig())`: each options object the helper may return."""
    if package != PACKAGE or len(arguments) < 2:
        return []

    def read(home: JsModule, returned: Node) -> tuple[dict[str, Value], list[Evidence]]:
        options, evidence = fastify_options(home, returned)
        return with_version(module, options, call), evidence

    return helper_return_variants(module, arguments[1], read)


def _with_plugin_routes(module: JsModule, receiver: str) -> tuple[Route, ...] | None:
    """The routes declared here and in the plugins `receiver` registers."""
    routes = (*(fastify_routes(module, receiver) or ()), *plugin_routes(module, receiver, fastify_routes))
    return routes or None


def fastify_routes(module: JsModule, receiver: str) -> tuple[Route, ...] | None:
    """The routes `receiver` serves in this module (`get(path, ...)`, `route({method, url})`);
    None when it declares none here (they live in plugins corslint does not follow)."""
    routes: list[Route] = []
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        if module.text(unwrap(function.child_by_field_name("object"))) != receiver:
            continue
        verb = module.text(function.child_by_field_name("property"))
        arguments = list(call_arguments(call))
        if verb in _ROUTE_VERBS and len(arguments) >= 2:
            path = string_value(arguments[0])
            if path is not None:
                routes.append(Route(path, _ROUTE_VERBS[verb], module.location(call)))
        elif verb == "route" and len(arguments) == 1:
            described = module.resolve(arguments[0])
            if not (described.known and isinstance(described.raw, dict)):
                continue
            method, url = described.raw.get("method"), described.raw.get("url")
            methods = method.plain() if method is not None and method.known else None
            if isinstance(methods, str):
                methods = (methods,)
            if isinstance(methods, tuple) and all(isinstance(m, str) for m in methods):
                path = url.raw if url is not None and isinstance(url.raw, str) else "?"
                routes.append(Route(path, tuple(m.upper() for m in methods), module.location(call)))
    return tuple(routes) or None


def fastify_options(module: JsModule, argument: Node | None) -> tuple[dict[str, Value], list[Evidence]]:
    """The options handed to @fastify/cors, as the package names them."""
    if argument is None:
        return {}, []
    node = unwrap(argument)
    if module.function_node(node) is not None:  # options made from the instance at register time
        return {"**": module.unknown(node)}, []
    value = module.resolve(node)
    if not value.known:
        return {"**": value}, []
    if value.raw is None:
        return {}, []
    if not isinstance(value.raw, dict):
        return {"**": module.unknown(node)}, []
    # options written in another module are reported there, as for the cors package
    options, evidence = sorted_options(
        module, value.raw, module.location(node), _NAMES, options_homes(module, value)
    )
    delegator = options.pop("delegator", None)
    if delegator is None:
        return options, evidence
    chosen = _delegated(module, delegator)
    if chosen is None:
        return {"**": delegator}, evidence
    inner, style = chosen
    inner_options, inner_evidence = sorted_options(module, inner, delegator.location, _NAMES)
    inner_options.pop("delegator", None)
    hook = {"hook": options["hook"]} if "hook" in options else {}
    marker = Value(style, delegator.location, description="a delegator choosing the options per request")
    return {**inner_options, **hook, "delegator": marker}, evidence + inner_evidence


def _classified(module: JsModule, value: Value) -> Value:
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    function = function_of_value(module, value)
    if function is None:  # written in the module that exports the options (0Sammy/tradeLave)
        found = written_function(module, value)
        if found is None:
            return value
        module, function = found
    parameters = parameter_names(module, function)
    if len(parameters) >= 2:
        classified = classify_origin_function(module, function)
    elif len(parameters) == 1 and _is_async(module, function):
        origin = parameters[0]
        classified = classify_returns(
            module, function, {"true", origin}, _REFUSALS, {origin}, boolean_answers=True
        )
    else:
        return value
    return Value(
        classified, value.location, value.provenance, value.env_var, value.description, value.related
    )


def _is_async(module: JsModule, function: Node) -> bool:
    return module.text(function).lstrip().startswith("async")


def _delegated(module: JsModule, delegator: Value) -> tuple[dict[str, Value], str] | None:
    """The one options object a delegator hands over, and how (`callback` / `promise`)."""
    function = function_of_value(module, delegator)
    if function is None:
        return None
    parameters = parameter_names(module, function)
    answers: list[Node] = []
    if len(parameters) == 2:
        style = "callback"
        for node in walk(function):
            callee = node.child_by_field_name("function") if node.type == "call_expression" else None
            if callee is not None and module.text(callee) == parameters[1]:
                named = list(call_arguments(node))
                if len(named) != 2 or module.text(unwrap(named[0])) not in {"null", "undefined"}:
                    return None
                answers.append(named[1])
    elif len(parameters) == 1 and _is_async(module, function):
        style = "promise"
        body = function.child_by_field_name("body")
        if body is not None and body.type != "statement_block":
            answers.append(body)
        else:
            for node in walk(function):
                if node.type == "return_statement" and node.named_children:
                    answers.append(node.named_children[0])
    else:
        return None
    if len(answers) != 1:
        return None
    answer = unwrap(answers[0])
    if answer.type == "identifier" and module.assignments.get(module.text(answer)):
        return None  # an object changed per request (`options.origin = true`)
    value = module.resolve(answer)
    if not (value.known and isinstance(value.raw, dict)):
        return None
    return value.raw, style


# read after `_classified` is defined: how an `origin` option of this package is read
_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "@fastify/cors", "the package's default", _classified)
