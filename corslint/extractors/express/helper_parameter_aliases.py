"""Locals a header helper copies its parameters into before writing through them, read with
what one call hands it (stenoip/oodles `api/_cors.js`, a Vercel functions helper):

    function setCors(req, res) {
      var actualReq = req;
      var actualRes = res;
      if (!res && req && req.setHeader) { actualRes = req; actualReq = req.req; }
      ...actualReq.headers.origin ... actualRes.setHeader(...)

Each local starts as the parameter it is declared from. An `if` (without `else`) holding
only reassignments of such locals is followed where the call decides its test: a conjunction
of parameters tested for presence (`res`, `!res`: passed or not) and of methods a Node
response has (`req.setHeader` on a parameter handed the response). Handed `(req, res)`, the
test fails at `!res` and the locals stay the parameters; handed `(res)` alone, it holds, and
`actualRes` is the response and `actualReq` its `res.req` (Node's `ServerResponse.req`, 15.7+).
A local assigned anywhere else, a test not decided so, or a value of no known role leaves
the local unread: its writes are not guessed at."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, conjuncts, unwrap

REQUEST = "request"
RESPONSE = "response"
ABSENT = "absent"  # a parameter the call passes nothing for
# ServerResponse methods: present on the response a caller hands over
_RESPONSE_METHODS = frozenset({"setHeader", "getHeader", "writeHead", "end", "write", "removeHeader"})
_DECLARATIONS = frozenset({"variable_declaration", "lexical_declaration"})


def aliased_roles(module: JsModule, helper: Node, roles: dict[str, str]) -> dict[str, str]:
    """The roles (REQUEST or RESPONSE) of the helper's parameter copies, given the roles of
    its parameters under one call (ABSENT for those not passed)."""
    body = helper.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return {}
    known = dict(roles)
    copies: dict[str, str | None] = {}
    followed: set[int] = set()  # the reassignments read here
    for statement in body.named_children:
        if statement.type in _DECLARATIONS:
            for declarator in statement.named_children:
                name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
                if name is None or value is None or name.type != "identifier":
                    continue
                value = unwrap(value)
                if value.type == "identifier" and module.text(value) in roles:
                    copies[module.text(name)] = known[module.text(value)]
                    known[module.text(name)] = known[module.text(value)]
        elif statement.type == "if_statement" and copies:
            assignments = _reassignments(module, statement, copies)
            if assignments is None:
                continue
            decided = _decided(module, statement.child_by_field_name("condition"), known)
            for assignment in assignments:
                followed.add(assignment.id)
                name = module.text(assignment.child_by_field_name("left"))
                if decided is None:
                    copies[name] = None
                elif decided:
                    copies[name] = _role(module, assignment.child_by_field_name("right"), known)
                known[name] = copies[name] or ""
    found: dict[str, str] = {}
    for name, role in copies.items():
        others = [a for a in module.assignments.get(name, []) if a.id not in followed and _inside(a, helper)]
        if role in {REQUEST, RESPONSE} and not others and name not in roles:
            found[name] = role
    return found


def _reassignments(module: JsModule, statement: Node, copies: dict[str, str | None]) -> list[Node] | None:
    """The assignments an `if` without `else` consists of, when each reassigns a copy."""
    if statement.child_by_field_name("alternative") is not None:
        return None
    block = statement.child_by_field_name("consequence")
    statements = block.named_children if block is not None and block.type == "statement_block" else [block]
    found = []
    for inner in statements:
        if inner is None:
            return None
        if inner.type == "comment":
            continue
        expression = inner.named_children[0] if inner.type == "expression_statement" else None
        if expression is None or expression.type != "assignment_expression":
            return None
        if module.text(expression.child_by_field_name("left")) not in copies:
            return None
        found.append(expression)
    return found or None


def _decided(module: JsModule, test: Node | None, known: dict[str, str]) -> bool | None:
    """Whether the call makes `test` hold; None where it is not decided so."""
    if test is None:
        return None
    for conjunct in conjuncts(unwrap(test)):
        value = _truth(module, conjunct, known)
        if value is None:
            return None
        if not value:
            return False  # `&&` stops here: what follows is never evaluated
    return True


def _truth(module: JsModule, node: Node, known: dict[str, str]) -> bool | None:
    node = unwrap(node)
    if node.type == "unary_expression" and module.text(node).startswith("!"):
        argument = node.child_by_field_name("argument")
        inner = _truth(module, argument, known) if argument is not None else None
        return None if inner is None else not inner
    if node.type == "identifier":
        role = known.get(module.text(node))
        return None if not role else role != ABSENT
    if node.type == "member_expression":
        holder = unwrap(node.child_by_field_name("object"))
        method = module.text(node.child_by_field_name("property"))
        if (
            holder.type == "identifier"
            and known.get(module.text(holder)) == RESPONSE
            and method in _RESPONSE_METHODS
        ):
            return True
    return None


def _role(module: JsModule, value: Node | None, known: dict[str, str]) -> str | None:
    """What an assigned value is: a copy or parameter of known role, or `res.req`."""
    value = unwrap(value) if value is not None else None
    if value is None:
        return None
    if value.type == "identifier":
        return known.get(module.text(value)) or None
    if value.type == "member_expression":
        holder = unwrap(value.child_by_field_name("object"))
        if (
            holder.type == "identifier"
            and known.get(module.text(holder)) == RESPONSE
            and module.text(value.child_by_field_name("property")) == "req"
        ):
            return REQUEST  # Node's `ServerResponse.req`
    return None


def _inside(node: Node, helper: Node) -> bool:
    return bool(helper.start_byte <= node.start_byte < helper.end_byte)  # nested functions too
