"""An array literal filled by later `push` calls, read where it is used:

    const corsOriginWhiteList = ['https://bit-ocean.studio'];
    if (appConfig.isSTAGING) corsOriginWhiteList.push('http://localhost:*');
    app.enableCors({ origin: corsOriginWhiteList });

(dolphin-admin/nest-api `src/main.ts`, census 6 sample 298). A push that runs before the use
in the declaration's own function (or module) adds its entries: one written as a plain
statement always, one under an `if` when the deployment decides the test (NODE_ENV as in
production, other variables at their defaults, a known constant), taken or skipped. A push
corslint cannot place (a test the request or something unknown decides, a loop, another
function, a spread) adds an entry it does not know (CORS305 for it, the other entries still
judged). A use inside a function runs after every statement of the module, so there pushes
written after the use count too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, cast

from corslint.extractors.js.conversions import arm_when_unset, production_arm, stage_flag, truthy
from corslint.extractors.js.parsed_module import ParsedModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Provenance, Value

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration", "method_definition"}
)


class _Module(Protocol):
    source: bytes

    def text(self, node: Node) -> str: ...
    def of_kind(self, *kinds: str) -> list[Node]: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...
    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...


def with_list_pushes(
    module: _Module,
    name: str,
    bound: Node,
    use: Node,
    location: Location,
    depth: int,
    forced: Mapping[int, bool] | None = None,
) -> Value | None:
    """The entries of the array literal `name` is bound to after the pushes that run before
    `use`; None when `bound` is no array literal or nothing pushes onto it there. `forced`:
    whether the pushes with these ids run, whatever their tests say (one arm of a test,
    `staged_pushes`)."""
    bound = unwrap(bound)
    if bound.type != "array":
        return None
    scope = scope_of(bound)
    pushes = [call for call in _pushes(module, name) if _runs_before(call, use, scope)]
    if not pushes or _records(bound, pushes):
        return None
    start = module.resolve(bound, depth + 1)
    if not (start.known and isinstance(start.raw, tuple)):
        return None
    entries = list(start.raw)
    for call in pushes:
        arguments = call.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        taken = runs_when_deployed(module, call, scope)
        if forced is not None and call.id in forced:
            taken = forced[call.id]
        if taken is False:
            continue
        for argument in named:
            if taken is None or argument.type == "spread_element":
                entries.append(module.unknown(argument))
            else:
                entries.append(module.resolve(argument, depth + 1))
    return Value(tuple(entries), location, Provenance.CONSTANT)


def _records(bound: Node, pushes: list[Node]) -> bool:
    """A list of records (`{source, headers}` rules of a Next.js `headers()` list, umami
    `next.config.ts`), not of origins: its pushes are read by the reader of those records
    (`express.config_pushes`), under their own branches."""
    arguments = [
        item for call in pushes for item in (call.child_by_field_name("arguments") or call).named_children
    ]
    return any(unwrap(item).type == "object" for item in [*bound.named_children, *arguments])


def staged_pushes(module: _Module, name: str, bound: Node, use: Node) -> list[tuple[Node, Node, bool | None]]:
    """The pushes of literal entries onto `name` before `use` under one `if` that an
    environment variable other than NODE_ENV decides (`if (isStaging) list.push(...)`), or
    that nothing read here decides (`if (appConfig.isSTAGING)`, dolphin-admin/nest-api):
    each with its test and whether the deployment takes it (None: not known)."""
    bound = unwrap(bound)
    if bound.type != "array":
        return []
    scope = scope_of(bound)
    found = []
    for call in _pushes(module, name):
        placed = _placed(call, scope) if _runs_before(call, use, scope) else None
        if placed is None or placed is _PLAIN:
            continue
        test = cast(Node, placed)
        taken = _decided(module, test)
        if taken is not None and (
            production_arm(cast(ParsedModule, module), test) is not None
            or stage_flag(module, unwrap(test)) is not None
            or not _reads_env(module, test)
        ):
            continue  # NODE_ENV and stage names as deployed; a constant test is no choice
        arguments = call.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if named and all(argument.type == "string" for argument in named):
            found.append((call, test, taken))
    return found


def _reads_env(module: _Module, test: Node, hops: int = 0) -> bool:
    """The test reads an environment variable (itself, or through a local bound to a test)."""
    test = unwrap(test)
    if test.type == "identifier" and hops < 2:
        bound = cast(ParsedModule, module).binding(module.text(test))
        return bound is not None and _reads_env(module, bound, hops + 1)
    return _reads_unset_env(module, test)


def _pushes(module: _Module, name: str) -> list[Node]:
    if f"{name}.push".encode() not in module.source:  # (PERF) most lists are never pushed to
        return []
    found = []
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        if module.text(function.child_by_field_name("property")) != "push":
            continue
        if module.text(unwrap(function.child_by_field_name("object"))) == name:
            found.append(call)
    return found


def scope_of(node: Node) -> Node | None:
    """The function around `node` (None at module level)."""
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    return parent


def _runs_before(call: Node, use: Node, scope: Node | None) -> bool:
    """A push in the declaration's own function (or module) that runs before the use: written
    before it, or anywhere in the module when the use is inside a function the module's
    statements run before."""
    if call.start_byte < use.start_byte:
        return True
    return scope is None and scope_of(use) is not None and scope_of(call) is None


def runs_when_deployed(module: _Module, call: Node, scope: Node | None) -> bool | None:
    """Whether the expression statement `call` (a push, an assignment) runs: True for a plain
    statement of the scope, the decided test of one `if` around it, None where that cannot
    be told (a loop, a nested function, an unknown test)."""
    placed = _placed(call, scope)
    if placed is None:
        return None
    return True if placed is _PLAIN else _decided(module, placed)


_PLAIN = object()  # `_placed`: a plain statement of the scope


def _placed(call: Node, scope: Node | None) -> Node | object | None:
    """`_PLAIN` for a plain statement of `scope`, the test of the one `if` (itself a plain
    statement of `scope`) whose branch holds it, None otherwise."""
    statement = call.parent
    if statement is None or statement.type != "expression_statement" or scope_of(call) != scope:
        return None
    holder = statement.parent
    if holder is not None and holder.type == "program":
        return _PLAIN
    if holder is not None and holder.type == "statement_block" and holder.parent is not None:
        if _plain(holder, scope):
            return _PLAIN
        if holder.parent.type == "if_statement":  # `if (x) { list.push(...) }`
            statement, holder = holder, holder.parent
    if holder is None or holder.type != "if_statement":
        return None
    if holder.child_by_field_name("consequence") != statement or not _plain(holder.parent, scope):
        return None
    return holder.child_by_field_name("condition")


def _plain(block: Node | None, scope: Node | None) -> bool:
    """Whether statements of `block` run in order whenever `scope` runs: its body (the
    module's, at module level), or the body of a `try` that is itself such a statement
    (`async function bootstrap() { try { ... } catch ... }`, dolphin-admin/nest-api)."""
    while block is not None:
        if block.type == "program":
            return scope is None
        parent = block.parent
        if block.type != "statement_block" or parent is None:
            return False
        if parent == scope:
            return True
        if parent.type != "try_statement" or parent.child_by_field_name("body") != block:
            return False
        block = parent.parent
    return False


def _decided(module: _Module, test: Node | None, hops: int = 0) -> bool | None:
    if test is None:
        return None
    test = unwrap(test)
    if test.type == "identifier" and hops < 2:  # `const isStaging = process.env.APP_ENV === "staging"`
        bound = cast(ParsedModule, module).binding(module.text(test))
        if bound is not None and unwrap(bound).type in {"binary_expression", "unary_expression"}:
            return _decided(module, bound, hops + 1)
    parsed = cast(ParsedModule, module)
    stage = production_arm(parsed, test)
    if stage is not None:
        return stage
    value = module.resolve(test)
    if value.known:
        return truthy(value.raw)
    if value.env_var or _reads_unset_env(module, test):
        return arm_when_unset(parsed, test)
    return stage_flag(module, test)


# a flag that names the stage by itself where its value is not known (`isDev` imported from
# a util module): as `express.origin_guards` judges such names, production holds


def _reads_unset_env(module: _Module, test: Node) -> bool:
    """`process.env.APP_ENV === "staging"`: an operand is a variable without a default."""
    return unset_variable(module, test) is not None


def unset_variable(module: _Module, test: Node, hops: int = 0) -> str | None:
    """The variable without a default an operand of `test` reads (through a local bound to
    a test, once): `APP_ENV` of `process.env.APP_ENV === "staging"`."""
    test = unwrap(test)
    if test.type == "identifier" and hops < 1:
        bound = cast(ParsedModule, module).binding(module.text(test))
        if bound is not None and unwrap(bound).type in {"binary_expression", "unary_expression"}:
            return unset_variable(module, bound, hops + 1)
    if test.type == "unary_expression":
        argument = test.child_by_field_name("argument")
        return unset_variable(module, argument, hops) if argument is not None else None
    if test.type == "binary_expression":
        sides = (test.child_by_field_name("left"), test.child_by_field_name("right"))
        return next(
            (found for side in sides if side is not None and (found := unset_variable(module, side, hops))),
            None,
        )
    value = module.resolve(test)
    return value.env_var if not value.known and value.env_var else None


def deciding_variable(module: _Module, call: Node, scope: Node | None) -> str | None:
    """The variable (not NODE_ENV) whose absence decides the `if` around the statement
    `call`, for the "when X is unset" of what it leaves; None for any other statement."""
    placed = _placed(call, scope)
    if placed is None or placed is _PLAIN:
        return None
    test = cast(Node, placed)
    if production_arm(cast(ParsedModule, module), test) is not None:
        return None
    return unset_variable(module, test)
