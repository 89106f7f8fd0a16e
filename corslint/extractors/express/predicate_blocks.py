"""Same-file Origin predicates written as a block of statements, read as the allow-list
they test: `function isAllowedOrigin(origin) { if (!origin) return false; return LAN.test(origin)
|| PREVIEW.test(origin) || configured().includes(origin); }` (census 6 sample 57,
6ummy/retake-web-prototype `api/_cors.js`), or a branch on an environment variable before the
literal list (`if (process.env.ALLOWED_ORIGINS) { ...; return list.concat(extra).includes(o) }
return list.includes(o)`, census 6 sample 193, DAX0J/fdgl-2 `netlify/functions/utils/cors.js`).

A branch the deployment decides (an unset variable, production) is read on the side it takes,
as origin callbacks' branches are (`origin_guards.decided`); every `return true` test adds its
entries; a test that returns `false` may only turn a missing Origin away; the final return is
`false` or a test of its own."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.express.mixed_entries import quiet_returned, quiet_statements
from corslint.extractors.express.origin_guards import decided
from corslint.extractors.express.origin_list_reads import presence_test
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value

Entries = tuple[list[Value], bool]
Membership = Callable[[JsModule, Node, str, bool], "Entries | None"]

_MAX_DEPTH = 4  # nested decided branches followed


def block_predicate_entries(
    module: JsModule, block: Node, name: str, membership: Membership
) -> Entries | None:
    """The entries a predicate body admits `name` against, and whether a missing Origin
    passes; None where any statement is not of the shapes above."""
    return _read(module, block, name, membership, 0)


def _read(module: JsModule, block: Node, name: str, membership: Membership, depth: int) -> Entries | None:
    if depth > _MAX_DEPTH:
        return None
    statements = quiet_statements(module, block) if block.type == "statement_block" else [block]
    if not statements:
        return None
    entries: list[Value] = []
    admits_missing: bool | None = None
    for index, statement in enumerate(statements):
        if statement.type == "return_statement":
            if index != len(statements) - 1:
                return None
            returned = quiet_returned(module, block, statement) if block.type == "statement_block" else None
            if returned is None and block.type != "statement_block":
                inner = [c for c in statement.named_children if c.type != "comment"]
                returned = unwrap(inner[0]) if len(inner) == 1 else None
            if returned is None or returned.type == "true":
                return None  # every Origin left passes: no allow-list
            if returned.type != "false":
                found = membership(module, returned, name, True)
                if found is None:
                    return None
                entries += found[0]
                admits_missing = found[1] if admits_missing is None else admits_missing
            return entries, bool(admits_missing)
        if statement.type == "lexical_declaration" and module.text(statement).startswith("const"):
            continue  # `const wl = parseOrigins();`: a local the tests below read
        if statement.type != "if_statement":
            return None
        test = unwrap(statement.child_by_field_name("condition"))
        consequence = statement.child_by_field_name("consequence")
        alternative = statement.child_by_field_name("alternative")
        taken = decided(module, test)
        if taken is not None and not _reads_name(module, test, name):
            # the deployment picks a side: the rest of the predicate is that side, then what follows
            arm = consequence if taken else _else_body(alternative)
            if arm is None:
                continue
            if _returns(arm):
                found = _read(module, arm, name, membership, depth + 1)
                if found is None:
                    return None
                return entries + found[0], bool(admits_missing) or found[1]
            return None
        if alternative is not None or consequence is None:
            return None
        answer = _returned(module, consequence)
        if answer is None:
            return None
        negated = test.child_by_field_name("argument") if module.text(test).startswith("!") else None
        if answer.type == "false" and negated is not None and presence_test(module, negated, name):
            admits_missing = False if admits_missing is None else admits_missing  # `if (!o) return false`
            continue
        if answer.type != "true":
            return None
        found = membership(module, test, name, True)
        if found is None:
            return None
        entries += found[0]
        admits_missing = found[1] if admits_missing is None else admits_missing
    return None  # running off the end returns undefined after tests that may hold


def _reads_name(module: JsModule, test: Node, name: str) -> bool:
    return any(module.text(node) == name for node in _identifiers(test))


def _identifiers(node: Node) -> list[Node]:
    found = [node] if node.type == "identifier" else []
    for child in node.named_children:
        found += _identifiers(child)
    return found


def _else_body(alternative: Node | None) -> Node | None:
    if alternative is None:
        return None
    body = [c for c in alternative.named_children if c.type != "comment"]
    return body[0] if len(body) == 1 else None


def _returns(arm: Node) -> bool:
    """Whether the arm ends by returning (a block whose last statement is a `return`)."""
    if arm.type == "return_statement":
        return True
    statements = [c for c in arm.named_children if c.type != "comment"]
    return arm.type == "statement_block" and bool(statements) and statements[-1].type == "return_statement"


def _returned(module: JsModule, consequence: Node) -> Node | None:
    """The value an `if` arm returns when it only returns."""
    statement = consequence
    if consequence.type == "statement_block":
        statements = quiet_statements(module, consequence)
        if statements is None or len(statements) != 1:
            return None
        statement = statements[0]
    if statement.type != "return_statement":
        return None
    inner = [c for c in statement.named_children if c.type != "comment"]
    return unwrap(inner[0]) if len(inner) == 1 else None
