"""Express: the ``cors`` package's middleware and hand-written Access-Control-* headers.

Read with tree-sitter (see ``js_source``). For each ``cors(...)`` call the extractor finds
the options (a literal, a const object, an imported config module, node-config), where the
middleware is registered (``app.use``, ``app.use("/api", ...)``, ``router.use``, a route's
own middleware, ``app.options``) and in which order relative to the routes. Functions
that write ``Access-Control-*`` headers themselves become ``express_headers`` policies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from corslint.extractors import ProjectContext
from corslint.extractors.js_source import (
    WRAPPERS,
    JsModule,
    JsProject,
    Node,
    is_development_path,
    looks_minified,
    string_value,
    unwrap,
    walk,
)
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import (
    CorsPolicy,
    Evidence,
    Extraction,
    FunctionValue,
    HeaderReflection,
    Location,
    OriginFunction,
    Provenance,
    Route,
    Value,
)

ROUTE_METHODS = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "del": ("DELETE",),
    "head": ("HEAD",),
    "all": ("GET", "POST", "PUT", "PATCH", "DELETE"),
}
REGISTRATIONS = frozenset({"use", "options", *ROUTE_METHODS})
HEADER_WRITERS = {"set": "set", "header": "set", "setHeader": "setHeader", "append": "append"}
BEARER_PACKAGES = (
    "express-jwt",
    "passport-jwt",
    "express-oauth2-jwt-bearer",
    "jsonwebtoken",
    "express-bearer-token",
)
DATA_SUFFIXES = (".json", ".yaml", ".yml", ".toml")
_DEV_CONDITION = re.compile(r"development|\bdev\b|isDev|DEBUG|local", re.IGNORECASE)
_CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "allowedOrigin": "origin",
    "credential": "credentials",
    "allowCredentials": "credentials",
    "withCredentials": "credentials",
    "allowHeaders": "allowedHeaders",
    "allowedHeader": "allowedHeaders",
    "exposeHeaders": "exposedHeaders",
    "exposedHeader": "exposedHeaders",
    "allowMethods": "methods",
    "method": "methods",
    "maxage": "maxAge",
    "max_age": "maxAge",
}


def project_of(context: ProjectContext) -> JsProject:
    project = context.shared.get("js_project")
    if not isinstance(project, JsProject):
        project = JsProject(context)
        context.shared["js_project"] = project
    return project


@dataclass
class Registration:
    """One `recv.method(...)` call that mounts middleware or routes."""

    call: Node
    receiver: str
    method: str  # use, get, post ..., or "route:<method>"
    path: str | None
    arguments: list[Node]


@dataclass
class Analysis:
    """What one JS/TS module registers: the names bound to cors, and its middleware."""

    module: JsModule
    cors_names: set[str] = field(default_factory=set)
    registrations: list[Registration] = field(default_factory=list)
    mounted: dict[int, Registration] = field(default_factory=dict)  # argument node id -> registration

    @property
    def path(self) -> str:
        return self.module.path


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if looks_minified(text):  # a bundle: its source, if in the tree, is read instead
        lines = text.count("\n") + 1
        return Extraction(
            skipped=f"not analysed: it looks minified ({len(text):,} characters in {lines:,} "
            "line(s)); lint the source it was built from"
        )
    project = project_of(context)
    module = project.module(path, text, Path(path))
    analysis = Analysis(module)
    _find_cors_names(analysis)
    _find_registrations(analysis)
    bearer = tuple(_bearer_evidence(module))
    policies: list[CorsPolicy] = []
    policies += _cors_policies(analysis, bearer)
    policies += _handwritten_policies(analysis, bearer)
    return Extraction(policies=tuple(policies))


# -- what names mean ---------------------------------------------------------------


def _find_cors_names(analysis: Analysis) -> None:
    for local, (specifier, exported) in analysis.module.imports.items():
        if specifier == "cors" and exported in {"*", "default"}:
            analysis.cors_names.add(local)


def _is_cors_call(analysis: Analysis, node: Node) -> bool:
    if node.type != "call_expression" and node.type not in WRAPPERS:
        return False
    node = unwrap(node)
    if node.type != "call_expression":
        return False
    function = unwrap(node.child_by_field_name("function"))
    if function is None:
        return False
    text = analysis.module.text(function).replace(" ", "")
    names = analysis.cors_names
    if text in names or (text.endswith(".default") and text[: -len(".default")] in names):
        return True
    return text.startswith("require(") and text.endswith(")") and text[8:-1].strip("'\"`") == "cors"


def _find_registrations(analysis: Analysis) -> None:
    module = analysis.module
    for node in module.of_kind("call_expression"):
        function = unwrap(node.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        prop = function.child_by_field_name("property")
        method = module.text(prop) if prop is not None else ""
        if method not in REGISTRATIONS:
            continue
        holder = unwrap(function.child_by_field_name("object"))
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        route_path: str | None = None
        receiver = module.text(holder)
        if holder.type == "call_expression":
            inner = unwrap(holder.child_by_field_name("function"))
            inner_args = holder.child_by_field_name("arguments")
            if inner is not None and inner.type == "member_expression":
                inner_prop = inner.child_by_field_name("property")
                if inner_prop is not None and module.text(inner_prop) == "route" and inner_args is not None:
                    named = [c for c in inner_args.named_children if c.type != "comment"]
                    route_path = string_value(named[0]) if named else None
                    receiver = module.text(unwrap(inner.child_by_field_name("object")))
                    method = f"route:{method}"
                elif inner_prop is not None and module.text(inner_prop) in REGISTRATIONS:
                    continue  # chained app.use(a).use(b): rare; the inner call is found on its own
        elif holder.type not in {"identifier", "member_expression", "this"}:
            continue
        if route_path is None and arguments:
            first = string_value(arguments[0])
            if first is not None:
                route_path = first
                arguments = arguments[1:]
            elif unwrap(arguments[0]).type in {"array", "regex"}:
                route_path = module.text(arguments[0])
                arguments = arguments[1:]
        if method == "get" and len(arguments) == 0:
            continue  # app.get("setting")
        registration = Registration(node, receiver, method, route_path, arguments)
        analysis.registrations.append(registration)
        for argument in arguments:
            analysis.mounted[unwrap(argument).id] = registration


# -- cors() policies -----------------------------------------------------------------


def _cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    policies: list[CorsPolicy] = []
    used_options: set[str] = set()
    for node in module.of_kind("call_expression", *WRAPPERS):
        if not _is_cors_call(analysis, node):
            continue
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        if arguments and unwrap(arguments[0]).type == "identifier":
            used_options.add(module.text(unwrap(arguments[0])))
        options, evidence = _options(module, node, arguments)
        registration, via = _registration_of(analysis, node)
        evidence += list(bearer)
        scope = ""
        probe_path = "/"
        app = branch = ""
        route_level = False
        if registration is not None:
            if registration.method == "use":
                app = f"{module.path}::{registration.receiver}"
                branch = _arms(registration.call)
                if registration.path and registration.path not in {"/", "*", "/*"}:
                    scope = registration.path
                    probe_path = _probe_path(registration.path)
                evidence += _misordered(analysis, registration)
            else:
                route_level = True
                scope = registration.path or ""
                probe_path = _probe_path(registration.path or "/")
                evidence += _preflight_unrouted(analysis, node, via)
        elif not _exported(module, node, via):
            evidence.append(
                Evidence(
                    "not-applied",
                    "this cors() middleware is created but never registered with `app.use` or a "
                    "route, so it sends no CORS headers",
                    module.location(node),
                )
            )
        policies.append(
            CorsPolicy(
                framework="express",
                location=module.location(node),
                options=options,
                routes=_routes(analysis, registration),
                evidence=tuple(evidence),
                development_only=is_development_path(module.path) or _development_guarded(module, node),
                label="cors() middleware",
                scope=scope,
                probe_path=probe_path,
                app=app,
                branch=branch,
                route_level=route_level,
            )
        )
    if analysis.cors_names:  # an options-shaped object elsewhere may belong to another library
        policies += _unused_options(analysis, used_options, bearer)
    return policies


def _preflight_unrouted(analysis: Analysis, call: Node, via: str | None) -> list[Evidence]:
    """`app.put("/x", cors(), handler)` with no cors() answering `OPTIONS /x`: express
    answers the preflight itself, without CORS headers, so the PUT is never sent."""
    module = analysis.module
    uses = [analysis.mounted.get(call.id)]
    if via:
        uses += [analysis.mounted.get(reference.id) for reference in module.references(via)]
    for registration in uses:
        if registration is None:
            continue
        verb = registration.method.split(":")[-1]
        if verb not in {"put", "patch", "delete", "del"}:
            continue
        path = registration.path or "/"
        covered = any(
            other.receiver == registration.receiver
            and other.call.start_byte < registration.call.start_byte
            and (
                (other.method == "options" and (other.path == path or _covers_every_path(other.path)))
                or (other.method == "use" and (not other.path or path.startswith(other.path)))
            )
            and any(_is_cors_middleware(analysis, argument) for argument in other.arguments)
            for other in analysis.registrations
        )
        if not covered:
            return [
                Evidence(
                    "misordered",
                    f"cors() is applied to {verb.upper()} {path} only: the browser's preflight "
                    f"(OPTIONS {path}) never reaches it and express answers it without CORS "
                    f"headers, so the {verb.upper()} is never sent; register "
                    f"`app.options('{path}', cors(...))` before it",
                    module.location(registration.call),
                )
            ]
    return []


def _is_cors_middleware(analysis: Analysis, node: Node) -> bool:
    node = unwrap(node)
    if _is_cors_call(analysis, node):
        return True
    if node.type == "identifier":
        bound = analysis.module.binding(analysis.module.text(node))
        return bound is not None and _is_cors_call(analysis, bound)
    return False


def _probe_path(path: str) -> str:
    cleaned = path.split("*", 1)[0].split(":", 1)[0].split("(", 1)[0]
    if not cleaned.startswith("/"):
        return "/"
    return cleaned.rstrip("/") + "/x" if cleaned not in {"", "/"} else "/"


def _options(module: JsModule, call: Node, arguments: list[Node]) -> tuple[dict[str, Value], list[Evidence]]:
    if not arguments:
        return {}, []
    argument = unwrap(arguments[0])
    function = module.function_node(argument)
    if function is not None:
        return _delegate_options(module, function, argument)
    value = module.resolve(argument)
    return _option_map(module, value, argument)


def _option_map(module: JsModule, value: Value, argument: Node) -> tuple[dict[str, Value], list[Evidence]]:
    if not value.known:
        return {"**": value}, []
    if value.raw is None:
        return {}, []
    if not isinstance(value.raw, dict):
        return {"**": module.unknown(argument)}, []
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    use = module.location(argument)
    for key, item in value.raw.items():
        item = _located(module, item, use)
        if key == "**":
            options["**"] = item
        elif key in OPTION_NAMES:
            if key == "origin":
                item = _classified_origin(module, item)
            options[key] = item
        else:
            suggestion = _CLOSE_NAMES.get(key) or _CLOSE_NAMES.get(key.lower())
            hint = f" (did you mean `{suggestion}`?)" if suggestion else ""
            evidence.append(
                Evidence(
                    "unknown-option",
                    f"`{key}` is not an option of the cors package{hint}; it is ignored and the "
                    "package's default applies",
                    item.location,
                )
            )
    return options, evidence


def _located(module: JsModule, value: Value, use: Location) -> Value:
    """Values from another JS module are reported where the options are used; config
    files keep their own lines."""
    if value.location.path == module.path or value.location.path.endswith(DATA_SUFFIXES):
        return value
    return Value(
        value.raw, use, value.provenance, value.env_var, value.description, (value.location, *value.related)
    )


def _delegate_options(
    module: JsModule, function: Node, argument: Node
) -> tuple[dict[str, Value], list[Evidence]]:
    """`cors((req, callback) => callback(null, options))`: one options object for every request."""
    parameters = _parameters(module, function)
    if len(parameters) < 2:
        return {"**": module.unknown(argument)}, []
    callback = parameters[1]
    answers: list[Node] = []
    for node in walk(function):
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None and module.text(callee) == callback:
                args = node.child_by_field_name("arguments")
                named = [c for c in args.named_children if c.type != "comment"] if args else []
                if len(named) >= 2:
                    answers.append(named[1])
    if len(answers) != 1:
        return {"**": module.unknown(argument)}, []
    answer = unwrap(answers[0])
    if answer.type == "identifier" and module.binding(module.text(answer)) is None:
        chosen = _options_chosen_by_origin(module, function, parameters[0], module.text(answer))
        if chosen is not None:
            return chosen
    return _option_map(module, module.resolve(answers[0]), answers[0])


def _options_chosen_by_origin(
    module: JsModule, function: Node, request: str, name: str
) -> tuple[dict[str, Value], list[Evidence]] | None:
    """The cors README's delegate: `options = {origin: true}` when the request's Origin is
    in an allow-list, `{origin: false}` otherwise; the same as an allow-list origin function."""
    assignments = [
        node
        for node in walk(function)
        if node.type == "assignment_expression" and module.text(node.child_by_field_name("left")) == name
    ]
    if len(assignments) != 2:
        return None
    branches: dict[bool, dict[str, Value]] = {}
    test_node = None
    for assignment in assignments:
        guard = _guarding_condition(assignment, function)
        value = module.resolve(assignment.child_by_field_name("right"))
        if guard is None or not (value.known and isinstance(value.raw, dict)):
            return None
        test_node = guard[0]
        branches[guard[1]] = dict(value.raw)
    if set(branches) != {True, False} or test_node is None:
        return None
    allowed_origin = branches[True].pop("origin", None)
    refused_origin = branches[False].pop("origin", None)
    if allowed_origin is None or refused_origin is None or allowed_origin.raw is not True:
        return None
    if refused_origin.raw is not False or {k: v.raw for k, v in branches[True].items()} != {
        k: v.raw for k, v in branches[False].items()
    }:
        return None
    for spelling in (f"{request}.header('Origin')", f"{request}.headers.origin", f"{request}.get('Origin')"):
        for candidate in (spelling, spelling.replace("'", '"'), spelling.replace("Origin", "origin")):
            found = _membership(module, test_node, candidate, True)
            if found is not None:
                entries, admits_missing = found
                origin = Value(
                    OriginFunction(
                        "allow-list", tuple(entries), no_origin="allow" if admits_missing else "reject"
                    ),
                    allowed_origin.location,
                    description="options chosen per request by the Origin header",
                )
                options, evidence = _option_map(
                    module, Value(branches[True], module.location(function)), function
                )
                return {"origin": origin, **options}, evidence
    return None


def _parameters(module: JsModule, function: Node) -> list[str]:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        single = function.child_by_field_name("parameter")
        return [module.text(single)] if single is not None else []
    names = []
    for parameter in parameters.named_children:
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            target = parameter.child_by_field_name("pattern") or parameter
        names.append(module.text(target))
    return names


# -- origin functions ------------------------------------------------------------------


def _classified_origin(module: JsModule, value: Value) -> Value:
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    node = _node_at(module, value.location)
    function = module.function_node(node) if node is not None else None
    if function is None:
        return value
    classified = classify_origin_function(module, function)
    return Value(
        classified, value.location, value.provenance, value.env_var, value.description, value.related
    )


def _node_at(module: JsModule, location: Location) -> Node | None:
    if location.path != module.path:
        return None
    point = (location.line - 1, 0)
    for node in module.nodes:
        if node.start_point[0] == point[0] and module.location(node) == location:
            return node
    return None


def classify_origin_function(module: JsModule, function: Node) -> FunctionValue:
    """What `origin: (origin, callback) => ...` allows, judged from its code.

    reflect-all: the callback always gets `true` (or the origin itself); allow-list: it gets
    `true` only after a membership test (`includes`, `indexOf`, `===`, `Set.has`, a regex
    `test`) against values the resolver can read; anything else is unknown."""
    parameters = _parameters(module, function)
    if len(parameters) < 2:
        return FunctionValue("unknown")
    origin_name, callback = parameters[0], parameters[1]
    calls: list[tuple[Node, Node | None]] = []
    for node in walk(function):
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None and module.text(callee) == callback:
                args = node.child_by_field_name("arguments")
                named = [c for c in args.named_children if c.type != "comment"] if args else []
                calls.append((node, named[1] if len(named) >= 2 else None))
    if not calls:
        return FunctionValue("unknown")
    verdicts: list[tuple[Node, str]] = []
    for call, answer in calls:
        if answer is None:
            verdicts.append((call, "error" if _first_argument_is_error(module, call) else "false"))
            continue
        text = module.text(unwrap(answer))
        if text == "true" or text == origin_name:
            verdicts.append((call, "allow"))
        elif text in {"false", "null", "undefined"}:
            verdicts.append((call, "false"))
        else:
            return FunctionValue("unknown")
    allowing = [call for call, verdict in verdicts if verdict == "allow"]
    refusing = [verdict for _, verdict in verdicts if verdict != "allow"]
    if allowing and not refusing:
        return FunctionValue("reflect-all")
    if not allowing:
        return FunctionValue("deny-all")
    allowed: list[Value] = []
    no_origin = "reject"
    for call in allowing:
        guard = _guarding_condition(call, function)
        if guard is None:
            return FunctionValue("unknown")
        test, positive = guard
        found = _membership(module, test, origin_name, positive)
        if found is None:
            return FunctionValue("unknown")
        entries, admits_missing = found
        allowed.extend(entries)
        if admits_missing:
            no_origin = "allow"
    on_reject = "error" if "error" in refusing else "false"
    return OriginFunction("allow-list", tuple(allowed), no_origin=no_origin, on_reject=on_reject)


def _first_argument_is_error(module: JsModule, call: Node) -> bool:
    args = call.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    return bool(named) and module.text(unwrap(named[0])) not in {"null", "undefined"}


def _guarding_condition(call: Node, function: Node) -> tuple[Node, bool] | None:
    """The `if` test (or ternary condition) under which `call` runs, and its polarity."""
    node = call
    while node is not None and node != function:
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            if node == consequence:
                return condition, True
            if node.type == "else_clause" or (parent.child_by_field_name("alternative") == node):
                return condition, False
        if parent.type == "ternary_expression":
            condition = parent.child_by_field_name("condition")
            if node == parent.child_by_field_name("consequence"):
                return condition, True
            if node == parent.child_by_field_name("alternative"):
                return condition, False
        node = parent
    return None


def _membership(module: JsModule, test: Node, name: str, positive: bool) -> tuple[list[Value], bool] | None:
    """The entries an allow-list test admits `name` against, and whether a missing Origin passes."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        return _membership(module, test.child_by_field_name("argument"), name, not positive)
    if test.type == "binary_expression":
        operator = module.text(test.child_by_field_name("operator"))
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        if operator == "||" and positive:
            a = _membership(module, left, name, True)
            b = _membership(module, right, name, True)
            if a is None or b is None:
                return None
            return a[0] + b[0], a[1] or b[1]
        if operator == "&&" and positive:
            # `origin && list.includes(origin)`: the presence test adds nothing
            for side, other in ((left, right), (right, left)):
                if module.text(unwrap(side)) == name:
                    found = _membership(module, other, name, True)
                    return (found[0], False) if found is not None else None
            return None
        if (operator in {"===", "=="} and positive) or (operator in {"!==", "!="} and not positive):
            for side, other in ((left, right), (right, left)):
                if module.text(unwrap(side)) == name:
                    if module.text(unwrap(other)) == "undefined":
                        return [], True
                    value = module.resolve(other)
                    return ([value], False) if value.known else None
            index = _index_of(module, left, right, name, operator, positive)
            if index is not None:
                return index
        if operator in {">", ">=", "!==", "!=", "<", "===", "=="}:
            return _index_of(module, left, right, name, operator, positive)
        return None
    if not positive:
        if module.text(test) == name:
            return [], True  # if (!origin) callback(null, true)
        return None
    if test.type == "call_expression":
        function = unwrap(test.child_by_field_name("function"))
        args = test.child_by_field_name("arguments")
        named = [c for c in args.named_children if c.type != "comment"] if args else []
        if function is None or function.type != "member_expression" or not named:
            return None
        method = module.text(function.child_by_field_name("property"))
        if module.text(unwrap(named[0])) != name:
            if method == "some" and len(named) == 1:
                return _some(module, function, named[0], name)
            return None
        holder = module.resolve(function.child_by_field_name("object"))
        if not holder.known:
            return None
        if method in {"includes", "has"} and isinstance(holder.raw, tuple):
            return list(holder.raw), False
        if method == "test":
            return [holder], False
        return None
    return None


def _index_of(
    module: JsModule, left: Node, right: Node, name: str, operator: str, positive: bool
) -> tuple[list[Value], bool] | None:
    """`list.indexOf(origin) !== -1` and its spellings."""
    call, bound = unwrap(left), module.text(unwrap(right)).replace(" ", "")
    if call.type != "call_expression":
        return None
    function = unwrap(call.child_by_field_name("function"))
    args = call.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    if function is None or function.type != "member_expression" or len(named) != 1:
        return None
    if (
        module.text(function.child_by_field_name("property")) != "indexOf"
        or module.text(unwrap(named[0])) != name
    ):
        return None
    admits = {("!==", "-1"), ("!=", "-1"), (">", "-1"), (">=", "0")}
    refuses = {("===", "-1"), ("==", "-1"), ("<", "0")}
    if ((operator, bound) in admits) != positive and ((operator, bound) in refuses) != (not positive):
        return None
    holder = module.resolve(function.child_by_field_name("object"))
    if holder.known and isinstance(holder.raw, tuple):
        return list(holder.raw), False
    return None


def _some(module: JsModule, function: Node, callback: Node, name: str) -> tuple[list[Value], bool] | None:
    """`patterns.some((re) => re.test(origin))`."""
    method = module.text(function.child_by_field_name("property"))
    callback = unwrap(callback)
    if method != "some" or callback.type != "arrow_function":
        return None
    body = unwrap(callback.child_by_field_name("body"))
    if body is None or body.type != "call_expression" or name not in module.text(body):
        return None
    holder = module.resolve(function.child_by_field_name("object"))
    if holder.known and isinstance(holder.raw, tuple):
        return list(holder.raw), False
    return None


# -- wiring ---------------------------------------------------------------------------


def _registration_of(analysis: Analysis, call: Node) -> tuple[Registration | None, str | None]:
    """Where a cors(...) call is mounted: directly, or through a const it is bound to."""
    registration = analysis.mounted.get(call.id)
    if registration is not None:
        return registration, None
    parent = call.parent
    while parent is not None and parent.type in {"parenthesized_expression", "as_expression"}:
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        name_node = parent.child_by_field_name("name")
        name = analysis.module.text(name_node) if name_node is not None else ""
        for reference in analysis.module.references(name):
            registration = analysis.mounted.get(reference.id)
            if registration is not None:
                return registration, name
        return None, name
    return None, None


def _exported(module: JsModule, call: Node, name: str | None) -> bool:
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
            break
        node = node.parent
    if name:
        for reference in module.references(name):
            parent = reference.parent
            if parent is not None and parent.type != "variable_declarator":
                return True
    return False


def _misordered(analysis: Analysis, registration: Registration, what_kind: str = "cors") -> list[Evidence]:
    """Routes of the same app registered before `app.use(cors())`, inside its scope."""
    earlier = []
    for other in analysis.registrations:
        if other.receiver != registration.receiver or other.call.start_byte >= registration.call.start_byte:
            continue
        if other.method.split(":")[-1] not in ROUTE_METHODS and not (
            other.method == "use" and other.path and _has_router(analysis, other)
        ):
            continue
        if other.method == "use" and not _has_router(analysis, other):
            continue
        if registration.path and other.path and not other.path.startswith(registration.path.rstrip("*")):
            continue
        earlier.append(other)
    if not earlier:
        return []
    first = earlier[0]
    verb = first.method.split(":")[-1]
    what = f"the router mounted at {first.path}" if verb == "use" else f"{verb.upper()} {first.path or '/'}"
    line = analysis.module.location(first.call).line
    layer = "cors()" if what_kind == "cors" else "this CORS middleware"
    return [
        Evidence(
            "misordered",
            f"{layer} is registered after routes it should cover ({what} at line {line}): express "
            "runs middleware in registration order, so those routes answer without CORS headers "
            "and their preflights fail",
            analysis.module.location(registration.call),
        )
    ]


def _has_router(analysis: Analysis, registration: Registration) -> bool:
    for argument in registration.arguments:
        node = unwrap(argument)
        if node.type == "identifier" and analysis.module.text(node) in _routers(analysis.module):
            return True
        if node.type == "identifier" and node.type != "call_expression":
            imported = analysis.module.imports.get(analysis.module.text(node))
            if imported is not None and imported[0].startswith("."):
                return True
    return False


def _routers(module: JsModule) -> set[str]:
    names = set()
    for name, values in module.declarations.items():
        value = unwrap(values[0])
        if value.type == "call_expression":
            callee = module.text(value.child_by_field_name("function")).replace(" ", "")
            if callee.endswith("Router") or callee in {"express", "express.default"}:
                names.add(name)
    return names


def _routes(analysis: Analysis, registration: Registration | None) -> tuple[Route, ...] | None:
    """Routes of the module (and of in-tree router modules it mounts); None when unknown."""
    routes = list(_module_routes(analysis.module))
    project = analysis.module.project
    seen = {analysis.module.path}
    for other in analysis.registrations:
        if other.method != "use":
            continue
        for argument in other.arguments:
            node = unwrap(argument)
            if node.type != "identifier" or project is None:
                continue
            imported = analysis.module.imports.get(analysis.module.text(node))
            if imported is None or not imported[0].startswith("."):
                continue
            target = project.resolve_specifier(analysis.module, imported[0])
            if target is None or target.suffix in DATA_SUFFIXES:
                return None
            display = project.display(analysis.module, target)
            if display in seen:
                continue
            seen.add(display)
            loaded = project._load(target, display)
            if loaded is None:
                return None
            prefix = other.path if other.path and other.path.startswith("/") else ""
            for route in _module_routes(loaded):
                routes.append(
                    Route(
                        prefix.rstrip("/") + route.path if prefix else route.path,
                        route.methods,
                        route.location,
                    )
                )
    return tuple(routes) if routes else None


def _module_routes(module: JsModule) -> list[Route]:
    analysis = Analysis(module)
    _find_registrations(analysis)
    routes = []
    for registration in analysis.registrations:
        verb = registration.method.split(":")[-1]
        if verb in ROUTE_METHODS and registration.arguments:
            routes.append(
                Route(registration.path or "?", ROUTE_METHODS[verb], module.location(registration.call))
            )
    return routes


_CASE_ENDS = frozenset({"break_statement", "return_statement", "throw_statement"})


def _arms(node: Node) -> str:
    """The if/else arms and switch cases around `node`, outermost first (`if@5:0/case1@9:2`,
    see `model.exclusive_arms`). A case is an arm only when every case of its switch but
    the last ends in `break`, `return` or `throw`."""
    arms: list[str] = []
    child, parent = node, node.parent
    while parent is not None:
        # the line and the column: in JavaScript two statements can share a line
        where = f"{parent.start_point[0] + 1}:{parent.start_point[1]}"
        if parent.type == "if_statement" and child != parent.child_by_field_name("condition"):
            arms.append(
                f"if@{where}" if parent.child_by_field_name("consequence") == child else f"else@{where}"
            )
        elif parent.type in {"switch_case", "switch_default"} and child != parent.child_by_field_name(
            "value"
        ):
            body = parent.parent
            if body is not None and body.parent is not None and _cases_end(body):
                number = body.named_children.index(parent)
                switch = body.parent.start_point
                arms.append(f"case{number}@{switch[0] + 1}:{switch[1]}")
        child, parent = parent, parent.parent
    return "/".join(reversed(arms))


def _cases_end(switch_body: Node) -> bool:
    """Whether every case but the last ends in `break`, `return` or `throw`: with one that
    falls through, a case's code also runs for the case above it."""
    cases = [c for c in switch_body.named_children if c.type in {"switch_case", "switch_default"}]
    for case in cases[:-1]:
        statements = [c for c in case.children_by_field_name("body") if c.type != "comment"]
        if not statements or statements[-1].type not in _CASE_ENDS:
            return False
    return True


def _development_guarded(module: JsModule, node: Node) -> bool:
    """Inside `if (process.env.NODE_ENV === "development")`, the else of a production test,
    or a `switch` case for a development stage."""
    child = node
    parent = node.parent
    while parent is not None:
        if parent.type == "if_statement":
            condition = module.text(parent.child_by_field_name("condition"))
            in_consequence = parent.child_by_field_name("consequence") == child
            production = "production" in condition
            negated = "!==" in condition or "!=" in condition or condition.lstrip("( ").startswith("!")
            if in_consequence and (
                (_DEV_CONDITION.search(condition) and not production) or (production and negated)
            ):
                return True
            if not in_consequence and production and not negated:
                return True
        elif parent.type == "switch_case" and child != parent.child_by_field_name("value"):
            switch = parent.parent.parent if parent.parent is not None else None
            subject = switch.child_by_field_name("value") if switch is not None else None
            tested = f"{module.text(subject) if subject else ''} {module.text(parent.child_by_field_name('value'))}"
            if _DEV_CONDITION.search(tested) and "production" not in tested:
                return True  # `switch (process.env.NODE_ENV) { case "development": ... }`
        child, parent = parent, parent.parent
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
        if not set(value.raw) <= OPTION_NAMES or not ("cors" in name.lower() or len(value.raw) >= 2):
            continue
        if module.references(name) or _exported_name(module, name):
            continue
        options, evidence = _option_map(module, value, node)
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


def _bearer_evidence(module: JsModule) -> list[Evidence]:
    found = []
    for specifier, _ in module.imports.values():
        if specifier in BEARER_PACKAGES:
            found.append(Evidence("bearer-auth", specifier, module.location(module.root)))
            break
    for node in module.of_kind("member_expression", "subscript_expression", "call_expression"):
        text = module.text(node).replace(" ", "").lower()
        if text in {
            "req.headers.authorization",
            "req.headers['authorization']",
            'req.headers["authorization"]',
            "req.get('authorization')",
            'req.get("authorization")',
            "req.header('authorization')",
            'req.header("authorization")',
        }:
            found.append(Evidence("bearer-auth", "the Authorization header", module.location(node)))
            break
    return found


# -- hand-written headers ----------------------------------------------------------------


@dataclass
class _Steps:
    """The header-setting steps of one hand-written CORS handler, in order."""

    module: JsModule
    request: str
    response: str
    steps: dict[str, Value] = field(default_factory=dict)
    guard: Value | None = None
    next_name: str = ""
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> "origin" / header name
    condition: Value | None = None  # the first `if` test corslint could not decide

    def add(self, header: str, value: Value, location: Location) -> None:
        name = header
        number = 2
        while name in self.steps:
            name = f"{header} #{number}"
            number += 1
        self.steps[name] = Value(value.raw, location) if value.known else value


def _handwritten_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    functions: list[Node] = []
    for node in module.of_kind("string"):
        if not (string_value(node) or "").lower().startswith("access-control-"):
            continue
        function = node.parent
        while function is not None and function.type not in {
            "arrow_function",
            "function_expression",
            "function_declaration",
            "function",
            "method_definition",
        }:
            function = function.parent
        if function is not None and function not in functions and len(_parameters(module, function)) >= 2:
            functions.append(function)
    handled: list[tuple[Node, _Steps, Registration | None]] = []
    for function in functions:
        parameters = _parameters(module, function)
        if any(
            other != function
            and other.start_byte <= function.start_byte
            and function.end_byte <= other.end_byte
            for other in functions
        ):
            continue
        state = _Steps(
            module, parameters[0], parameters[1], next_name=parameters[2] if len(parameters) > 2 else ""
        )
        body = function.child_by_field_name("body")
        if body is None:
            continue
        _run(state, body, ())
        handled.append((function, state, _function_registration(analysis, function)))
    middlewares = {
        registration.receiver: (state, registration)
        for _, state, registration in handled
        if registration is not None and registration.method == "use" and not registration.path
    }
    merged: set[int] = set()
    for function, state, registration in handled:
        verb = registration.method.split(":")[-1] if registration is not None else "use"
        if verb in ROUTE_METHODS and verb != "all":
            # a route handler runs for its own method only; express answers OPTIONS itself
            methods = ROUTE_METHODS[verb] + (("HEAD",) if verb == "get" else ())
            _only_for_methods(state, "METHOD:" + ",".join(methods))
        if verb == "options" and registration is not None:
            _only_for_methods(state, "METHOD:OPTIONS", keep_options=True)
            found = middlewares.get(registration.receiver)
            if (
                found is not None
                and found[1].call.start_byte < registration.call.start_byte
                and _covers_every_path(registration.path)
            ):
                # `app.options("*", ...)` after the app's CORS middleware completes it: one layer
                host = found[0]
                for name, step in state.steps.items():
                    host.add(name.split(" #", 1)[0], step, step.location)
                host.guard = host.guard or state.guard
                merged.add(function.id)
    policies = []
    for function, state, registration in handled:
        if function.id in merged:
            continue
        if not any(name.lower().startswith("access-control-allow-origin") for name in state.steps):
            continue
        options = dict(state.steps)
        if state.guard is not None:
            options["guard"] = state.guard
        if state.condition is not None:
            options["condition"] = state.condition
        app = branch = ""
        scope = ""
        route_level = False
        probe_path = "/"
        evidence = list(bearer)
        if registration is not None:
            if registration.method == "use":
                app = f"{module.path}::{registration.receiver}"
                branch = _arms(registration.call)
                scope = registration.path if registration.path not in {None, "/", "*", "/*"} else ""
                probe_path = _probe_path(registration.path or "/")
                evidence += _misordered(analysis, registration, "headers")
            else:
                route_level = True
                scope = registration.path or ""
                probe_path = _probe_path(registration.path or "/")
        policies.append(
            CorsPolicy(
                framework="express_headers",
                location=module.location(registration.call if registration is not None else function),
                options=options,
                routes=_routes(analysis, registration),
                evidence=tuple(evidence),
                development_only=is_development_path(module.path) or _development_guarded(module, function),
                label="hand-written CORS headers",
                scope=scope,
                probe_path=probe_path,
                app=app,
                branch=branch,
                route_level=route_level,
            )
        )
    return policies


def _covers_every_path(path: str | None) -> bool:
    return path is None or "*" in path or (path.startswith("/") and path.endswith("/") and "." in path)


def _only_for_methods(state: _Steps, condition: str, keep_options: bool = False) -> None:
    for name, step in list(state.steps.items()):
        when = step.raw["when"]
        if "OPTIONS" in tuple(item.raw for item in when.raw) and not keep_options:
            del state.steps[name]
            continue
        extended = Value((*when.raw, Value(condition, when.location)), when.location)
        state.steps[name] = Value({**step.raw, "when": extended}, step.location)


def _function_registration(analysis: Analysis, function: Node) -> Registration | None:
    registration = analysis.mounted.get(function.id)
    if registration is not None:
        return registration
    name_node = function.child_by_field_name("name")
    name = analysis.module.text(name_node) if name_node is not None else ""
    if not name and function.parent is not None and function.parent.type == "variable_declarator":
        declared = function.parent.child_by_field_name("name")
        name = analysis.module.text(declared) if declared is not None else ""
    if name:
        for reference in analysis.module.references(name):
            registration = analysis.mounted.get(reference.id)
            if registration is not None:
                return registration
    return None


def _statements(node: Node) -> list[Node]:
    if node.type == "statement_block":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _run(state: _Steps, node: Node, when: tuple[str, ...]) -> bool:
    """Interpret statements; True when every path through them has ended (answered,
    returned or handed on with `next()`)."""
    for statement in _statements(node):
        outcome = _statement(state, statement, when)
        if outcome is True:
            return True
        if isinstance(outcome, str):
            when = (*when, outcome)  # what follows runs only where this holds
    return False


def _statement(state: _Steps, statement: Node, when: tuple[str, ...]) -> bool | str:
    module = state.module
    kind = statement.type
    if kind == "if_statement":
        condition = _condition(state, statement.child_by_field_name("condition"))
        consequence = statement.child_by_field_name("consequence")
        alternative = statement.child_by_field_name("alternative")
        if condition is None:
            test = statement.child_by_field_name("condition")
            if state.condition is None:
                state.condition = Value(
                    None,
                    module.location(test),
                    Provenance.UNKNOWN,
                    description=f"headers written under `if {module.text(test)}`",
                )
            condition = "?"  # a test corslint cannot decide: the steps under it are unknown
        negated = "?" if condition == "?" else condition[1:] if condition.startswith("!") else f"!{condition}"
        done_then = _run(state, consequence, (*when, condition)) if consequence is not None else False
        done_else = False
        if alternative is not None:
            inner = [c for c in alternative.named_children if c.type != "comment"]
            if inner:
                done_else = _run(state, inner[0], (*when, negated))
        if done_then and done_else:
            return True
        if done_then:
            return negated
        if done_else:
            return condition
        return False
    if kind in {"lexical_declaration", "variable_declaration"}:
        for declarator in statement.named_children:
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is not None and value is not None:
                source = _request_source(state, value)
                if source is not None:
                    state.aliases[module.text(name)] = source
        return False
    if kind == "return_statement":
        inner = [c for c in statement.named_children if c.type != "comment"]
        if inner:
            _expression(state, inner[0], when)
        return True
    if kind == "expression_statement":
        inner = [c for c in statement.named_children if c.type != "comment"]
        if not inner:
            return False
        _expression(state, inner[0], when)
        target = unwrap(inner[0])
        if _answers(state, target):
            return True
        if target.type == "call_expression" and len(_parameters_text(state)) > 2:
            callee = module.text(target.child_by_field_name("function"))
            return callee == _parameters_text(state)[2]
        return False
    if kind == "statement_block":
        return _run(state, statement, when)
    return False


def _parameters_text(state: _Steps) -> list[str]:
    return (
        [state.request, state.response, state.next_name]
        if state.next_name
        else [state.request, state.response]
    )


def _answers(state: _Steps, node: Node) -> bool:
    """`res.sendStatus(204)`, `res.status(200).end()`, `res.end()`, `res.json(...)`."""
    node = unwrap(node)
    if node.type != "call_expression":
        return False
    text = state.module.text(node.child_by_field_name("function")).replace(" ", "")
    return text.startswith(f"{state.response}.") and text.rsplit(".", 1)[-1] in {
        "writeHead",
        "sendStatus",
        "end",
        "send",
        "json",
    }


def _status_of(state: _Steps, node: Node) -> int | None:
    node = unwrap(node)
    function = unwrap(node.child_by_field_name("function"))
    args = node.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    method = state.module.text(function.child_by_field_name("property"))
    if method in {"sendStatus", "writeHead"} and named:
        value = state.module.resolve(named[0])
        return value.raw if value.known and isinstance(value.raw, int) else None
    holder = unwrap(function.child_by_field_name("object"))
    if holder.type == "call_expression":
        inner = unwrap(holder.child_by_field_name("function"))
        if state.module.text(inner).replace(" ", "") == f"{state.response}.status":
            inner_args = holder.child_by_field_name("arguments")
            inner_named = [c for c in inner_args.named_children if c.type != "comment"] if inner_args else []
            if inner_named:
                value = state.module.resolve(inner_named[0])
                return value.raw if value.known and isinstance(value.raw, int) else None
    return 200


def _expression(state: _Steps, node: Node, when: tuple[str, ...]) -> None:
    """Header writes (also chained: `res.header(a, b).header(c, d)`) and answers."""
    node = unwrap(node)
    module = state.module
    if node.type != "call_expression":
        return
    function = unwrap(node.child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return
    holder = unwrap(function.child_by_field_name("object"))
    if holder.type == "call_expression":
        _expression(state, holder, when)
    method = module.text(function.child_by_field_name("property"))
    args = node.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    location = module.location(node)
    if method == "writeHead" and len(named) >= 2 and unwrap(named[-1]).type == "object":
        for pair in unwrap(named[-1]).named_children:
            if pair.type == "pair":
                key = string_value(pair.child_by_field_name("key")) or module.text(
                    pair.child_by_field_name("key")
                )
                _header(
                    state, key, pair.child_by_field_name("value"), "setHeader", when, module.location(pair)
                )
    if _answers(state, node):
        status = _status_of(state, node)
        state.add(
            "end",
            Value(
                {
                    "status": Value(status, location) if status is not None else module.unknown(node),
                    "when": Value(tuple(Value(w, location) for w in when), location),
                },
                location,
            ),
            location,
        )
        return
    if method == "vary" and named:
        value = module.resolve(named[0])
        _write(state, "Vary", value, "vary", when, location)
        return
    if method not in HEADER_WRITERS or not named:
        return
    if len(named) == 1 and unwrap(named[0]).type == "object":
        for pair in unwrap(named[0]).named_children:
            if pair.type != "pair":
                continue
            key = string_value(pair.child_by_field_name("key")) or module.text(
                pair.child_by_field_name("key")
            )
            _header(state, key, pair.child_by_field_name("value"), "set", when, module.location(pair))
        return
    if len(named) < 2:
        return
    header = module.resolve(named[0])
    if not (header.known and isinstance(header.raw, str)):
        return
    _header(state, header.raw, named[1], HEADER_WRITERS[method], when, location)


def _header(
    state: _Steps, header: str, value_node: Node, writer: str, when: tuple[str, ...], location: Location
) -> None:
    canonical = "-".join(part.capitalize() for part in header.split("-"))
    if not (canonical.startswith("Access-Control-") or canonical == "Vary"):
        return
    source = _request_source(state, value_node)
    if source is not None:
        value = Value(HeaderReflection("reflect-all", source=source), location)
    else:
        value = state.module.resolve(value_node)
    _write(state, canonical, value, writer, when, location)


def _write(
    state: _Steps, header: str, value: Value, writer: str, when: tuple[str, ...], location: Location
) -> None:
    step = Value(
        {
            "value": value,
            "writer": Value(writer, location),
            "when": Value(tuple(Value(w, location) for w in when), location),
        },
        location,
    )
    state.add(header, step, location)


def _request_source(state: _Steps, node: Node) -> str | None:
    """`req.headers.origin`, `req.get("origin")`, `req.header("Origin")`, or a local alias."""
    node = unwrap(node)
    module = state.module
    text = module.text(node).replace(" ", "")
    if node.type == "identifier":
        return state.aliases.get(text)
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) in {"||", "??"}:
        return _request_source(state, node.child_by_field_name("left"))
    request = state.request
    for header in ("origin", "access-control-request-headers"):
        spellings = {
            f"{request}.headers.{header}",
            f"{request}.headers['{header}']",
            f'{request}.headers["{header}"]',
            f"{request}.get('{header}')",
            f'{request}.get("{header}")',
            f"{request}.header('{header}')",
            f'{request}.header("{header}")',
        }
        if text.lower().replace(request.lower(), request, 1) in spellings or text in spellings:
            return header
    return None


def _condition(state: _Steps, node: Node | None) -> str | None:
    """A test the model understands: the method, Origin presence, or an allow-list check."""
    if node is None:
        return None
    node = unwrap(node)
    module = state.module
    text = module.text(node).replace(" ", "").replace('"', "'")
    request = state.request
    for operator, atom in (("===", "OPTIONS"), ("==", "OPTIONS"), ("!==", "!OPTIONS"), ("!=", "!OPTIONS")):
        if text in {f"{request}.method{operator}'OPTIONS'", f"'OPTIONS'{operator}{request}.method"}:
            return atom
    if node.type == "unary_expression" and text.startswith("!"):
        inner = _condition(state, node.child_by_field_name("argument"))
        if inner is None:
            return None
        return inner[1:] if inner.startswith("!") else f"!{inner}"
    if _request_source(state, node) == "origin":
        return "ORIGIN"
    names = [name for name, source in state.aliases.items() if source == "origin"]
    names += [f"{request}.headers.origin", f"{request}.get('origin')", f"{request}.header('origin')"]
    for name in names:
        found = _membership(module, node, name, True)
        if found is not None:
            entries, _ = found
            guard = Value(FunctionValue("allow-list", tuple(entries)), module.location(node))
            if state.guard is None:
                state.guard = guard
            return "ALLOWED"
    return None
