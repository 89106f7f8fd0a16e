"""An options object completed in `if` arms before it reaches ``cors(options)``:

    const options = { credentials: true };
    if (wildcard) options.origin = (origin, done) => done(null, origin);
    else if (list.length > 0) options.origin = list;
    app.use(cors(options));

Each arm gives the middleware different options, and when no arm runs the package's
default applies. Each of them is a configuration the app may run with, judged on its own;
their `branch` paths tell CORS302 that they never run together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corslint.extractors.express.branches import arms_around
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence, Value

OptionsReader = Callable[[], tuple[dict[str, Value], list[Evidence]]]


@dataclass(frozen=True)
class OptionVariant:
    """The options one arm of the `if` chain leaves, and the arms that lead there."""

    branch: str
    options: dict[str, Value]
    evidence: list[Evidence]


def option_variants(module: JsModule, call: Node, argument: Node, read: OptionsReader) -> list[OptionVariant]:
    """One variant per arm of a single `if`/`else if` chain that assigns properties of the
    options object `argument` names, plus the variant where no arm ran (a chain without a
    final `else`); [] when the options are not completed that way."""
    argument = unwrap(argument)
    if argument.type != "identifier":
        return []
    name = module.text(argument)
    every = module.assignments.get(name, [])
    before = [a for a in every if a.start_byte < call.start_byte and _sets_property(a, name)]
    conditional = [a for a in before if _guarding_if(a, call) is not None]
    if not conditional:
        return []
    chains = {_chain_head(_guarding_if(a, call)).id for a in conditional}
    if len(chains) != 1:
        return []
    head = _chain_head(_guarding_if(conditional[0], call))
    unconditional = [a for a in before if a not in conditional]
    later = [a for a in every if a not in before]
    arms: dict[str, list[Node]] = {}
    for assignment in conditional:
        arms.setdefault(arms_around(assignment), []).append(assignment)
    variants = []
    for branch, assigned in arms.items():
        variants.append(_variant(module, name, branch, [*unconditional, *assigned, *later], read))
    last = _chain_end(head)
    if last.child_by_field_name("alternative") is None:
        where = f"{last.start_point[0] + 1}:{last.start_point[1]}"
        inner = arms_around(last)
        branch = f"{inner}/else@{where}" if inner else f"else@{where}"
        variants.append(_variant(module, name, branch, [*unconditional, *later], read))
    return variants


def _variant(
    module: JsModule, name: str, branch: str, assignments: list[Node], read: OptionsReader
) -> OptionVariant:
    saved = module.assignments.get(name, [])
    module.assignments[name] = sorted(assignments, key=lambda node: node.start_byte)
    try:
        options, evidence = read()
    finally:
        module.assignments[name] = saved
    return OptionVariant(branch, options, evidence)


def _sets_property(assignment: Node, name: str) -> bool:
    left = unwrap(assignment.child_by_field_name("left"))
    if left.type not in {"member_expression", "subscript_expression"}:
        return False
    holder = unwrap(left.child_by_field_name("object"))
    return holder.type == "identifier" and holder.text is not None and holder.text.decode() == name


def _guarding_if(node: Node, call: Node) -> Node | None:
    """The outermost `if` around `node` (inside the function holding `call`) that does not
    also hold `call`."""
    found = None
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        if parent.type == "if_statement" and not (parent.start_byte <= call.start_byte < parent.end_byte):
            found = parent
        parent = parent.parent
    return found


def _chain_head(node: Node) -> Node:
    """The first `if` of an `if / else if` chain holding `node`."""
    while node.parent is not None and node.parent.type == "else_clause":
        outer = node.parent.parent
        if outer is None or outer.type != "if_statement":
            break
        node = outer
    return node


def _chain_end(head: Node) -> Node:
    """The last `if` of the chain: the one whose `else` (if any) is no further `if`."""
    node = head
    while True:
        alternative = node.child_by_field_name("alternative")
        inner = (
            [c for c in alternative.named_children if c.type != "comment"] if alternative is not None else []
        )
        if len(inner) == 1 and inner[0].type == "if_statement":
            node = inner[0]
            continue
        return node


_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)
