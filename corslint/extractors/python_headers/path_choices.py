"""Tests on the requested path: `if any(path.startswith(p) for p in PATH_WHITELIST):`.

A hand-written middleware that writes its CORS headers only for some paths (reddts/
AI_quantrade fastapi-backend/middlewares/client_auth.py: the request Origin echoed with
credentials for the paths of an allow-list read from the operator's configuration)
decides *where* the headers go, not *whether* an origin is admitted: whoever sends the
request picks the path, so each arm is an answer an attacker can ask for, as with the
request's own arguments (request_arguments.py). Such a test is marked chosen, and the
model answers with the arm a CORS request takes.

A path test is one whose every boolean part reads the requested path, and that reads
nothing else of the request (the Origin, the method, a header, a local bound to one of
them), against constants, the project's or the operator's values (an unknown allow-list
of paths, a prefix from the settings) or the variables of its own comprehensions. Calls
are limited to `any`/`all`, string methods on the path and `re`/`fnmatch` matching: an
unknown function handed the path may read anything (Flask's global request), and stays
undecided (CORS305)."""

from __future__ import annotations

import ast

from corslint.extractors.python_headers.asgi_messages import scope_item
from corslint.extractors.python_headers.frame import Frame, dotted, unwrap

_QUANTIFIERS = frozenset({"any", "all"})
_MATCHERS = frozenset(
    {
        "re.match",
        "re.search",
        "re.fullmatch",
        "fnmatch.fnmatch",
        "fnmatch.fnmatchcase",
        "fnmatch",
        "fnmatchcase",
    }
)
_STRING_METHODS = frozenset(
    {"startswith", "endswith", "lower", "upper", "strip", "rstrip", "lstrip", "split", "rsplit", "casefold"}
)


def path_test(frame: Frame, test: ast.expr) -> bool:
    """Whether only the requested path decides `test` (see the module's docstring)."""
    return _decided_by_path(frame, unwrap(test), frozenset())


def path_read(frame: Frame, node: ast.expr) -> bool:
    """`request.path`, `request.path_info`, `request.url.path`, `scope["path"]`, or a
    local bound to one of them."""
    node = unwrap(node)
    if isinstance(node, ast.Name) and node.id in frame.path_names:
        return True
    if scope_item(frame, node) == "path":
        return True
    if isinstance(node, ast.Attribute) and node.attr in {"path", "path_info"}:
        holder = node.value
        if isinstance(holder, ast.Attribute) and holder.attr == "url":
            holder = holder.value
        return frame.is_request(holder)
    return False


def bound_to_path(frame: Frame, name: str, value: ast.expr) -> bool:
    """Remember `path = request.url.path` (the local is the path wherever it is read)."""
    names = frame.path_names
    if path_read(frame, value) or (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _STRING_METHODS - {"startswith", "endswith", "split", "rsplit"}
        and path_read(frame, value.func.value)
    ):
        names.add(name)
        return True
    names.discard(name)
    return False


def _decided_by_path(frame: Frame, node: ast.expr, bound: frozenset[str]) -> bool:
    if isinstance(node, ast.BoolOp):
        return all(_decided_by_path(frame, unwrap(v), bound) for v in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _decided_by_path(frame, unwrap(node.operand), bound)
    if isinstance(node, ast.Call) and dotted(node.func) in _QUANTIFIERS and len(node.args) == 1:
        generator = node.args[0]
        if not isinstance(generator, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            return False
        names = set(bound)
        for comprehension in generator.generators:
            if comprehension.is_async or _reads_request(frame, comprehension.iter, frozenset(names)):
                return False
            names |= {n.id for n in ast.walk(comprehension.target) if isinstance(n, ast.Name)}
            if any(_reads_request(frame, test, frozenset(names)) for test in comprehension.ifs):
                return False
        return _decided_by_path(frame, unwrap(generator.elt), frozenset(names))
    return _mentions_path(frame, node) and not _reads_request(frame, node, bound)


def _mentions_path(frame: Frame, node: ast.expr) -> bool:
    return any(isinstance(inner, ast.expr) and path_read(frame, inner) for inner in ast.walk(node))


def _reads_request(frame: Frame, node: ast.expr, bound: frozenset[str]) -> bool:
    """Whether `node` reads anything of the request but its path, or calls a function
    corslint does not know to be a plain string test."""
    node = unwrap(node)
    if path_read(frame, node):
        return False
    if isinstance(node, ast.Name):
        if node.id in bound:
            return False
        if frame.is_request(node) or node.id in frame.requests or node.id in frame.method_names:
            return True
        # a local of the function: it may hold anything the request sent
        return node.id in frame.values or node.id in frame.conditions or node.id in frame.chosen_names
    if isinstance(node, (ast.Attribute, ast.Subscript)) and frame.is_request(node):
        return True
    if isinstance(node, ast.Call) and not _plain_call(frame, node, bound):
        return True
    if isinstance(node, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
        return True
    return any(
        _reads_request(frame, child, bound)
        for child in ast.iter_child_nodes(node)
        if isinstance(child, ast.expr)
    )


def _plain_call(frame: Frame, call: ast.Call, bound: frozenset[str]) -> bool:
    """A call that tests a string and nothing else: a string method of the path,
    `re.match(P, path)`, or a call that is not handed the path at all (a value of the
    project's or the operator's: `ClientConfig.get_path_whitelist()`)."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in _STRING_METHODS:
        return True  # the receiver and the arguments are checked as children
    if dotted(call.func) in _MATCHERS:
        return True
    if _mentions_path(frame, call) or any(isinstance(n, ast.Name) and n.id in bound for n in ast.walk(call)):
        return False
    # a value computed without the request (the receiver and arguments are checked as children)
    return not any(isinstance(n, ast.expr) and frame.is_request(n) for n in ast.walk(call))
