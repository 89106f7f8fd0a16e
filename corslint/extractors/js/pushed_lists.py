"""A list a project's own parameterless helper builds by pushes chosen by environment
variables, as it comes out with those variables unset:

    const getAllowedOrigins = () => {
      const origins = [];
      if (process.env.ADMIN_URL) origins.push(...process.env.ADMIN_URL.split(","));
      else origins.push("http://localhost:3000");
      return origins;
    };

(Hidayattt24/bukadita-api-v2 `src/app.ts`, called inside its cors origin callback). Each
`if` on a variable takes the arm its absence takes, so the helper returns the defaults
written in the `else` arms, judged "when ADMIN_URL is unset" like a default written with
`||`. Anything but declarations, pushes and such `if`s leaves the helper unknown."""

from __future__ import annotations

from typing import Protocol, cast

from corslint.extractors.js.conversions import arm_when_unset, truthy
from corslint.extractors.js.parsed_module import ParsedModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Provenance, Value

_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


class _Module(Protocol):
    def text(self, node: Node) -> str: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...


def pushed_list(module: _Module, function: Node, use: Location, depth: int) -> Value | None:
    """The list the helper returns with its variables unset; None for any other helper."""
    parameters = function.child_by_field_name("parameters")
    if parameters is not None and parameters.named_children:
        return None
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    statements = [child for child in body.named_children if child.type != "comment"]
    if len(statements) < 3:
        return None
    name = _empty_list(module, statements[0])
    last = statements[-1]
    returned = (
        [c for c in last.named_children if c.type != "comment"] if last.type == "return_statement" else []
    )
    if name is None or len(returned) != 1 or module.text(unwrap(returned[0])) != name:
        return None
    items: list[Value] = []
    unset: list[str] = []
    if not _run(module, statements[1:-1], name, items, unset, depth):
        return None
    if not unset:
        return None  # no variable chose anything: the resolver reads such lists itself
    return Value(tuple(items), use, Provenance.ENV_DEFAULT, unset[0], module.text(function)[:80])


def _empty_list(module: _Module, statement: Node) -> str | None:
    """`const origins = []` (or `: string[] = []`) -> "origins"."""
    if statement.type not in _DECLARATIONS:
        return None
    declarators = [c for c in statement.named_children if c.type == "variable_declarator"]
    if len(declarators) != 1:
        return None
    local, value = declarators[0].child_by_field_name("name"), declarators[0].child_by_field_name("value")
    if local is None or value is None or local.type != "identifier" or unwrap(value).type != "array":
        return None
    return module.text(local) if not unwrap(value).named_children else None


def _run(
    module: _Module, statements: list[Node], name: str, items: list[Value], unset: list[str], depth: int
) -> bool:
    for statement in statements:
        if statement.type in _DECLARATIONS:
            if name in {
                module.text(c.child_by_field_name("name"))
                for c in statement.named_children
                if c.type == "variable_declarator"
            }:
                return False
            continue
        if statement.type == "statement_block":
            if not _run(
                module,
                [c for c in statement.named_children if c.type != "comment"],
                name,
                items,
                unset,
                depth,
            ):
                return False
            continue
        if statement.type == "expression_statement":
            if not _push(module, statement, name, items, depth):
                return False
            continue
        if statement.type != "if_statement":
            return False
        taken = _arm_taken(module, statement.child_by_field_name("condition"), unset)
        if taken is None:
            return False
        arm = statement.child_by_field_name("consequence" if taken else "alternative")
        if arm is not None and arm.type == "else_clause":
            arm = next((c for c in arm.named_children if c.type != "comment"), None)
        if arm is not None and not _run(module, [arm], name, items, unset, depth):
            return False
    return True


def _arm_taken(module: _Module, condition: Node | None, unset: list[str]) -> bool | None:
    """Which arm an `if` on an environment variable takes with the variable unset (or at
    its written default)."""
    if condition is None:
        return None
    test = unwrap(condition)
    value = module.resolve(test)
    if value.known and value.provenance is Provenance.ENV_DEFAULT and value.env_var:
        unset.append(value.env_var)
        return truthy(value.raw)
    read = unwrap(test.child_by_field_name("argument")) if test.type == "unary_expression" else test
    variable = module.resolve(read).env_var
    if not variable:
        return None
    taken = arm_when_unset(cast(ParsedModule, module), test)
    if taken is not None:
        unset.append(variable)
    return taken


def _push(module: _Module, statement: Node, name: str, items: list[Value], depth: int) -> bool:
    """`origins.push(a, ...b)`: its arguments, a spread list's entries one by one."""
    inner = [c for c in statement.named_children if c.type != "comment"]
    call = unwrap(inner[0]) if inner else None
    if call is None or call.type != "call_expression":
        return False
    if module.text(call.child_by_field_name("function")).replace(" ", "") != f"{name}.push":
        return False
    arguments = call.child_by_field_name("arguments")
    for argument in arguments.named_children if arguments is not None else []:
        if argument.type == "comment":
            continue
        if argument.type == "spread_element":
            spread = (
                module.resolve(argument.named_children[0], depth + 1) if argument.named_children else None
            )
            if spread is None or not spread.known or not isinstance(spread.raw, tuple):
                return False
            items.extend(spread.raw)
            continue
        value = module.resolve(argument, depth + 1)
        if not value.known:
            return False
        items.append(value)
    return True
