"""Early error returns before a view's CORS headers: `if not serializer.is_valid():
return Response(..., status=400)`, `if user is None: return redirect(...)`, `if not
job.audio_object_key: return Response(..., status=404)` (yiju-zhao/DeepSight-Django
backend/podcast/views.py:304, set 21).

Such a test decides whether this request gets a success answer, not who may read it: the
answer it returns carries no CORS headers (a refusal for that request, not a policy), and
the answers that do carry them are the success path's. The interpreter marks the test
`chosen` (as request_arguments.py does for tests on the request's own arguments), and the
model (frameworks/python_headers.py, `respond`) judges the arm that sends the headers.

Only a test that reads the request (or a local derived from it, or the view's own
arguments) and nothing derived from the Origin: a test on where the request comes from
still decides who gets the headers, and is read as before."""

from __future__ import annotations

import ast
import re

from corslint.extractors.python_headers.frame import Frame, dotted, unwrap
from corslint.extractors.python_headers.responses import made_response, status_value

# answers the frameworks make with a fixed error or redirect status, no headers given
_REFUSALS = frozenset(
    {
        "redirect",
        "HttpResponseRedirect",
        "HttpResponsePermanentRedirect",
        "HttpResponseNotFound",
        "HttpResponseForbidden",
        "HttpResponseBadRequest",
        "HttpResponseNotAllowed",
        "HttpResponseGone",
        "HttpResponseServerError",
    }
)
_FRAMEWORKS = ("django.", "flask.", "werkzeug.", "rest_framework.", "quart.")
# where the request comes from, or CORS itself: such a test (or body) decides who
_ORIGIN_WORDS = re.compile(r"origin|refer|host|cors|access.control|domain|site", re.IGNORECASE)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def refused_early(frame: Frame, statement: ast.If) -> bool:
    """`statement` only returns an error answer without CORS headers, under a test that
    reads the request and nothing about its Origin."""
    if statement.orelse or not statement.body:
        return False
    last = statement.body[-1]
    if not isinstance(last, ast.Return) or last.value is None:
        return False
    source = frame.module.source
    if any(_ORIGIN_WORDS.search(source(part)) for part in statement.body):
        return False  # the arm writes headers, or hands the answer to a CORS helper
    if any(isinstance(part, (ast.If, ast.For, ast.While, ast.Try, *_FUNCTIONS)) for part in statement.body):
        return False
    if not _error_answer(frame, last.value) or _ORIGIN_WORDS.search(source(statement.test)):
        return False
    function = _enclosing_function(frame, statement)
    if function is None:
        return False
    derived, from_origin = _derived_names(frame, function)
    names = {node.id for node in ast.walk(statement.test) if isinstance(node, ast.Name)}
    if names & from_origin:
        return False
    # the request's alone: no operator setting beside it (`OPEN_MODE and not token`)
    free = _free_names(frame, statement.test)
    if any(name not in derived and not frame.resolve(node).known for name, node in free.items()):
        return False
    return bool(names & derived) or _reads_request(frame, statement.test)


def _free_names(frame: Frame, node: ast.AST) -> dict[str, ast.Name]:
    """The names `node` reads that are no request and no function it calls."""
    if isinstance(node, ast.expr) and _is_request(frame, node):
        return {}
    if isinstance(node, ast.Name):
        return {node.id: node}
    found: dict[str, ast.Name] = {}
    for child in ast.iter_child_nodes(node):
        if isinstance(node, ast.Call) and child is node.func and isinstance(child, ast.Name):
            continue  # `len(...)`, `is_valid_token(...)`: what it is given decides
        found |= _free_names(frame, child)
    return found


def _error_answer(frame: Frame, value: ast.expr) -> bool:
    value = unwrap(value)
    if isinstance(value, ast.Tuple) and frame.kind in {"flask", "quart"}:
        # Flask's `return jsonify(error=...), 400`; a third item would be headers
        if len(value.elts) != 2:
            return False
        status = status_value(frame, value.elts[1])
        return _failing(status.raw if status.known else None)
    if not isinstance(value, ast.Call):
        return False
    made = made_response(frame, value)
    if made is not None:
        return made.headers is None and _failing(made.status.raw if made.status.known else None)
    qualified = frame.module.qualified_name(value.func) or ""
    return qualified.startswith(_FRAMEWORKS) and qualified.rsplit(".", 1)[-1] in _REFUSALS


def _failing(status: object) -> bool:
    return isinstance(status, int) and not isinstance(status, bool) and status >= 300


def _enclosing_function(frame: Frame, statement: ast.stmt) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found = None
    for step in frame.module.steps(statement):
        if isinstance(step.owner, _FUNCTIONS):
            found = step.owner
    return found


def _derived_names(
    frame: Frame, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[set[str], set[str]]:
    """Locals derived from the request or the view's arguments, and those derived from
    the Origin (or anything else naming where the request comes from)."""
    arguments = function.args
    derived = {
        a.arg
        for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
        if a.arg not in {"self", "cls"}
    }
    derived |= {name.split(".", 1)[0] for name in frame.requests}
    from_origin: set[str] = set()
    bindings: list[tuple[set[str], ast.expr]] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            bindings.append(
                ({n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}, node.value)
            )
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and node.value is not None:
            bindings.append(({n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}, node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            bindings.append(({n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}, node.iter))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    targets = {n.id for n in ast.walk(item.optional_vars) if isinstance(n, ast.Name)}
                    bindings.append((targets, item.context_expr))
    for _ in range(len(bindings) + 1):
        grown = False
        for targets, value in bindings:
            used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
            if used & derived or _reads_request(frame, value):
                grown |= not targets <= derived
                derived |= targets
            if used & from_origin or _ORIGIN_WORDS.search(frame.module.source(value)):
                grown |= not targets <= from_origin
                from_origin |= targets
        if not grown:
            break
    return derived, from_origin


# request-scoped globals: the caller's session and user
_REQUEST_GLOBALS = frozenset(
    {"flask.session", "flask.g", "flask_login.current_user", "quart.session", "quart.g"}
)


def _reads_request(frame: Frame, value: ast.expr) -> bool:
    return any(isinstance(node, ast.expr) and _is_request(frame, node) for node in ast.walk(value))


def _is_request(frame: Frame, node: ast.expr) -> bool:
    return (
        frame.is_request(node)
        or dotted(node) in frame.requests
        or (isinstance(node, ast.Name) and frame.module.qualified_name(node) in _REQUEST_GLOBALS)
    )
