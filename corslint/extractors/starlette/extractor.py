"""FastAPI / Starlette ``CORSMiddleware`` configurations, read with `ast`."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import EMPTY_SCOPE, PythonModule, is_development_path, seen_from
from corslint.extractors.python.app_layers import layer_of, value_in_development_arm
from corslint.extractors.python.call_options import expanded_options, keyword_locations, unknown_options
from corslint.extractors.python.enabling_switches import enabling_switches
from corslint.extractors.python.flow import parameter_names
from corslint.extractors.python.options_objects import options_object
from corslint.extractors.python.unused_functions import never_used
from corslint.extractors.starlette.arguments import Argument, arguments_of
from corslint.extractors.starlette.reexports import reexported
from corslint.extractors.starlette.routes import (
    APP_CLASSES,
    application_routes,
    bearer_evidence,
    helper_caller_routes,
)
from corslint.extractors.starlette.splatted_class import splatted_cors_class, without_class_key
from corslint.extractors.starlette.statement_arms import other_statement_arm
from corslint.extractors.starlette.ternary_arms import other_arm
from corslint.model import CorsPolicy, Extraction, Provenance, Value

NEEDLES = (b"CORSMiddleware", b"add_middleware(**")

CORS_CLASSES = frozenset(
    {"fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"}
)
CORS_MODULES = frozenset(name.rsplit(".", 1)[0] for name in CORS_CLASSES)
CORS_CLASS_NAME = "CORSMiddleware"
MIDDLEWARE_WRAPPERS = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
# CORSMiddleware.__init__'s parameters after `app`, for positional arguments
POSITIONAL = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "allow_private_network",
    "expose_headers",
    "max_age",
)
PARAMETERS = frozenset({"app", *POSITIONAL})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    routes = application_routes(module)
    evidence = tuple(bearer_evidence(module))
    lists = _middleware_lists(module)
    for call in module.calls:
        options_call = _cors_options(module, call)
        if options_call is None:
            continue
        arguments, skip_positional = options_call
        options = _read_options(module, arguments, skip_positional)
        unknown = tuple(
            unknown_options(options, PARAMETERS, "CORSMiddleware", keyword_locations(module, call))
        )
        receiver, receiver_node = _receiver(module, call, lists)
        if _in_unused_helper(module, call, receiver_node, context):
            continue  # `def setup_cors(app): app.add_middleware(...)` that nothing calls
        layer = layer_of(module, call, receiver, receiver_node)
        arms = other_arm(module, arguments, options) or other_statement_arm(module, call, arguments, options)
        variants = [(options, "")] if arms is None else [(options, arms[2]), (arms[0], arms[1])]
        switches = enabling_switches(module, call)  # "when CORS_ENABLED is set"
        objects = tuple(  # `**cors_settings`: where a missing option would be written
            e for a in arguments if a.star == "**" for e in options_object(a.value, module.resolve(a.value))
        )
        for variant, arm in variants:
            policies.append(
                CorsPolicy(
                    framework="starlette",
                    location=module.location(call),
                    options=variant,
                    routes=routes
                    if routes is not None
                    else helper_caller_routes(module, receiver_node, context.shared),
                    evidence=evidence + unknown + switches + objects,
                    development_only=is_development_path(path)
                    or layer.development_only
                    or value_in_development_arm(module, variant.get("allow_origins")),
                    app=layer.app,
                    branch="/".join(part for part in (layer.branch, arm) if part),
                )
            )
    return Extraction(policies=tuple(policies))


def _in_unused_helper(
    module: PythonModule, call: ast.Call, receiver: ast.expr | None, context: ProjectContext
) -> bool:
    """The layer is added to a parameter of a module-level function nothing uses."""
    if not isinstance(receiver, ast.Name):
        return False
    function = module.enclosing_function(call)
    return (
        isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        and receiver.id in parameter_names(function)
        and never_used(module, function, context)
    )


def _receiver(module: PythonModule, call: ast.Call, lists: dict[int, str]) -> tuple[str, ast.expr | None]:
    """What the layer is attached to: `X` of `X.add_middleware`, the app whose
    `middleware=[...]` list a `Middleware(...)` stands in (or the list itself), or the app
    `CORSMiddleware(app, ...)` wraps."""
    if isinstance(call.func, ast.Attribute) and call.func.attr == "add_middleware":
        return module.source(call.func.value), call.func.value
    if id(call) in lists:
        return lists[id(call)], None
    if call.args or call.keywords:
        return f"wrap {module.source(arguments_of(call)[0].value)}", None
    return "", None


def _middleware_lists(module: PythonModule) -> dict[int, str]:
    """id of each call written as an element of a list literal -> what the list is
    attached to: the name an app made with `middleware=[...]` is bound to (so that a later
    `app.add_middleware(...)` meets it), else the list's line."""
    found = {
        id(element): f"list@{node.lineno}"
        for node in module.nodes
        if isinstance(node, ast.List)
        for element in node.elts
        if isinstance(element, ast.Call)
    }
    for node in module.nodes:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and (module.qualified_name(node.value.func) or "") in APP_CLASSES
        ):
            continue
        listed = next((k.value for k in node.value.keywords if k.arg == "middleware"), None)
        if isinstance(listed, ast.Name):
            bound = module.lookup(listed.id, listed, EMPTY_SCOPE)
            listed = bound.node if bound.kind == "value" and isinstance(bound.node, ast.List) else None
        if isinstance(listed, ast.List):
            for element in listed.elts:
                if isinstance(element, ast.Call):
                    found[id(element)] = node.targets[0].id
    return found


def _is_cors_class(module: PythonModule, node: ast.expr, depth: int = 0) -> bool:
    """`CORSMiddleware` by its import or module path; a local name bound to it
    (`layer = CORSMiddleware`); or, in a fragment that never imports it, the bare name
    (only Starlette's `add_middleware(cls, **options)` and `Middleware(cls, ...)` take a
    class named so with its options beside it)."""
    qualified = module.qualified_name(node) or ""
    if qualified in CORS_CLASSES or reexported(module, qualified, CORS_CLASSES):
        return True
    if not isinstance(node, ast.Name) or depth > 2:
        return False
    found = module.lookup(node.id, node, EMPTY_SCOPE)
    if found.kind == "value" and isinstance(found.node, (ast.Name, ast.Attribute)):
        return _is_cors_class(module, found.node, depth + 1)
    return node.id == CORS_CLASS_NAME and found.kind == "module" and _never_bound(module, node.id)


def _never_bound(module: PythonModule, name: str) -> bool:
    """Nothing in the module binds `name` (no import, class, assignment or parameter) and
    no star import of another module could bring it."""
    if any(
        qualified.endswith(".*") and qualified[:-2] not in CORS_MODULES for qualified in _star_imports(module)
    ):
        return False
    for node in ast.walk(module.tree):  # rare: only for a bare, unimported class name
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return False
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return False
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[-1]) == name:
            return False
        if isinstance(node, ast.arg) and node.arg == name:
            return False
    return True


def _star_imports(module: PythonModule) -> list[str]:
    return [
        f"{'.' * node.level}{node.module or ''}.*"
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]


def _cors_options(module: PythonModule, call: ast.Call) -> tuple[list[Argument], int] | None:
    """The call's arguments that configure CORSMiddleware, and how many positionals to skip."""
    qualified = module.qualified_name(call.func) or ""
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    wraps = isinstance(call.func, ast.Attribute) and call.func.attr == "add_middleware"
    if wraps or qualified in MIDDLEWARE_WRAPPERS:
        if positional and _is_cors_class(module, positional[0]):
            return arguments_of(call), 1
        named = next((k for k in call.keywords if k.arg in {"middleware_class", "cls"}), None)
        if not positional and named is not None and _is_cors_class(module, named.value):
            # `add_middleware(middleware_class=CORSMiddleware, ...)`
            return [a for a in arguments_of(call) if a.keyword != named.arg], 0
        if not positional and named is None and wraps and splatted_cors_class(module, call, _is_cors_class):
            return arguments_of(call), 0  # `add_middleware(**config)`, config naming the class
        return None
    if qualified in CORS_CLASSES and _wraps_an_app(module, call):
        return arguments_of(call), 1
    return None


def _wraps_an_app(module: PythonModule, call: ast.Call) -> bool:
    """`CORSMiddleware(app, ...)` wraps an ASGI app; a call given no app would raise in
    Starlette, so it is a project class of the same name (`class CORSMiddleware:` later in
    the module rebinds the import), not a layer."""
    if isinstance(call.func, ast.Name) and any(
        isinstance(node, ast.ClassDef) and node.name == call.func.id for node in module.tree.body
    ):
        return False
    return bool(call.args) or any(k.arg in {"app", None} for k in call.keywords)


def _read_options(module: PythonModule, arguments: list[Argument], skip: int) -> dict[str, Value]:
    options: dict[str, Value] = {}
    index = 0
    for arg in arguments:
        if arg.star == "**":
            expanded = module.resolve(arg.value)
            if expanded.known and isinstance(expanded.raw, dict):
                expanded_here = expanded_options(module, expanded, module.location(arg.value))
                options.update(without_class_key(expanded_here) if skip == 0 else expanded_here)
            else:
                why = expanded.description or module.source(arg.value)
                options["**"] = Value(None, module.location(arg.value), Provenance.UNKNOWN, description=why)
            continue
        if arg.star == "*":
            options["*"] = Value(
                None, module.location(arg.value), Provenance.UNKNOWN, description=module.source(arg.value)
            )
            continue
        # a value defined in another module is reported at this argument (RULES.md)
        if arg.keyword is not None:
            options[arg.keyword] = seen_from(module.resolve(arg.value), module, module.location(arg.value))
            continue
        if index >= skip and index - skip < len(POSITIONAL):
            options[POSITIONAL[index - skip]] = seen_from(
                module.resolve(arg.value), module, module.location(arg.value)
            )
        index += 1
    return options
