"""CORSMiddleware options bound by the two arms of an `if` statement over one deployment
setting, just before the layer is added:

    if settings.ENVIRONMENT == "development":
        origins = ["*"]
    else:
        origins = settings.CORS_ORIGINS
    app.add_middleware(CORSMiddleware, allow_origins=origins, ...)

(census 6 P16: 360ghar/360ghar-backend app/infrastructure/middleware.py). The statement
form of ternary_arms.py: the arm the environment's default takes is judged as before
("when ENVIRONMENT is unset"), and the other arm is a configuration the app starts with
too, judged on its own, unless it is the development arm."""

from __future__ import annotations

import ast

from corslint.extractors.python import EMPTY_SCOPE, PythonModule, seen_from
from corslint.extractors.python.flow import FUNCTIONS
from corslint.extractors.starlette.arguments import Argument
from corslint.extractors.starlette.ternary_arms import development_arm
from corslint.model import Value


def other_statement_arm(
    module: PythonModule, call: ast.Call, arguments: list[Argument], options: dict[str, Value]
) -> tuple[dict[str, Value], str, str] | None:
    """(the options of the arm the environment's default does not take, that arm's branch,
    the default arm's branch) when keyword arguments name variables that one `if`/`else`
    just before the call binds in both arms; None otherwise."""
    named = {
        a.keyword: a.value.id for a in arguments if a.keyword is not None and isinstance(a.value, ast.Name)
    }
    if not named:
        return None
    body, index = _statement_list(module, call)
    if body is None:
        return None
    chosen = _binding_if(body[:index], set(named.values()))
    if chosen is None:
        return None
    statement, bound_if, bound_else = chosen
    decided = module.decide(statement.test, EMPTY_SCOPE)
    if decided is None or decided.env_var is None:
        return None
    taken_if = bool(decided.raw)
    taken, other = ("if", "else") if taken_if else ("else", "if")
    if other == development_arm(module.source(statement.test)):
        return None
    other_bindings = bound_else if taken_if else bound_if
    variant = dict(options)
    for keyword, name in named.items():
        written = other_bindings.get(name)
        if written is None:
            continue
        value = seen_from(module.resolve(written), module, module.location(written))
        if decided.env_var in value.env_vars:
            return None  # that arm holds only once the tested variable is set
        variant[keyword] = value
    where = f"{module.path}:{statement.test.lineno}:{statement.test.col_offset}"
    return variant, f"{other}@{where}", f"{taken}@{where}"


def _statement_list(module: PythonModule, call: ast.Call) -> tuple[list[ast.stmt] | None, int]:
    """The statements of the call's function (or module) and the index of the top-level one
    holding the call; None when the call sits inside a nested block."""
    function = module.enclosing_function(call)
    body = function.body if isinstance(function, FUNCTIONS) else module.tree.body
    for index, statement in enumerate(body):
        end = statement.end_lineno or statement.lineno
        if statement.lineno <= call.lineno <= end:
            if isinstance(statement, ast.Expr) and statement.value is call:
                return body, index
            return None, 0
    return None, 0


def _binding_if(
    before: list[ast.stmt], names: set[str]
) -> tuple[ast.If, dict[str, ast.expr], dict[str, ast.expr]] | None:
    """The last `if`/`else` (no `elif`) before the call that binds some of `names` in both
    arms with plain assignments, with nothing after it rebinding them."""
    for position in range(len(before) - 1, -1, -1):
        statement = before[position]
        if isinstance(statement, ast.If) and statement.orelse and not _is_elif(statement):
            bound_if, bound_else = _assigned(statement.body), _assigned(statement.orelse)
            both = names & bound_if.keys() & bound_else.keys()
            if both and not any(_rebinds(later, names) for later in before[position + 1 :]):
                return statement, bound_if, bound_else
            if names & (bound_if.keys() | bound_else.keys()):
                return None
        elif _rebinds(statement, names):
            return None
    return None


def _is_elif(statement: ast.If) -> bool:
    return len(statement.orelse) == 1 and isinstance(statement.orelse[0], ast.If)


def _assigned(statements: list[ast.stmt]) -> dict[str, ast.expr]:
    """name -> the expression its last top-level plain assignment in the arm binds."""
    found: dict[str, ast.expr] = {}
    for statement in statements:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = statement.value
        elif (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.value
        ):
            found[statement.target.id] = statement.value
    return found


def _rebinds(statement: ast.stmt, names: set[str]) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id in names and not isinstance(node.ctx, ast.Load)
        for node in ast.walk(statement)
    )
