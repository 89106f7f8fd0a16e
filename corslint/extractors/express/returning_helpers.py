"""A header value returned by a same-file helper of no parameters, read as the expression it
returns: `res.setHeader("Access-Control-Allow-Origin", resolveAllowedOrigin())` with

    function resolveAllowedOrigin() {
      const configured = (process.env.CORS_ORIGIN || "").trim();
      if (configured) return configured;
      return NODE_ENV === "production" ? "null" : DEV_ORIGIN;
    }

(census 6 sample 234). Its early returns must be decided by the deployment (an unset
variable, production), as an origin callback's branches are (`origin_guards.decided`); the
expression left is what is written, judged "when X is unset" for the variable that decided."""

from __future__ import annotations

from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.mixed_entries import quiet_returned
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.origin_guards import decided
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def zero_argument_return(module: JsModule, call: Node) -> tuple[Node, str | None] | None:
    """The expression the called helper returns for this deployment, and the environment
    variable whose absence decided an early return; None where the call is no such helper."""
    call = unwrap(call)
    if call.type != "call_expression" or call_arguments(call):
        return None
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "identifier":
        return None
    helper = module.top_function(module.text(callee))
    if helper is None:
        return None
    parameters = helper.child_by_field_name("parameters")
    if parameters is not None and parameters.named_children:
        return None
    body = helper.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return unwrap(body), None
    unset: str | None = None
    statements = [child for child in body.named_children if child.type != "comment"]
    for index, statement in enumerate(statements):
        if statement.type == "lexical_declaration" and module.text(statement).startswith("const"):
            continue  # a local the resolver reads where the returned expression names it
        if statement.type == "return_statement":
            returned = quiet_returned(module, body, statement)
            return (returned, unset) if returned is not None and index == len(statements) - 1 else None
        if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
            return None
        test = statement.child_by_field_name("condition")
        consequence = statement.child_by_field_name("consequence")
        returned = _only_return(module, consequence) if consequence is not None else None
        taken = decided(module, test) if test is not None else None
        if returned is None or taken is None:
            return None
        if taken:
            return returned, unset
        unset = unset or module.resolve(test).env_var  # `if (configured) return configured`
    return None


def _only_return(module: JsModule, consequence: Node) -> Node | None:
    statement = consequence
    if consequence.type == "statement_block":
        statements = [c for c in consequence.named_children if c.type != "comment"]
        if len(statements) != 1:
            return None
        statement = statements[0]
    if statement.type != "return_statement":
        return None
    inner = [c for c in statement.named_children if c.type != "comment"]
    return unwrap(inner[0]) if len(inner) == 1 else None


def preflight_flag_helper(module: JsModule, call: Node, requests: tuple[str, ...]) -> bool:
    """Whether `call` hands the request to a helper that returns `true` exactly for OPTIONS:
    `if (handleCors(req, res)) return;` with `function handleCors(req, res) { setCors(...);
    if (req.method === 'OPTIONS') { res.status(204).end(); return true; } return false; }`
    (census 6 sample 178, `api/_lib/cors.js`): the test is the request's method."""
    call = unwrap(call)
    callee = call.child_by_field_name("function") if call.type == "call_expression" else None
    if callee is None or callee.type != "identifier":
        return False
    arguments = call_arguments(call)
    position = next((i for i, a in enumerate(arguments) if module.text(unwrap(a)) in requests), None)
    if position is None:
        return False
    for home, helper in functions_of(module, callee):
        names = parameter_names(home, helper)
        body = helper.child_by_field_name("body")
        if position >= len(names) or body is None or body.type != "statement_block":
            continue
        statements = [c for c in body.named_children if c.type != "comment"]
        if len(statements) < 2 or home.text(statements[-1]).replace(" ", "").rstrip(";") != "returnfalse":
            continue
        flagged = [s for s in statements[:-1] if s.type == "if_statement" and _returns_true(home, s)]
        others = [s for s in statements[:-1] if "return" in home.text(s)]
        if len(flagged) != 1 or others != flagged:
            continue
        test = home.text(flagged[0].child_by_field_name("condition")).replace(" ", "").replace('"', "'")
        if test.strip("()") in {
            f"{names[position]}.method==='OPTIONS'",
            f"{names[position]}.method=='OPTIONS'",
        }:
            return True
    return False


def _returns_true(module: JsModule, statement: Node) -> bool:
    consequence = statement.child_by_field_name("consequence")
    if consequence is None or statement.child_by_field_name("alternative") is not None:
        return False
    returns = [c for c in consequence.named_children if c.type == "return_statement"]
    return len(returns) == 1 and module.text(returns[0]).replace(" ", "").rstrip(";") == "returntrue"
