"""The options a ``cors(...)`` call receives: an object (literal, const, imported, from a
config file) or a delegate choosing them per request, checked against the package's names."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from corslint.extractors.express.boolean_origins import cors_origin
from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.origin_functions import classified_origin, guarding_condition
from corslint.extractors.express.origin_membership import membership
from corslint.extractors.express.registrations import DATA_SUFFIXES
from corslint.extractors.js.export_objects import MODULE_OBJECT
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import Evidence, Location, OriginFunction, Provenance, Value

CLOSE_NAMES = {
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
    "optionSuccessStatus": "optionsSuccessStatus",
    "optionsSuccesStatus": "optionsSuccessStatus",
    "optionSuccesStatus": "optionsSuccessStatus",
}


def cors_options(
    module: JsModule, call: Node, arguments: list[Node]
) -> tuple[dict[str, Value], list[Evidence]]:
    if not arguments:
        return {}, []
    argument = unwrap(arguments[0])
    function = module.function_node(argument)
    if function is not None:
        return _delegate_options(module, function, argument)
    if argument.type == "identifier" and module.text(argument) in module.imports:
        # `cors(corsOptionsDelegate)` with the delegate required from its own module
        found = functions_of(module, argument)
        if len(found) == 1:
            options, evidence = _delegate_options(found[0][0], found[0][1], found[0][1])
            if "**" not in options:
                return options, evidence
    value = module.resolve(argument)
    return option_map(module, value, argument)


@dataclass(frozen=True)
class OptionNames:
    """How one CORS package names its options, and how a message about a name it does
    not know reads (`` `origins` is not an option of @koa/cors (did you mean ...)``)."""

    known: Collection[str]
    close: Mapping[str, str]  # a near-miss spelling -> the option meant
    library: str  # "the cors package", "@koa/cors"
    fallback: str = "the package's default"  # what applies instead of an unknown option
    # how an `origin` option's value is read (an origin function classified by what it allows)
    origin: Callable[[JsModule, Value], Value] = classified_origin


CORS_PACKAGE = OptionNames(OPTION_NAMES, CLOSE_NAMES, "the cors package", origin=cors_origin)


def first_argument_options(
    module: JsModule, arguments: list[Node], names: OptionNames
) -> tuple[dict[str, Value], list[Evidence]]:
    """The options object a middleware factory gets as its first argument (`cors({...})`),
    sorted by `names`; none without arguments (the library's defaults)."""
    if not arguments:
        return {}, []
    argument = unwrap(arguments[0])
    return option_map(module, module.resolve(argument), argument, names)


def option_map(
    module: JsModule, value: Value, argument: Node, names: OptionNames = CORS_PACKAGE
) -> tuple[dict[str, Value], list[Evidence]]:
    """The options object `argument` evaluates to (`value`), sorted by `names`."""
    if not value.known:
        return {"**": value}, []
    if value.raw is None:
        return {}, []
    if names is CORS_PACKAGE and isinstance(value.raw, (bool, int, float, str)):
        return {}, []  # cors copies no option from a primitive: `cors(42)` is `cors()`
    if not isinstance(value.raw, dict):
        return {"**": module.unknown(argument)}, []
    options, evidence = sorted_options(
        module,
        _unset_chosen(value),
        module.location(argument),
        names,
        options_homes(module, value),
        typo_where_written=not value.description.startswith(MODULE_OBJECT),
    )
    if value.description.startswith(MODULE_OBJECT):  # `cors(require("./cors"))`: the wrong object
        evidence = [
            Evidence(item.kind, f"{item.detail} (the argument is {value.description})", item.location)
            for item in evidence
        ]
    elif argument.type != "object" and value.related and _written(value.related[-1]):
        # `cors(corsOptions)`: a finding about an option the object lacks stands at the call
        # and names the object as the place the option would be written (rules.probe `related`)
        evidence.append(Evidence("options-object", "the options are defined here", value.related[-1]))
    return options, evidence


def _written(location: Location) -> bool:
    """A span of source (an object literal), not the point that stands for a whole module
    (`require("./config/cors")` of a module exporting nothing: no object to point at)."""
    return (location.end_line, location.end_column) != (location.line, location.column)


def _unset_chosen(value: Value) -> Mapping[str, Value]:
    """The object's entries; where an unset variable chose the whole object (`appEnv ===
    "development" ? {origin: true, credentials: true} : {...}` with `appEnv =
    process.env.APP_ENV || "development"`), each known entry carries that variable, so that a
    finding on it says "when APP_ENV is unset" as it does for a chosen scalar."""
    raw: Mapping[str, Value] = value.raw
    if value.provenance is not Provenance.ENV_DEFAULT or not value.env_var:
        return raw
    return {
        key: item
        if item.env_var or not item.known
        else Value(item.raw, item.location, item.provenance, value.env_var, item.description, item.related)
        for key, item in raw.items()
    }


def options_homes(module: JsModule, value: Value) -> frozenset[str]:
    """The other project modules the options object came through (`module.exports =
    corsOptions` in config/cors.js, re-exported by config/index.js): the object is the
    CORS configuration, so the options written in them are reported at their own lines."""
    return frozenset(location.path for location in value.related if location.path != module.path)


def sorted_options(
    module: JsModule,
    raw: Mapping[str, Value],
    use: Location,
    names: OptionNames,
    homes: frozenset[str] = frozenset(),
    *,
    typo_where_written: bool = True,
) -> tuple[dict[str, Value], list[Evidence]]:
    """The package's options, each located where it is used (or in `homes`, the modules
    holding the options object); an unknown name is `unknown-option` evidence (CORS307),
    reported where the name is written (the call, when the argument is a module object)."""
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for key, item in raw.items():
        written = item.location  # `method:` in config.js, read as `app.conf.cors` in server.js
        if item.location.path not in homes:
            item = located(module, item, use)
        if key == "**":
            options["**"] = item
        elif key in names.known:
            options[key] = names.origin(module, item) if key == "origin" else item
        else:
            suggestion = names.close.get(key) or names.close.get(key.lower())
            hint = f" (did you mean `{suggestion}`?)" if suggestion else ""
            evidence.append(
                Evidence(
                    "unknown-option",
                    f"`{key}` is not an option of {names.library}{hint}; it is ignored and "
                    f"{names.fallback} applies",
                    written if typo_where_written else item.location,
                )
            )
    return options, evidence


def located(module: JsModule, value: Value, use: Location) -> Value:
    """Values from another JS module are reported where the options are used; config
    files keep their own lines."""
    if value.location.path == module.path or value.location.path.endswith(DATA_SUFFIXES):
        return value
    if value.provenance is Provenance.CONFIG_FILE:  # node-config's `config/default.cjs`
        return value
    return Value(
        value.raw, use, value.provenance, value.env_var, value.description, (value.location, *value.related)
    )


def _delegate_options(
    module: JsModule, function: Node, argument: Node
) -> tuple[dict[str, Value], list[Evidence]]:
    """`cors((req, callback) => callback(null, options))`: one options object for every request."""
    parameters = parameter_names(module, function)
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
    held = module.binding(module.text(answer)) if answer.type == "identifier" else None
    chooser = unwrap(held) if held is not None else answer
    if chooser.type == "ternary_expression":
        # `const options = origin.includes("netlify.app") || ... ? { origin: true } : { origin: false }`
        arms = {
            True: chooser.child_by_field_name("consequence"),
            False: chooser.child_by_field_name("alternative"),
        }
        test = chooser.child_by_field_name("condition")
        if test is not None and all(arm is not None for arm in arms.values()):
            chosen = _chosen_by_test(module, function, parameters[0], test, arms)
            if chosen is not None:
                return chosen
    if answer.type == "identifier" and held is not None and unwrap(held).type == "object":
        chosen = _origin_property_chosen(module, function, parameters[0], module.text(answer), held)
        if chosen is not None:
            return chosen
    if answer.type == "identifier" and held is None:
        chosen = _options_chosen_by_origin(module, function, parameters[0], module.text(answer))
        if chosen is not None:
            return chosen
        assigned = _assigned_once(module, function, module.text(answer))
        if assigned is not None:
            return option_map(module, module.resolve(assigned), assigned)
    return option_map(module, module.resolve(answers[0]), answers[0])


_CONDITIONAL_PARENTS = {
    "if_statement",
    "switch_statement",
    "ternary_expression",
    "for_statement",
    "for_in_statement",
    "while_statement",
    "do_statement",
    "try_statement",
    "catch_clause",
}


def _assigned_once(module: JsModule, function: Node, name: str) -> Node | None:
    """`let options; options = {origin: true};`: the value of the one unconditional
    assignment of the whole variable (the cors README delegate with its `if` removed)."""
    assignments = []
    for node in walk(function):
        if node.type not in {"assignment_expression", "augmented_assignment_expression"}:
            continue
        left = unwrap(node.child_by_field_name("left"))
        if module.text(left) == name or module.text(left).startswith((f"{name}.", f"{name}[")):
            assignments.append(node)
    if len(assignments) != 1 or assignments[0].type != "assignment_expression":
        return None
    if module.text(unwrap(assignments[0].child_by_field_name("left"))) != name:
        return None
    parent = assignments[0].parent
    while parent is not None and parent != function:
        if parent.type in _CONDITIONAL_PARENTS:
            return None
        parent = parent.parent
    right = assignments[0].child_by_field_name("right")
    value = module.resolve(right) if right is not None else None
    return right if value is not None and value.known and isinstance(value.raw, dict) else None


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
    arms: dict[bool, Node] = {}
    test_node = None
    for assignment in assignments:
        guard = guarding_condition(assignment, function)
        if guard is None:
            return None
        test_node = guard[0]
        arms[guard[1]] = assignment.child_by_field_name("right")
    if set(arms) != {True, False} or test_node is None:
        return None
    return _chosen_by_test(module, function, request, test_node, arms)


def _chosen_by_test(
    module: JsModule, function: Node, request: str, test_node: Node, arms: dict[bool, Node]
) -> tuple[dict[str, Value], list[Evidence]] | None:
    """Options `{origin: true, ...}` where `test_node` holds, the same options with `origin:
    false` where it does not: an allow-list of what the test admits of the request's Origin."""
    branches: dict[bool, dict[str, Value]] = {}
    for taken, arm in arms.items():
        value = module.resolve(arm)
        if not (value.known and isinstance(value.raw, dict)):
            return None
        branches[taken] = dict(value.raw)
    allowed_origin = branches[True].pop("origin", None)
    refused_origin = branches[False].pop("origin", None)
    if allowed_origin is None or refused_origin is None or allowed_origin.raw is not True:
        return None
    # `{origin: false}`: cors passes the request on without a header, whatever else the arm
    # sets, so only the admitting arm's other options count (`{ origin: true, credentials:
    # true }` against `{ origin: false }`, shubhamkhunt04/shop-cart-fronend `cors.js`)
    if refused_origin.raw is not False:
        return None
    origin = allow_list_of_test(module, request, test_node, allowed_origin.location)
    if origin is None:
        return None
    options, evidence = option_map(module, Value(branches[True], module.location(function)), function)
    return {"origin": origin, **options}, evidence


def allow_list_of_test(module: JsModule, request: str, test_node: Node, location: Location) -> Value | None:
    """The allow-list origin function a membership test of the request's Origin stands for."""
    for spelling in (f"{request}.header('Origin')", f"{request}.headers.origin", f"{request}.get('Origin')"):
        for candidate in (spelling, spelling.replace("'", '"'), spelling.replace("Origin", "origin")):
            found = membership(module, test_node, candidate, True)
            if found is not None:
                entries, admits_missing = found
                return Value(
                    OriginFunction(
                        "allow-list", tuple(entries), no_origin="allow" if admits_missing else "reject"
                    ),
                    location,
                    description="options chosen per request by the Origin header",
                )
    return None


def _origin_property_chosen(
    module: JsModule, function: Node, request: str, name: str, held: Node
) -> tuple[dict[str, Value], list[Evidence]] | None:
    """A module-level options object whose `origin` the delegate sets per request before
    handing it over: `if (list.indexOf(req.header('Origin')) !== -1) shared.origin = true;
    else shared.origin = false;` or `shared.origin = list.includes(req.header('Origin'))`
    (0R8-9dzcl/movies-explorer-api `utils/corsOptions.js`): an allow-list origin function
    beside the object's other options."""
    writes = [
        node
        for node in walk(function)
        if node.type in {"assignment_expression", "augmented_assignment_expression"}
        and _root_name(module, node.child_by_field_name("left")) == name
    ]
    if not writes or any(module.text(w.child_by_field_name("left")) != f"{name}.origin" for w in writes):
        return None
    rights = [unwrap(w.child_by_field_name("right")) for w in writes]
    if len(writes) == 1:
        test_node = rights[0]  # `shared.origin = list.includes(req.header('Origin'))`
    elif len(writes) == 2:
        guards = [guard for w in writes if (guard := guarding_condition(w, function)) is not None]
        if len(guards) != 2 or guards[0][0] != guards[1][0]:
            return None
        arms = {taken: module.resolve(right).raw for (_, taken), right in zip(guards, rights, strict=True)}
        if arms != {True: True, False: False}:
            return None
        test_node = guards[0][0]
    else:
        return None
    origin = allow_list_of_test(module, request, test_node, module.location(writes[0]))
    if origin is None:
        return None
    base = module.resolve(held)
    if not (base.known and isinstance(base.raw, dict)):
        return None
    others = {key: value for key, value in base.raw.items() if key != "origin"}
    options, evidence = option_map(module, Value(others, base.location), function)
    return {"origin": origin, **options}, evidence


def _root_name(module: JsModule, node: Node | None) -> str:
    while node is not None and node.type in {"member_expression", "subscript_expression"}:
        node = node.child_by_field_name("object")
    return module.text(node) if node is not None else ""
