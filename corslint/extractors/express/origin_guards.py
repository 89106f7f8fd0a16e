"""Guards of an origin callback's answers, judged as deployed: in production, with the
environment's defaults.

`if (!origin && env.BUILD_MODE === "dev") return callback(null, true)` (the trungquandev
MERN template: 19521791/trello-backend, 0Lu-cy0/it-task-manager-be `src/config/cors.js`, where
`env` is a config module reading `process.env`) never runs while BUILD_MODE is unset;
`if (!origin || !isProduction) return cb(null, true)` (0xTeoo/polinote `apps/api/src/main.ts`)
is `if (!origin)` in production. One operand of `&&` / `||` that the deployment decides
either decides the whole test or leaves the other operand as the test that matters."""

from __future__ import annotations

from corslint.extractors.js.conversions import arm_when_unset, production_arm, stage_flag, truthy
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.origin_normalisers import chain_steps, normaliser_steps
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import Provenance


def decided(module: JsModule, test: Node) -> bool | None:
    """Whether `test` holds in production with unset variables at their defaults; None
    when that depends on the request or on something unknown."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        inner = decided(module, test.child_by_field_name("argument"))
        return None if inner is None else not inner
    if test.type == "binary_expression":
        operator = module.text(test.child_by_field_name("operator"))
        if operator in {"&&", "||"}:
            left = decided(module, test.child_by_field_name("left"))
            right = decided(module, test.child_by_field_name("right"))
            deciding = operator == "||"  # `true || x` and `false && x` decide alone
            if deciding in (left, right):
                return deciding
            if left is not None and right is not None:
                return not deciding
            return None
    return _leaf(module, test)


def _leaf(module: JsModule, test: Node) -> bool | None:
    if _lists_what_it_tests(module, test):
        return True
    if _request_dependent(module, test):
        return None  # `ok` of `const ok = list.includes(origin)`: the request decides
    taken = production_arm(module, test)
    if taken is not None:
        return taken
    value = module.resolve(test)
    if value.known:
        return truthy(value.raw)
    if _reads_unset_env(module, test):
        return arm_when_unset(module, test)
    return stage_flag(module, test)


def _lists_what_it_tests(module: JsModule, test: Node) -> bool:
    """`[LOCAL_APP, origin].includes(origin)` (through a local bound once): the list holds the
    tested value itself, so the test always holds (jpedro-cf/college-api
    `src/main/config/config.ts`: `const allowedOrigins = ['http://localhost:5173', origin]`)."""
    if test.type != "call_expression":
        return False
    function = unwrap(test.child_by_field_name("function"))
    arguments = test.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    if function.type != "member_expression" or len(named) != 1 or unwrap(named[0]).type != "identifier":
        return False
    if module.text(function.child_by_field_name("property")) != "includes":
        return False
    listed = unwrap(function.child_by_field_name("object"))
    if listed.type == "identifier":
        bound = module.binding(module.text(listed))
        listed = unwrap(bound) if bound is not None else listed
    tested = module.text(unwrap(named[0]))
    return listed.type == "array" and any(
        module.text(unwrap(item)) == tested for item in listed.named_children
    )


_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
_FUNCTIONS_AND_METHODS = _FUNCTIONS | {"method_definition"}
_BINDING_HOPS = 4


def _request_dependent(module: JsModule, test: Node) -> bool:
    """Whether `test` reads a parameter of a function around it (the Origin, the request),
    itself or through locals bound once (a few hops)."""
    parameters: set[str] = set()
    node = test.parent
    while node is not None:
        if node.type in _FUNCTIONS_AND_METHODS:
            listed = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
            for part in walk(listed) if listed is not None else ():
                if part.type in {"identifier", "shorthand_property_identifier_pattern"}:
                    parameters.add(module.text(part))
        node = node.parent
    if not parameters:
        return False
    seen: set[str] = set()
    reading = [module.text(part) for part in walk(test) if part.type == "identifier"]
    for _ in range(_BINDING_HOPS):  # `isAllowed` <- `origin` <- `req.headers.origin`
        if any(name in parameters for name in reading):
            return True
        seen.update(reading)
        bound = [found for name in reading if (found := module.binding(name)) is not None]
        # `let host; try { host = new URL(origin).host } catch { ... }`: what it is assigned
        bound += [
            assigned.child_by_field_name("right")
            for name in reading
            if module.binding(name) is None
            for assigned in module.assignments.get(name, [])
        ]
        reading = [module.text(part) for node in bound for part in walk(node) if part.type == "identifier"]
        reading = [name for name in reading if name not in seen]
    return any(name in parameters for name in reading)


def _reads_unset_env(module: JsModule, test: Node) -> bool:
    """Whether the test's operand is an environment variable without a default."""
    test = unwrap(test)
    if test.type == "unary_expression":
        argument = test.child_by_field_name("argument")
        return argument is not None and _reads_unset_env(module, argument)
    if test.type == "binary_expression":
        operands = [test.child_by_field_name(side) for side in ("left", "right")]
        return any(side is not None and _reads_unset_env(module, side) for side in operands)
    value = module.resolve(test)
    return not value.known and bool(value.env_var)


def residual(module: JsModule, test: Node) -> Node:
    """The part of `test` the request decides: `!origin` of `!origin || !isProduction`
    (production makes the other operand false) and of `!origin && isProduction`."""
    test = unwrap(test)
    if test.type != "binary_expression":
        return test
    operator = module.text(test.child_by_field_name("operator"))
    if operator not in {"&&", "||"}:
        return test
    neutral = operator == "&&"  # `x && true` is x, `x || false` is x
    left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
    if decided(module, right) is neutral and decided(module, left) is None:
        return residual(module, left)
    if decided(module, left) is neutral and decided(module, right) is None:
        return residual(module, right)
    return test


def tidies(module: JsModule, node: Node, name: str) -> bool:
    """`normalizeOrigin(origin)` or `origin.trim().replace(/\\/$/, "")`: the Origin itself,
    as a browser sends it (`origin_normalisers`)."""
    node = unwrap(node)
    if node.type != "call_expression":
        return False
    function = unwrap(node.child_by_field_name("function"))
    arguments = node.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    if function.type == "identifier" and len(named) == 1 and module.text(unwrap(named[0])) == name:
        return normaliser_steps(module, function) is not None
    return chain_steps(module, node, name) is not None


def tidied_origin(module: JsModule, function: Node, name: str) -> str | None:
    """The local bound once to the tidied Origin: `const normalized = normalizeOrigin(origin)`."""
    for node in walk(function):
        if node.type != "variable_declarator":
            continue
        local, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if local is None or value is None or local.type != "identifier":
            continue
        if tidies(module, value, name) and len(module.declarators.get(module.text(local), [])) == 1:
            return None if module.assignments.get(module.text(local)) else module.text(local)
    return None


def deciding_env(module: JsModule, test: Node) -> str | None:
    """The environment variable whose default made `test` decided: `!list.length` over
    `(process.env.LIST || "").split(",").filter(Boolean)` is true "when LIST is unset"."""
    test = unwrap(test)
    if decided(module, test) is None:
        return None
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        return deciding_env(module, test.child_by_field_name("argument"))
    if test.type == "binary_expression" and module.text(test.child_by_field_name("operator")) in {"&&", "||"}:
        sides = (test.child_by_field_name("left"), test.child_by_field_name("right"))
        return next((found for side in sides if (found := deciding_env(module, side))), None)
    value = module.resolve(test)
    return value.env_var if value.known and value.provenance is Provenance.ENV_DEFAULT else None
