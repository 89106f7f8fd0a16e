"""Policies from the ``cors`` package: one per ``cors(...)`` call, with where and in which
order it is registered, and option objects that never reach a ``cors()`` call."""

from __future__ import annotations

from functools import partial

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.cors_after_routes import AFTER_EVERY_ROUTE, after_every_route
from corslint.extractors.express.cors_helper_variants import cors_helper_variants
from corslint.extractors.express.delegate_variants import delegate_option_variants
from corslint.extractors.express.ended_scopes import scope_answered
from corslint.extractors.express.exported_instances import imported_nowhere, module_level_export
from corslint.extractors.express.imported_app_covered import imported_app_covered
from corslint.extractors.express.imported_app_key import imported_app_key
from corslint.extractors.express.imported_app_order import imported_app_misordered, setup_misordered
from corslint.extractors.express.layer_gates import layer_gates
from corslint.extractors.express.mounted_router_cors import outer_cors_app
from corslint.extractors.express.next_unused_instances import unused_next_instance
from corslint.extractors.express.option_variants import OptionVariant, option_variants
from corslint.extractors.express.options import CLOSE_NAMES, cors_options, option_map
from corslint.extractors.express.pushed_list_variants import pushed_list_variants
from corslint.extractors.express.registrations import (
    ROUTE_METHODS,
    Analysis,
    app_key,
    is_cors_call,
    may_call_cors,
    registration_of,
)
from corslint.extractors.express.routes import misordered, preflight_unrouted, probe_path_for, routes_of
from corslint.extractors.express.ternary_variants import ternary_origin_variants
from corslint.extractors.express.unexported_options import unexported_options
from corslint.extractors.express.unset_stage import unset_stage_variants
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import WRAPPERS, Node, unwrap
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Route


def cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    policies: list[CorsPolicy] = []
    used_options: set[str] = set()
    for node in module.of_kind("call_expression", *WRAPPERS) if may_call_cors(analysis) else []:
        if not is_cors_call(analysis, node):
            continue
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        if arguments and unwrap(arguments[0]).type == "identifier":
            used_options.add(module.text(unwrap(arguments[0])))
        options, options_evidence = cors_options(module, node, arguments)
        evidence = [*options_evidence, *unexported_options(module, arguments)]
        registration, via = registration_of(analysis, node)
        evidence += list(bearer)
        scope = ""
        probe_path = "/"
        app = branch = ""
        route_level = False
        routes = routes_of(analysis, registration)
        if registration is not None:
            if registration.method == "use":
                app = (
                    outer_cors_app(analysis, registration)
                    or imported_app_key(module, registration.receiver)
                    or app_key(module, registration)
                )
                branch = arms_around(registration.call)
                if registration.path and registration.path not in {"/", "*", "/*"}:
                    scope = registration.path
                    probe_path = probe_path_for(registration.path)
                    answered = scope_answered(analysis, registration, node)
                    evidence += [answered] if answered is not None else []
                evidence += after_every_route(  # sweep 12 X2: nothing comes after it
                    analysis,
                    registration,
                    misordered(analysis, registration)
                    or imported_app_misordered(analysis, registration)
                    or setup_misordered(analysis, registration),
                )
                evidence += layer_gates(analysis, registration)  # sweep 13 W1, W5
                if not any(e.kind == AFTER_EVERY_ROUTE for e in evidence):  # sweep 13 W2
                    evidence += imported_app_covered(analysis, registration)
            else:
                route_level = True
                scope = registration.path or ""
                probe_path = probe_path_for(registration.path or "/")
                evidence += preflight_unrouted(analysis, node, via)
                routes = _mounted_routes(analysis, node, via)
        elif not exported(module, node, via) and not _invoked_in_place(node):
            evidence.append(
                Evidence(
                    "not-applied",
                    "this cors() middleware is created but never registered with `app.use` or a "
                    "route, so it sends no CORS headers",
                    module.location(node),
                    whole_layer=True,
                )
            )
        elif module_level_export(module, node, via) and imported_nowhere(module):
            evidence.append(
                Evidence(
                    "not-applied",
                    "this cors() middleware is exported, but no module of the project imports it, so "
                    "it sends no CORS headers",
                    module.location(node),
                    whole_layer=True,
                )
            )
        elif (unused := unused_next_instance(module, node)) is not None:  # a Next.js helper module
            evidence.append(unused)
        variants = (
            (
                option_variants(module, node, arguments[0], partial(cors_options, module, node, arguments))
                or delegate_option_variants(module, arguments[0])  # `cors(delegate)` with `if` arms
                or cors_helper_variants(module, arguments[0])  # `cors(getCorsOptions())`, a return each
                or unset_stage_variants(module, options, options_evidence)  # open without NODE_ENV
                or ternary_origin_variants(module, options, options_evidence)  # `live ? /re/ : "*"`
                or pushed_list_variants(module, options, options_evidence)  # `if (x) list.push(...)`
            )
            if arguments
            else []
        )
        for variant in variants or [OptionVariant(branch, options, [])]:
            policies.append(
                CorsPolicy(
                    framework="express",
                    location=module.location(node),
                    options=variant.options,
                    routes=routes,
                    evidence=tuple(
                        evidence if not variants else [*variant.evidence, *evidence[len(options_evidence) :]]
                    ),
                    development_only=is_development_path(module.path) or development_guarded(module, node),
                    label="cors() middleware",
                    scope=scope,
                    probe_path=probe_path,
                    app=app,
                    branch=variant.branch if variants and not branch else branch,
                    route_level=route_level,
                )
            )
    if analysis.cors_names:  # an options-shaped object elsewhere may belong to another library
        policies += _unused_options(analysis, used_options, bearer)
    return policies


def _mounted_routes(analysis: Analysis, call: Node, via: str | None) -> tuple[Route, ...]:
    """The routes a cors() mounted on routes' own methods covers (`app.get(p, cors(), h)`)."""
    module = analysis.module
    uses = [analysis.mounted.get(call.id)]
    if via:
        uses += [analysis.mounted.get(reference.id) for reference in module.references(via)]
    routes = []
    for registration in uses:
        if registration is None:
            continue
        verb = registration.method.split(":")[-1]
        methods = ROUTE_METHODS.get(verb, (verb.upper(),)) + (("HEAD",) if verb == "get" else ())
        routes.append(Route(registration.path or "?", methods, module.location(registration.call)))
    return tuple(routes)


def exported(module: JsModule, call: Node, name: str | None) -> bool:
    """The middleware leaves this module (exported, returned, or passed on), so another
    file registers it."""
    node = call.parent
    while node is not None:
        if node.type in {"export_statement", "return_statement", "arguments", "pair", "array"}:
            return True
        if node.type == "assignment_expression" and "exports" in module.text(
            node.child_by_field_name("left")
        ):
            return True
        if node.type in {"arrow_function"} and node.child_by_field_name("body") is not None:
            body = node.child_by_field_name("body")
            if body is not None and body.type != "statement_block":
                return True
        if node.type in {"expression_statement", "lexical_declaration", "variable_declaration"}:
            if node.parent is not None and node.parent.type == "export_statement":
                return True  # `export const corsMiddleware = cors(options)`
            break
        node = node.parent
    if name:
        for reference in module.references(name):
            parent = reference.parent
            if parent is not None and parent.type != "variable_declarator":
                return True
    return False


def _unused_options(analysis: Analysis, used: set[str], bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    """Option objects that look like cors options but reach no cors() call."""
    module = analysis.module
    policies = []
    for name, values in module.declarations.items():
        if name in used or len(values) != 1:
            continue
        node = unwrap(values[0])
        if node.type != "object":
            continue
        value = module.resolve(node)
        if not isinstance(value.raw, dict) or "origin" not in value.raw:
            continue
        if not set(value.raw) <= OPTION_NAMES | CLOSE_NAMES.keys() or not (
            "cors" in name.lower() or len(value.raw) >= 2
        ):
            continue
        if module.references(name) or _exported_name(module, name):
            continue
        options, evidence = option_map(module, value, node)
        declarator = values[0].parent
        policies.append(
            CorsPolicy(
                framework="express",
                location=module.location(declarator),
                options=options,
                evidence=(
                    *evidence,
                    Evidence(
                        "not-applied",
                        f"`{name}` holds cors options but is never passed to cors(), so it has no effect",
                        module.location(declarator),
                        whole_layer=True,
                    ),
                    *bearer,
                ),
                development_only=is_development_path(module.path),
                label=f"unused cors options {name}",
            )
        )
    return policies


def _exported_name(module: JsModule, name: str) -> bool:
    for child in module.root.named_children:
        if child.type == "export_statement" and name in module.text(child).split("=")[0]:
            return True
    return False


def _invoked_in_place(node: Node) -> bool:
    """`cors(options)(req, res, next)` inside a registered middleware (AbhiAk49/contact-backend
    `src/middlewares/cors.js`): the middleware is used where it is made."""
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and parent.child_by_field_name("function") == node
    )
