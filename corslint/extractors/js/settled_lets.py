"""A `let` reassigned under tests the deployment decides, read where it is used:

    let cors = undefined;
    if (isDev) {
        cors = { origin: "*" };
    }
    this.io = new Server(this.httpServer, { cors });

(louislam/uptime-kuma `server/uptime-kuma-server.js`, with `isDev = process.env.NODE_ENV ===
"development"`). Judged as deployed, like a push onto a list (`list_pushes`): NODE_ENV as in
production, other variables at their defaults; each assignment whose `if` is taken replaces
the value. Only where every assignment is a statement of the declaration's own function
(or module), written before the use, under no test or one such decided test; anything else
leaves the value unknown, as before."""

from __future__ import annotations

from typing import Protocol

from corslint.extractors.js.list_pushes import deciding_variable, runs_when_deployed, scope_of
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Provenance, Value

_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


class _Module(Protocol):
    source: bytes
    declarators: dict[str, list[Node]]
    assignments: dict[str, list[Node]]

    def text(self, node: Node) -> str: ...
    def of_kind(self, *kinds: str) -> list[Node]: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...
    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...


def settled_let(module: _Module, name: str, use: Node, location: Location, depth: int) -> Value | None:
    """The value `name` holds at `use` when every reassignment before it is decided as
    deployed; None otherwise."""
    declarators = module.declarators.get(name, [])
    if len(declarators) != 1:
        return None
    declarator = declarators[0]
    if declarator.parent is None or declarator.parent.type not in _DECLARATIONS:
        return None
    if unwrap(declarator.child_by_field_name("name")).type != "identifier":
        return None
    assignments = module.assignments.get(name, [])
    if not assignments or any(
        unwrap(assignment.child_by_field_name("left")).type != "identifier"
        or assignment.start_byte > use.start_byte
        for assignment in assignments
    ):
        return None
    scope = scope_of(declarator)
    if scope_of(use) != scope:
        return None
    initial = declarator.child_by_field_name("value")
    value = module.resolve(initial, depth + 1) if initial is not None else Value(None, location)
    variable = None  # `if (process.env.X) cors = ...`: the value holds "when X is unset"
    for assignment in sorted(assignments, key=lambda node: node.start_byte):
        taken = runs_when_deployed(module, assignment, scope)
        if taken is None:
            return None
        variable = variable or deciding_variable(module, assignment, scope)
        if taken:
            value = module.resolve(assignment.child_by_field_name("right"), depth + 1)
    if not value.known:
        return None
    provenance, env_var = Provenance.CONSTANT, value.env_var
    if variable is not None and not value.env_var:
        provenance, env_var = Provenance.ENV_DEFAULT, variable
    return Value(value.raw, location, provenance, env_var, value.description, (value.location,))
