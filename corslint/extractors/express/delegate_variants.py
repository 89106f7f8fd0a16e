"""A `cors` options delegate that completes one options object in `if` arms before handing
it over (`cors(delegate)`, NestJS `app.enableCors(delegate)`):

    function corsOptionsDelegate(req, callback) {
      const options = { maxAge: 600, credentials: false };
      if (isPublicRoute(req.url)) options.origin = '*';
      else options.origin = [process.env.APP_URL];
      callback(null, options);
    }

Each arm of the deciding `if` chain hands the package different options for the requests
it covers: each is a configuration the app runs with, judged on its own, and their
`branch` paths tell CORS302 that they never run together. Pushes onto a list option
(`options.origin.push(url)`) count in every arm they run in, also under a further
condition (the more permissive configuration that arm runs with); an assignment under
another condition leaves that option unknown (CORS305) rather than guessed. The delegate may live
in another module (imported, or re-exported through an index); its values are reported
where it writes them."""

from __future__ import annotations

from dataclasses import dataclass

from corslint.extractors.express.branches import arms_around
from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.option_variants import OptionVariant
from corslint.extractors.express.options import allow_list_of_test, option_map
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import Provenance, Value


@dataclass(frozen=True)
class _Mutation:
    """A change the delegate makes to its options object in one arm."""

    node: Node
    option: str
    value: Node | None  # `options.x = value`; None for a push
    pushed: tuple[Node, ...] = ()


def delegate_option_variants(module: JsModule, argument: Node) -> list[OptionVariant]:
    """One variant per arm of the delegate's deciding `if` chain (and one for no arm when
    the chain has no final `else`); [] when `argument` is not such a delegate."""
    found = functions_of(module, argument)
    if len(found) != 1:
        return []
    home, function = found[0]
    parameters = parameter_names(home, function)
    if len(parameters) < 2:
        return []
    name = _handed_over(home, function, parameters[1])
    base = _declared_object(home, function, name) if name is not None else None
    if name is None or base is None:
        return []
    mutations = _mutations(home, function, name)
    if mutations is None:
        return []
    chain = _deciding_chain(function, [m for m in mutations if m.value is not None])
    if chain is None:
        return []
    variants = []
    for arm, branch in _arms(chain):
        raw = dict(base.raw)
        for mutation in mutations:
            _apply(home, raw, mutation, function, chain, arm)
        origin = raw.get("origin")
        test = _arm_test(chain, arm)
        if origin is not None and origin.raw is True and test is not None:
            raw["origin"] = request_decided_origin(home, function, parameters[0], test, origin)
        options, evidence = option_map(home, Value(raw, base.location), function)
        variants.append(OptionVariant(branch, options, evidence))
    return variants


def _arm_test(chain: list[Node], arm: Node | None) -> Node | None:
    """The test that leads into `arm` (an `if`'s or an `else if`'s consequence)."""
    for member in chain:
        if arm is not None and member.child_by_field_name("consequence") == arm:
            return member.child_by_field_name("condition")
    return None


def request_decided_origin(
    module: JsModule, function: Node, request: str, test: Node, origin: Value
) -> Value:
    """`origin: true` set only where a test of the request holds (AbhiAk49/contact-backend
    `src/middlewares/cors.js`: `if (!host || trustedHosts.some((p) => p.test(host)))` with
    `host = new URL(req.get("origin")).hostname`): the Origins the test admits are reflected,
    not every one. Read as the allow-list the test stands for, else unknown (CORS305)."""
    readers = {request} | _request_locals(module, function, request)
    if not any(node.type == "identifier" and module.text(node) in readers for node in walk(test)):
        return origin
    return allow_list_of_test(module, request, test, origin.location) or Value(
        None,
        origin.location,
        Provenance.UNKNOWN,
        description="origin reflected where a test of the request holds",
    )


def _request_locals(module: JsModule, function: Node, request: str) -> set[str]:
    """Names the function binds or assigns to an expression that reads the request."""
    names = set()
    for node in walk(function):
        if node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type == "assignment_expression":
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        else:
            continue
        if target is None or value is None or unwrap(target).type != "identifier":
            continue
        if any(part.type == "identifier" and module.text(part) == request for part in walk(value)):
            names.add(module.text(unwrap(target)))
    return names


def _handed_over(module: JsModule, function: Node, callback: str) -> str | None:
    """The name of the one options object the delegate passes to its callback."""
    answers = []
    for node in walk(function):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        if callee is None or module.text(callee) != callback:
            continue
        arguments = node.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if len(named) < 2:
            return None
        answers.append(unwrap(named[1]))
    if len(answers) != 1 or answers[0].type != "identifier":
        return None
    return module.text(answers[0])


def _declared_object(module: JsModule, function: Node, name: str) -> Value | None:
    declared = [
        node
        for node in walk(function)
        if node.type == "variable_declarator"
        and (target := node.child_by_field_name("name")) is not None
        and module.text(target) == name
    ]
    if len(declared) != 1 or declared[0].child_by_field_name("value") is None:
        return None
    value = module.resolve(declared[0].child_by_field_name("value"))
    return value if value.known and isinstance(value.raw, dict) else None


def _mutations(module: JsModule, function: Node, name: str) -> list[_Mutation] | None:
    """`name.option = value` and `name.option.push(...)`; None when `name` changes otherwise."""
    found: list[_Mutation] = []
    for node in walk(function):
        if node.type == "assignment_expression":
            left = unwrap(node.child_by_field_name("left"))
            if module.text(left) == name:
                return None  # the whole object replaced
            if left.type in {"member_expression", "subscript_expression"} and _root(module, left) == name:
                prop = left.child_by_field_name("property")
                if (
                    left.type != "member_expression"
                    or prop is None
                    or left.child_by_field_name("object") is None
                    or module.text(unwrap(left.child_by_field_name("object"))) != name
                ):
                    return None
                found.append(_Mutation(node, module.text(prop), node.child_by_field_name("right")))
        elif node.type == "call_expression":
            callee = unwrap(node.child_by_field_name("function"))
            if callee.type != "member_expression" or _root(module, callee) != name:
                continue
            target = unwrap(callee.child_by_field_name("object"))
            method = module.text(callee.child_by_field_name("property"))
            inner = target.child_by_field_name("object") if target.type == "member_expression" else None
            if method != "push" or inner is None or module.text(unwrap(inner)) != name:
                return None
            arguments = node.child_by_field_name("arguments")
            pushed = tuple(c for c in arguments.named_children if c.type != "comment") if arguments else ()
            found.append(_Mutation(node, module.text(target.child_by_field_name("property")), None, pushed))
    return found or None


def _root(module: JsModule, node: Node) -> str:
    while node.type in {"member_expression", "subscript_expression"}:
        node = unwrap(node.child_by_field_name("object"))
    return module.text(node)


def _ifs_between(node: Node, function: Node) -> list[Node]:
    """The `if` statements around `node` inside `function`, outermost first."""
    found = []
    parent = node.parent
    while parent is not None and parent != function:
        if parent.type == "if_statement":
            found.append(parent)
        parent = parent.parent
    return list(reversed(found))


def _deciding_chain(function: Node, assignments: list[_Mutation]) -> list[Node] | None:
    """The `if` / `else if` chain whose arms assign options: exactly one, outermost."""
    heads = {ifs[0].start_byte: ifs[0] for m in assignments if (ifs := _ifs_between(m.node, function))}
    if len(heads) != 1:
        return None
    head = next(iter(heads.values()))
    while head.parent is not None and head.parent.type == "else_clause":  # an inner else-if
        owner = head.parent.parent
        if owner is None or owner.type != "if_statement":
            break
        head = owner
    chain = [head]
    while True:
        alternative = chain[-1].child_by_field_name("alternative")
        inner = [c for c in alternative.named_children if c.type != "comment"] if alternative else []
        if len(inner) == 1 and inner[0].type == "if_statement":
            chain.append(inner[0])
        else:
            return chain


def _arms(chain: list[Node]) -> list[tuple[Node | None, str]]:
    """Each arm's body (None: no arm ran) with its branch path."""
    arms: list[tuple[Node | None, str]] = []
    for member in chain:
        consequence = member.child_by_field_name("consequence")
        if consequence is not None:
            arms.append((consequence, arms_around(consequence)))
    last = chain[-1]
    alternative = last.child_by_field_name("alternative")
    if alternative is not None:
        arms.append((alternative, arms_around(alternative)))
    else:
        where = f"{last.start_point[0] + 1}:{last.start_point[1]}"
        inner = arms_around(last)
        arms.append((None, f"{inner}/else@{where}" if inner else f"else@{where}"))
    return arms


def _inside(node: Node, outer: Node) -> bool:
    return bool(outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte)


def _apply(
    module: JsModule,
    raw: dict[str, Value],
    mutation: _Mutation,
    function: Node,
    chain: list[Node],
    arm: Node | None,
) -> None:
    in_chain = _inside(mutation.node, chain[0])
    if in_chain and (arm is None or not _inside(mutation.node, arm)):
        return  # another arm's
    ifs = _ifs_between(mutation.node, arm if arm is not None and in_chain else function)
    if mutation.value is not None:
        if ifs:  # under a further condition: the option may or may not be set
            raw[mutation.option] = Value(
                None, module.location(mutation.node), Provenance.UNKNOWN, description="set under a condition"
            )
        else:
            raw[mutation.option] = module.resolve(mutation.value)
        return
    current = raw.get(mutation.option)
    pushed = tuple(module.resolve(node) for node in mutation.pushed)
    if current is not None and current.known and isinstance(current.raw, tuple):
        raw[mutation.option] = Value((*current.raw, *pushed), current.location, current.provenance)
    else:
        raw[mutation.option] = Value(
            None, module.location(mutation.node), Provenance.UNKNOWN, description="a list built at run time"
        )
