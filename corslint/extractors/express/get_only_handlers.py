"""Hand-written handlers that serve GET alone: their body, before anything else, turns away
every other method (`if (req.method !== 'GET') return res.status(405).end()`), in place or
in a helper they call with the request first (`guardOnlyGet(req, res)`, XLNT/use.nifti.es
`server/handler.ts`, heldout 14). A page reads such an endpoint with simple GETs, which are
never preflighted, so preflights left without Allow-Headers break nothing it serves; an
authenticated GET is preflighted, which CORS206 still judges through its bearer evidence."""

from __future__ import annotations

import re

from corslint.extractors.express.response_headers import called_functions
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence

_OTHER_THAN_GET = re.compile(
    r"""^\(?\s*[\w$.]*\.(?:method|httpMethod)\s*!==?\s*['"`]GET['"`]\s*\)?$"""
    r"""|^\(?\s*['"`]GET['"`]\s*!==?\s*[\w$.]*\.(?:method|httpMethod)\s*\)?$"""
)

# a test for a method other than OPTIONS (answered before the refusal, as guardOnlyGet does)
_SERVES_A_METHOD = re.compile(r"""(?:method|httpMethod)\s*===?\s*['"`](?!OPTIONS['"`])[A-Z]+['"`]""")


def get_only_evidence(module: JsModule, function: Node) -> Evidence | None:
    """The "reads-only" evidence for a handler that refuses every method but GET at the top
    of its body (OPTIONS may be answered before); None otherwise."""
    found = _refusing_statement(module, function, follow=True)
    if found is None:
        return None
    home, statement = found
    return Evidence(
        "reads-only",
        f"the handler answers every method but GET with `{home.text(statement).splitlines()[0].strip()}`",
        home.location(statement),
    )


def _refusing_statement(module: JsModule, function: Node, *, follow: bool) -> tuple[JsModule, Node] | None:
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    for statement in body.named_children:
        if statement.type == "comment":
            continue
        if statement.type == "if_statement" and _refuses_other_methods(module, statement):
            return module, statement
        if _SERVES_A_METHOD.search(module.text(statement)):
            return None  # `if (req.method === 'POST') {...}` first: that method is served
        if statement.type == "expression_statement" and follow:
            call = unwrap(statement.named_children[0]) if statement.named_children else None
            if call is not None and call.type == "await_expression" and call.named_children:
                call = unwrap(call.named_children[0])
            callee = (
                call.child_by_field_name("function")
                if call is not None and call.type == "call_expression"
                else None
            )
            for home, helper in called_functions(module, callee) if callee is not None else []:
                found = _refusing_statement(home, helper, follow=False)
                if found is not None:
                    return found
    return None


def _refuses_other_methods(module: JsModule, statement: Node) -> bool:
    condition = statement.child_by_field_name("condition")
    consequence = statement.child_by_field_name("consequence")
    if condition is None or consequence is None or statement.child_by_field_name("alternative") is not None:
        return False
    if _OTHER_THAN_GET.match(module.text(condition).strip()) is None:
        return False
    if consequence.type == "return_statement":
        return True
    return consequence.type == "statement_block" and any(
        child.type == "return_statement" for child in consequence.named_children
    )
