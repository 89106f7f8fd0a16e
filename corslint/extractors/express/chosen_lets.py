"""A `let` chosen per arm of the tests before it, then written once as a header value:

    let allowedOrigin = 'https://shop.example';
    if (!origin) {
      allowedOrigin = '*';
    } else if (SITES.includes(origin)) {
      allowedOrigin = origin;
    } else if (origin.endsWith('.vercel.app')) {
      allowedOrigin = origin;
    }
    res.setHeader('Access-Control-Allow-Origin', allowedOrigin);

The value written is, on each path through the tests, the last value assigned on it (the
declaration's where nothing was). The hand-written interpreter (`handwritten_steps`) writes
each of those values under its path's tests, as if the write stood in that arm, so an echo
guarded by a list is that allow-list and an unguarded echo reflects every Origin.

Read only where every step is certain: one declaration of the name in the write's function,
every assignment a plain `=` statement of that function written between the declaration and
the write, directly in the arms of `if` statements (nested ones too) that are statements of
the declaration's block; every test one the interpreter understands. A path ending in
`return` / `throw` never reaches the write. A value that is undefined or falsy on a path
is dropped when the write stands under `if (name)` (it is not written there) and otherwise
leaves the whole value unknown (Node refuses `undefined`, and `null` would be sent as text).
Anything else returns None, and the value stays unknown (CORS305) as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk

# a path: the value node it leaves (None: the declaration had none), and its tests
Path = tuple[Node | None, tuple[str, ...]]
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
_ENDS = frozenset({"return_statement", "throw_statement"})
_WRITES = frozenset({"assignment_expression", "augmented_assignment_expression", "update_expression"})
_FALSY = frozenset({"null", "undefined", "false", "0"})
_MAX_PATHS = 16
_DECIDED = -1  # in `handled`: a test known statically chose an arm
T = TypeVar("T")


def chosen_paths(module: JsModule, use: Node, atom: Callable[[Node], str | None]) -> list[Path] | None:
    """The values the `let` named by `use` holds where `use` reads it, each with the tests of
    its path (`atom` turns a test into the interpreter's atom, None when it cannot); None
    where any step is uncertain. Paths whose value is falsy are left out when `use` stands
    under `if (name)`."""
    found = _paths(module, use, atom)
    if found is None:
        return None
    paths, holder, decided = found
    guarded = _under_truthiness_test(module, use, holder)
    kept: list[Path] = []
    for value, tests in paths:
        if value is None or _falsy(module, value):
            if not guarded:
                return None
            continue
        kept.append((value, tests))
    # one path left by tests known statically is that value, as if assigned unconditionally
    return kept if any(tests for _, tests in kept) or (decided and len(kept) == 1) else None


def truthiness_split(
    module: JsModule, test: Node, atom: Callable[[Node], str | None]
) -> tuple[list[Path], list[Path]] | None:
    """For `if (name)` on such a `let`: its paths where the value is set (a value that is
    no falsy literal), and those where it is not (the other way round for `if (!name)`);
    None where the name is no such `let`."""
    test = unwrap(test)
    negated = test.type == "unary_expression" and module.text(test).startswith("!")
    operand = unwrap(test.child_by_field_name("argument")) if negated else test
    found = _paths(module, operand, atom) if operand is not None and operand.type == "identifier" else None
    if found is None or not any(tests for _, tests in found[0]):
        return None
    truthy = [(v, t) for v, t in found[0] if v is not None and not _falsy(module, v)]
    falsy = [(v, t) for v, t in found[0] if v is None or _falsy(module, v)]
    return (falsy, truthy) if negated else (truthy, falsy)


def _paths(
    module: JsModule, use: Node, atom: Callable[[Node], str | None]
) -> tuple[list[Path], Node, bool] | None:
    if use.type != "identifier":
        return None
    name = module.text(use)
    scope = _scope(use)
    declarators = [d for d in module.declarators.get(name, []) if _scope(d) == scope]
    if len(declarators) != 1:
        return None
    declarator = declarators[0]
    declaration = declarator.parent
    if (
        declaration is None
        or declaration.type not in _DECLARATIONS
        or module.text(declaration).lstrip().startswith("const")
        or unwrap(declarator.child_by_field_name("name")).type != "identifier"
        or declarator.start_byte > use.start_byte
    ):
        return None
    assignments = module.assignments.get(name, [])
    if not assignments or any(a.start_byte > use.start_byte and _scope(a) == scope for a in assignments):
        return None  # a value chosen after the write (or never chosen) is not this reading
    block = declaration.parent
    if block is None:
        return None
    siblings = [c for c in block.named_children if c.type != "comment"]
    start = siblings.index(declaration) if declaration in siblings else -1
    holder = next((s for s in siblings if s.start_byte <= use.start_byte < s.end_byte), None)
    if start < 0 or holder is None:
        return None
    between = siblings[start + 1 : siblings.index(holder)]
    handled: set[int] = set()
    paths: list[Path] | None = [(declarator.child_by_field_name("value"), ())]
    for statement in between:
        if paths is None:
            return None
        paths = _statement(module, name, statement, paths, atom, handled)
    if paths is None or not paths or len(paths) > _MAX_PATHS:
        return None
    # every write of the name before the use must be one the paths account for
    for node in walk(block):
        if node.start_byte >= use.start_byte:
            break
        if node.type in _WRITES and _writes(module, node, name) and node.id not in handled:
            return None
    return paths, holder, _DECIDED in handled


def undone_unless_read(state: Steps, read: Callable[[], T | None]) -> T | None:
    """`read()`, with what its tests recorded on `state` (the allow-lists they name, the
    variable whose absence decided one) taken back when it reads nothing."""
    saved = (state.guard, len(state.more_guards), state.unset, state.undecided)
    found = read()
    if found is None:
        state.guard, state.unset, state.undecided = saved[0], saved[2], saved[3]
        del state.more_guards[saved[1] :]
    return found


def chosen_if(
    state: Steps,
    name: str,
    split: tuple[list[Path], list[Path]],
    branches: tuple[Node | None, Node | None],
    when: tuple[str, ...],
    run: Callable[[Steps, Node, tuple[str, ...]], bool],
) -> bool:
    """`if (allowed) {...} else {...}` on such a `let`: each branch read once per path that
    takes it, under that path's tests, with the name fixed to the path's value (`state.chosen`,
    read by the interpreter's header writes); True when every run ended the request."""
    ended = True
    for branch, paths in zip(branches, split, strict=True):
        for value, tests in paths:
            state.chosen[name] = value
            done = run(state, branch, (*when, *tests)) if branch is not None else False
            ended = ended and done
            del state.chosen[name]
    return ended


def _statement(
    module: JsModule,
    name: str,
    statement: Node,
    paths: list[Path],
    atom: Callable[[Node], str | None],
    handled: set[int],
) -> list[Path] | None:
    """The paths after `statement` runs on each of `paths`."""
    if not _mentions_write(module, statement, name):
        if statement.type in _ENDS:
            return []
        if (early := _early_exit(module, name, statement)) is not None:
            # `if (!allowed) return res.sendStatus(403);`: the paths that leave go no further
            return [(v, t) for v, t in paths if (v is None or _falsy(module, v)) != early]
        return paths
    if statement.type == "statement_block":
        for inner in [c for c in statement.named_children if c.type != "comment"]:
            next_paths = _statement(module, name, inner, paths, atom, handled)
            if next_paths is None:
                return None
            paths = next_paths
        return paths
    if statement.type == "expression_statement":
        inner = [c for c in statement.named_children if c.type != "comment"]
        target = unwrap(inner[0]) if len(inner) == 1 else None
        if (
            target is None
            or target.type != "assignment_expression"
            or module.text(unwrap(target.child_by_field_name("left"))) != name
            or unwrap(target.child_by_field_name("left")).type != "identifier"
        ):
            return None
        right = target.child_by_field_name("right")
        if right is None or any(n.type == "identifier" and module.text(n) == name for n in walk(right)):
            return None  # `x = x.trim()`: a value built from the earlier one is not followed
        handled.add(target.id)
        return [(right, tests) for _, tests in paths]
    if statement.type != "if_statement":
        return None  # a loop, `try` or `switch` choosing the value: not followed
    test = statement.child_by_field_name("condition")
    if test is None or _mentions_write(module, test, name):
        return None
    condition = atom(test)
    if condition is None:
        return None
    consequence = statement.child_by_field_name("consequence")
    alternative = statement.child_by_field_name("alternative")
    else_branch = None
    if alternative is not None:
        inner = [c for c in alternative.named_children if c.type != "comment"]
        else_branch = inner[0] if inner else None
    if condition in {"TRUE", "FALSE"}:
        taken = consequence if condition == "TRUE" else else_branch
        skipped = else_branch if condition == "TRUE" else consequence
        # the arm never taken writes nothing (`typeof options.origin === 'function'`, SWEEP13 M3)
        if skipped is not None:
            handled.update(n.id for n in walk(skipped) if n.type in _WRITES)
        handled.add(_DECIDED)
        return paths if taken is None else _statement(module, name, taken, paths, atom, handled)
    negated = condition[1:] if condition.startswith("!") else f"!{condition}"
    result: list[Path] = []
    for arm, atom_text in ((consequence, condition), (else_branch, negated)):
        arm_paths = [(value, (*tests, atom_text)) for value, tests in paths]
        if arm is not None:
            followed = _statement(module, name, arm, arm_paths, atom, handled)
            if followed is None:
                return None
            arm_paths = followed
        result.extend(arm_paths)
        if len(result) > _MAX_PATHS:
            return None
    return result


def _early_exit(module: JsModule, name: str, statement: Node) -> bool | None:
    """For `if (!name) return ...` (True: the unset paths leave) or `if (name) return ...`
    (False: the set ones do), without an `else`; None for any other statement."""
    if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
        return None
    test = statement.child_by_field_name("condition")
    consequence = statement.child_by_field_name("consequence")
    if test is None or consequence is None:
        return None
    test = unwrap(test)
    negated = test.type == "unary_expression" and module.text(test).startswith("!")
    operand = unwrap(test.child_by_field_name("argument")) if negated else test
    if operand is None or operand.type != "identifier" or module.text(operand) != name:
        return None
    body = consequence
    if body.type == "statement_block":
        inner = [c for c in body.named_children if c.type != "comment"]
        body = inner[-1] if inner else body
    return negated if body.type in _ENDS else None


def _mentions_write(module: JsModule, node: Node, name: str) -> bool:
    return any(n.type in _WRITES and _writes(module, n, name) for n in walk(node))


def _writes(module: JsModule, node: Node, name: str) -> bool:
    target = node.child_by_field_name("left") or node.child_by_field_name("argument")
    return target is not None and unwrap(target).type == "identifier" and module.text(unwrap(target)) == name


def _scope(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        parent = parent.parent
    return parent


def _falsy(module: JsModule, node: Node) -> bool:
    node = unwrap(node)
    return module.text(node) in _FALSY or string_value(node) == ""


def _under_truthiness_test(module: JsModule, use: Node, holder: Node) -> bool:
    """Whether `use` is written only inside `if (name)` / `if (name && ...)` (no `else`)."""
    name = module.text(use)
    parent = use.parent
    while parent is not None and parent.start_byte >= holder.start_byte:
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            inside = (
                consequence is not None and consequence.start_byte <= use.start_byte < consequence.end_byte
            )
            text = module.text(condition).strip("() ") if condition is not None else ""
            if inside and name in (operand.strip("() ") for operand in text.split("&&")):
                return True
        if parent == holder:
            break
        parent = parent.parent
    return False
