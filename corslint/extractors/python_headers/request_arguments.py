"""Tests on what the request itself chooses: its query or form arguments.

sagemath/sagecell's Tornado handlers write their CORS headers in one arm of a test on a
request argument (`if self.get_arguments("callback"):` JSONP, else the reflected Origin;
`if "frame" in self.request.arguments:`; `method = self.get_argument("method", "POST")`
then `if method == "DELETE":`). Such a test is not undecidable the way an operator's
setting is: whoever sends the request picks its outcome, so each arm is an answer the
attacker can ask for. The interpreter marks these tests `chosen`, and the model
(frameworks/python_headers.py, `respond`) answers with the arm a CORS request would
take: the one that sends the CORS headers."""

from __future__ import annotations

import ast
import re

from corslint.extractors.python_headers.frame import Frame, dotted, unwrap
from corslint.extractors.python_headers.path_choices import bound_to_path, path_test

# Tornado's RequestHandler readers of query and body arguments
_TORNADO_READERS = frozenset(
    {
        "get_argument",
        "get_arguments",
        "get_query_argument",
        "get_query_arguments",
        "get_body_argument",
        "get_body_arguments",
    }
)
_TORNADO_MAPPINGS = frozenset({"arguments", "query_arguments", "body_arguments"})
# Flask's request mappings of the query string and the form (alerta/alerta
# alerta/views/oembed.py:21-33: `url = request.args['url']`, `o = urlparse(url)`,
# `if o.path.endswith('/alerts/count'):` the arm that returns `*`)
_FLASK_MAPPINGS = frozenset({"args", "values", "form"})
# functions that keep a value chosen by the request chosen
_PURE = frozenset({"len", "int", "str", "bool", "float", "urlparse", "urlsplit"})


def reads_arguments(frame: Frame, node: ast.expr) -> bool:
    """Whether `node` reads the request's own arguments (or a local bound to them)."""
    for inner in ast.walk(unwrap(node)):
        if isinstance(inner, ast.Name) and inner.id in frame.chosen_names:
            return True
        if _argument_read(frame, inner):
            return True
    return False


def _argument_read(frame: Frame, node: ast.AST) -> bool:
    if frame.kind == "django":
        return _django_resource_read(frame, node)
    if frame.kind == "flask":
        return (
            isinstance(node, ast.Attribute) and node.attr in _FLASK_MAPPINGS and frame.is_request(node.value)
        )
    if frame.kind != "tornado":
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in _TORNADO_READERS and dotted(node.func.value) == "self"
    if isinstance(node, ast.Attribute) and node.attr in _TORNADO_MAPPINGS:
        return frame.is_request(node.value)
    return False


def chosen_test(frame: Frame, test: ast.expr) -> bool:
    """A test whose outcome only the request's arguments decide: it reads them, and
    everything else in it is a constant (`len(self.get_arguments("cb")) == 0`)."""
    test = unwrap(test)
    if path_test(frame, test):  # the requested path: its choice too (path_choices.py)
        return True
    if not reads_arguments(frame, test):
        return False
    return _only_arguments(frame, test)


# a test on who is asking (`if not (token := get_bearer_token(request)): return 403`):
# the headers are judged on the answers to the requests that pass it, a logged-in user's
_GATE_WORDS = re.compile(r"token|auth|login|logged|user|session|permission|api_?key", re.IGNORECASE)
# ... never a test on where the request comes from, which decides who gets the headers
_ORIGIN_WORDS = re.compile(r"origin|refer|host|cors|allow|domain|site", re.IGNORECASE)


def gate_test(frame: Frame, test: ast.expr) -> bool:
    """A test of the caller's credentials that refuses the others."""
    text = frame.module.source(test)
    if not _GATE_WORDS.search(text) or _ORIGIN_WORDS.search(text):
        return False
    if not any(isinstance(node, ast.expr) and frame.is_request(node) for node in ast.walk(test)):
        return False
    # nothing else undecided in it (`settings.OPEN and request.user.is_staff` is not the
    # caller's choice alone): names are the request, what the test binds, functions it calls
    bound = {n.target.id for n in ast.walk(test) if isinstance(n, ast.NamedExpr)}
    called = {id(n.func) for n in ast.walk(test) if isinstance(n, ast.Call)}
    requests = {name.split(".", 1)[0] for name in frame.requests}
    return all(
        node.id in requests
        or frame.is_request(node)
        or node.id in bound
        or id(node) in called
        or frame.resolve(node).known
        for node in ast.walk(test)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    )


def _only_arguments(frame: Frame, node: ast.expr) -> bool:
    if reads_arguments(frame, node) and (
        _argument_read(frame, node) or (isinstance(node, ast.Name) and node.id in frame.chosen_names)
    ):
        return True
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_only_arguments(frame, e) for e in node.elts)
    if isinstance(node, ast.Compare):
        return all(_only_arguments(frame, e) for e in (node.left, *node.comparators))
    if isinstance(node, ast.BoolOp):
        return all(_only_arguments(frame, e) for e in node.values)
    if isinstance(node, ast.UnaryOp):
        return _only_arguments(frame, node.operand)
    if isinstance(node, ast.Call) and dotted(node.func) in _PURE and not node.keywords:
        return all(_only_arguments(frame, a) for a in node.args)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords:
        # `self.get_argument("accepted_tos", "false").lower()`
        return _only_arguments(frame, node.func.value) and all(_only_arguments(frame, a) for a in node.args)
    if isinstance(node, ast.Subscript):
        return _only_arguments(frame, node.value) and _only_arguments(frame, node.slice)
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in frame.chosen_names
    ):
        return True  # `parts.path` of `parts = urlparse(chosen)`
    return frame.resolve(node).known


def bound_to_arguments(frame: Frame, name: str, value: ast.expr) -> None:
    """Keep `name` as chosen by the request when it is bound to the request's arguments
    (`method = self.get_argument("method", "POST")`), else forget it; a local bound to
    the requested path is remembered apart (path_choices.py)."""
    if bound_to_path(frame, name, value):
        frame.chosen_names.discard(name)
        return
    if chosen_test(frame, value):
        frame.chosen_names.add(name)
    else:
        frame.chosen_names.discard(name)


def nested_if(frame: Frame, statement: ast.If) -> ast.If | None:
    """`if config.get("requires_tos") and self.get_argument("accepted_tos") != "true":`
    as nested tests, so that the request's own part stays its choice; None when the test
    has no such part beside an undecidable one."""
    test = statement.test
    if not isinstance(test, ast.BoolOp) or len(test.values) < 2:
        return None
    chosen = [chosen_test(frame, operand) for operand in test.values]
    if not any(chosen) or all(chosen):
        return None
    first = test.values[0]
    rest: ast.expr = (
        test.values[1]
        if len(test.values) == 2
        else ast.copy_location(ast.BoolOp(test.op, test.values[1:]), test.values[1])
    )
    inner = ast.copy_location(ast.If(rest, statement.body, statement.orelse), rest)
    if isinstance(test.op, ast.And):  # if A and B: X else Y == if A: (if B: X else Y) else Y
        return ast.copy_location(ast.If(first, [inner], statement.orelse), statement)
    # if A or B: X else Y == if A: X else (if B: X else Y)
    return ast.copy_location(ast.If(first, statement.body, [inner]), statement)


# request attributes that say who is asking, which a cross-origin request does not pick
_DJANGO_IDENTITY = frozenset({"user", "auth", "session", "COOKIES", "META", "headers"})


def _django_resource_read(frame: Frame, node: ast.AST) -> bool:
    """What the requested resource decides, which the requester picks by the URL (PY8B):
    an attribute the project's own middleware sets on the request (`getattr(request,
    "path_project_slug", "")`, readthedocs/readthedocs.org readthedocs/proxito/
    middleware.py:385-387), the response's Content-Type (microcosm-collective/microweb
    core/middleware/cors.py: `if response.get("Content-Type") == "text/html; ..."`)."""
    if (
        isinstance(node, ast.Call)
        and dotted(node.func) == "getattr"
        and len(node.args) in (2, 3)
        and frame.is_request(node.args[0])
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ):
        return node.args[1].value not in _DJANGO_IDENTITY
    key: ast.expr | None = None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and frame.is_response(node.func.value)
        and node.args
    ):
        key = node.args[0]
    elif isinstance(node, ast.Subscript) and frame.is_response(node.value):
        key = node.slice
    return isinstance(key, ast.Constant) and str(key.value).lower() == "content-type"
