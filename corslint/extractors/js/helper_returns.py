"""What a call of a project's own argument-less helper returns, when the helper is a plain
computation: `const origins = process.env.ORIGINS || '*'; return origins.split(',')`
(duysmile/structure-app-nodejs `config/index.js` `getCORSOrigin`), `() => ({ origin: ... })`.
Helpers with parameters, branches or side effects stay unknown."""

from __future__ import annotations

from typing import Any, Protocol, cast

from corslint.extractors.js.conversions import arm_when_unset, production_arm, truthy
from corslint.extractors.js.env_argument_helpers import env_argument_result
from corslint.extractors.js.env_key_helpers import env_key_result
from corslint.extractors.js.parsed_module import ParsedModule
from corslint.extractors.js.pushed_lists import pushed_list
from corslint.extractors.js.stage_switches import production_return
from corslint.extractors.js.static_methods import static_method
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import Location, Provenance, Value


class HelperModule(Protocol):
    """What is read of a module here (`module.JsModule`, which calls in: no import back)."""

    imports: dict[str, tuple[str, str]]
    root: Node
    project: Any  # module.ModuleLoader: resolve_specifier, display, load

    def text(self, node: Node) -> str: ...
    def binding(self, name: str) -> Node | None: ...
    def of_kind(self, *kinds: str) -> list[Node]: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...


_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


def helper_result(
    module: HelperModule, callee: Node, arguments: list[Node], use: Location, depth: int
) -> Value | None:
    """The value `callee()` returns, or None when it is not a plain helper of this project."""
    if arguments:  # `parseOrigins(process.env.X)`: its early exit for a missing value
        helper = _helper(module, callee)
        result = env_argument_result(module, helper, arguments, use, depth)
        if result is None:  # `fromEnv("X", fallback)`: `process.env[key] || fallback`
            result = env_key_result(module, helper, arguments, use, depth)
        if result is not None:
            return result
    found = _helper(module, callee)
    if found is None:
        return None
    home, function = found
    found_return = _returned_expression(home, function, depth, early_only=bool(arguments))
    if found_return is None:  # `const list = []; if (process.env.X) list.push(...) else ...`
        return None if arguments else pushed_list(home, function, use, depth)
    returned, unset = found_return
    value = home.resolve(returned, depth)
    if not value.known:
        return None
    provenance = Provenance.ENV_DEFAULT if unset else value.provenance
    return Value(
        value.raw,
        use,
        provenance,
        value.env_var or unset,
        value.description,
        (value.location, *value.related),
    )


def _helper(module: HelperModule, callee: Node) -> tuple[HelperModule, Node] | None:
    """The function `callee` names, and the module it is written in."""
    callee = unwrap(callee)
    if callee.type == "identifier":
        name = module.text(callee)
        if name in module.imports:
            specifier, exported = module.imports[name]
            return _imported_function(module, specifier, exported)
        local = _local_function(module, name)
        return (module, local) if local is not None else None
    if callee.type == "member_expression":  # `config.getOrigins()` on `require('./config')`
        holder = unwrap(callee.child_by_field_name("object"))
        method = callee.child_by_field_name("property")
        if holder.type == "identifier" and method is not None:
            specifier, exported = module.imports.get(module.text(holder), ("", ""))
            if exported == "*":
                return _imported_function(module, specifier, module.text(method))
            return static_method(module, holder, module.text(method))  # `Cors.getOptions()`
    return None


def _imported_function(
    module: HelperModule, specifier: str, exported: str
) -> tuple[HelperModule, Node] | None:
    project = module.project
    if project is None or exported in {"*", "default"}:
        return None
    target = project.resolve_specifier(module, specifier)
    if target is None or target.suffix.lower() in {".json", ".yaml", ".yml"}:
        return None
    home: HelperModule | None = project.load(target, project.display(module, target))
    if home is None:
        return None
    for statement in home.root.named_children:
        assignment = unwrap(statement.named_children[0]) if statement.type == "expression_statement" else None
        if assignment is None or assignment.type != "assignment_expression":
            continue
        left = home.text(assignment.child_by_field_name("left")).replace(" ", "")
        if left in {f"exports.{exported}", f"module.exports.{exported}"}:
            right = unwrap(assignment.child_by_field_name("right"))
            if right.type in _FUNCTIONS:
                return home, right
            if right.type == "identifier":
                local = _local_function(home, home.text(right))
                return (home, local) if local is not None else None
            return None
    local = _local_function(home, exported)
    return (home, local) if local is not None else None


def _local_function(module: HelperModule, name: str) -> Node | None:
    """`function name() {}` or `const name = () => ...`, bound once."""
    bound = module.binding(name)
    if bound is not None:
        bound = unwrap(bound)
        return bound if bound.type in _FUNCTIONS else None
    declared = [
        node
        for node in module.of_kind("function_declaration")
        if (named := node.child_by_field_name("name")) is not None and module.text(named) == name
    ]
    return declared[0] if len(declared) == 1 else None


def _returned_expression(
    module: HelperModule, function: Node, depth: int, *, early_only: bool = False
) -> tuple[Node, str | None] | None:
    """The expression a parameterless function returns, and the environment variable whose
    absence chose it (None: no choice made on one): an arrow's body, or a block of
    declarations and early `if (test) return X;` exits ending in `return Y`, each test
    decided as a ternary's is (known, NODE_ENV against production, an env read unset).
    `early_only`: a helper called with arguments (`pickOrigin(req)`, census2 Aadarsh-soni/
    stock-app-backend, census3 0xNN/blog): only an early exit the defaults take, returning
    an expression that reads no parameter (`if (allow.length === 0) return "*"`)."""
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    names = _parameter_names(module, parameters) if early_only else set()
    if names is None:
        return None
    if (
        not early_only
        and parameters is not None
        and (parameters.type == "identifier" or not _all_defaulted(parameters))
    ):
        return None  # a parameter without a default: its value is the caller's
    if any(child.type in {"async", "*"} for child in function.children):
        return None
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return (body, None) if not early_only else None
    unset: str | None = None
    statements = [child for child in body.named_children if child.type != "comment"]
    for statement in statements:
        if statement.type in _DECLARATIONS:
            continue
        if (
            statement.type in _LOOPS
            and not early_only
            and _leaves_return_alone(module, statement, statements[-1])
        ):
            continue
        if statement.type == "return_statement":
            returned = _returned(statement)
            return (returned, unset) if returned is not None and not early_only else None
        if statement.type == "switch_statement" and not early_only:
            switched = production_return(cast(ParsedModule, module), statement)  # on NODE_ENV
            return (switched, unset) if switched is not None else None
        if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
            return None
        if not early_only and _stops_the_process(module, statement):
            continue  # `if (!parsed.success) { ...; process.exit(1) }`: the server that runs passed
        exit_value = _returned(statement.child_by_field_name("consequence"))
        condition = statement.child_by_field_name("condition")
        if exit_value is None or condition is None:
            return None
        taken = _taken(module, condition, depth)
        if taken is None:
            return None
        if taken[0]:
            if early_only and (not taken[1] or _reads_any(module, exit_value, names)):
                return None  # only a default's choice, of a value no argument gives
            return exit_value, taken[1] or unset
        unset = unset or taken[1]
    return None


_LOOPS = frozenset({"for_in_statement", "for_statement"})
_MUTATORS = frozenset({"push", "pop", "shift", "unshift", "splice", "set", "add", "delete", "clear", "sort"})


def _leaves_return_alone(module: HelperModule, loop: Node, last: Node) -> bool:
    """Whether a loop before the final `return` changes nothing that return reads: no
    assignment, `delete` or mutating call on a name it reads (imputnet/cobalt `loadEnvs`
    copies proxy variables into `process.env` before returning its settings object)."""
    if last.type != "return_statement":
        return False
    read = {module.text(node) for node in walk(last) if node.type == "identifier"} - {"process"}
    for node in walk(loop):
        target: Node | None = None
        if node.type in {"assignment_expression", "augmented_assignment_expression"}:
            target = node.child_by_field_name("left")
        elif node.type == "update_expression" or (
            node.type == "unary_expression" and module.text(node).startswith("delete")
        ):
            target = node.child_by_field_name("argument")
        elif node.type == "call_expression":
            function = unwrap(node.child_by_field_name("function"))
            if (
                function.type == "member_expression"
                and module.text(function.child_by_field_name("property")) in _MUTATORS
            ):
                target = function.child_by_field_name("object")
        while target is not None and target.type in {"member_expression", "subscript_expression"}:
            target = target.child_by_field_name("object")
        if target is not None and module.text(target) in read:
            return False
    return True


def _stops_the_process(module: HelperModule, statement: Node) -> bool:
    """A validation guard whose arm ends in `process.exit(...)` or `throw` (00015972/mirsklada
    `apps/api/src/config/env.ts`, census 5 sample 143: `schema.safeParse(process.env)`)."""
    consequence = statement.child_by_field_name("consequence")
    if consequence is None:
        return False
    parts = [c for c in consequence.named_children if c.type != "comment"]
    last = parts[-1] if consequence.type == "statement_block" and parts else consequence
    if last.type == "throw_statement":
        return True
    return last.type == "expression_statement" and module.text(last).replace(" ", "").startswith(
        "process.exit("
    )


def _all_defaulted(parameters: Node) -> bool:
    """Whether every parameter has a default (`(source = process.env) => ...`): called
    without arguments, the function reads the defaults."""
    for parameter in parameters.named_children:
        if parameter.type == "comment":
            continue
        if parameter.type == "assignment_pattern":
            continue
        if parameter.type in {"required_parameter", "optional_parameter"} and parameter.child_by_field_name(
            "value"
        ):
            continue
        return False
    return True


def _parameter_names(module: HelperModule, parameters: Node | None) -> set[str] | None:
    """The plain names of a function's parameters; None for a pattern or a default."""
    if parameters is None:
        return set()
    if parameters.type == "identifier":
        return {module.text(parameters)}
    names: set[str] = set()
    for parameter in parameters.named_children:
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            if parameter.child_by_field_name("value") is not None:
                return None
            target = parameter.child_by_field_name("pattern") or parameter
        if target.type != "identifier":
            return None
        names.add(module.text(target))
    return names


def _reads_any(module: HelperModule, node: Node, names: set[str]) -> bool:
    return any(inner.type == "identifier" and module.text(inner) in names for inner in walk(node))


def _returned(node: Node | None) -> Node | None:
    """X of `return X;`, alone or as the only statement of a block."""
    if node is not None and node.type == "statement_block":
        inner = [child for child in node.named_children if child.type != "comment"]
        node = inner[0] if len(inner) == 1 else None
    if node is None or node.type != "return_statement":
        return None
    returned = [child for child in node.named_children if child.type != "comment"]
    return returned[0] if len(returned) == 1 else None


def _taken(module: HelperModule, condition: Node, depth: int) -> tuple[bool, str | None] | None:
    """Whether an early exit's test holds, and the env variable whose absence decided it."""
    test = module.resolve(condition, depth)
    if test.known:
        unset = test.env_var if test.provenance is Provenance.ENV_DEFAULT else None
        return truthy(test.raw), unset
    production = production_arm(cast(ParsedModule, module), condition)
    if production is not None:
        return production, None
    env_var = test.env_var or _tested_env(module, condition, depth)
    when_unset = arm_when_unset(cast(ParsedModule, module), condition) if env_var else None
    return (when_unset, env_var) if when_unset is not None else None


def _tested_env(module: HelperModule, condition: Node, depth: int) -> str | None:
    """The variable of `!raw` where `const raw = settings.WEB_ORIGINS?.trim()` reads an
    optional env value (census 5 sample 24, 0LostConnection/ext-web-express `env.ts`)."""
    test = unwrap(condition)
    while test.type == "unary_expression" and module.text(test).startswith("!"):
        test = unwrap(test.child_by_field_name("argument"))
    if test.type != "identifier":
        return None
    value = module.resolve(test, depth)
    return value.env_var if not value.known else None
