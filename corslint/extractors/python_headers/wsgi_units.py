"""Raw WSGI CORS middleware: a callable taking `(environ, start_response)` (a class's
`__call__`, or a function) that hands the app it wraps a `start_response` of its own,
which adds Access-Control-* headers to every response before calling the real one:

    def __call__(self, environ, start_response):
        def cors_start_response(status, headers, exc_info=None):
            headers.append(("Access-Control-Allow-Origin", "*"))
            return start_response(status, headers, exc_info)
        if environ["REQUEST_METHOD"] == "OPTIONS":
            cors_start_response("200 OK", [])
            return [b""]
        return self.app(environ, cors_start_response)

Seen in grow/grow-ext-build-server (grow_build_server/cors.py), delauwv/SparkMap
(SparkMap-Soap/headersHandler.py), mist.io's CORSMiddleware, isso-comments/isso
(isso/wsgi.py, werkzeug `Headers(headers).add(...)`). The wrapper's writes are the layer;
an `OPTIONS` branch that answers through the wrapper answers preflights with its status,
else the wrapped app answers them (not known: `"inner"`). Header values must be `str`
(PEP 3333; wsgiref refuses anything else with an error, answered 500)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import Frame, dotted
from corslint.extractors.python_headers.tree_index import own_nodes
from corslint.extractors.python_headers.unit import (
    Function,
    Phase,
    Unit,
    functions_in,
    method_parameters,
    parameters,
    writes_cors,
)
from corslint.frameworks.python_headers import INNER_APP
from corslint.model import Location, Provenance, Value


def uses_wsgi(module: PythonModule) -> bool:
    return "start_response" in module.text


def wsgi_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    owners = {f: node for node in ast.walk(module.tree) if isinstance(node, ast.ClassDef) for f in node.body}
    for function in functions_in(module.tree):
        owner = owners.get(function)
        names = method_parameters(function) if isinstance(owner, ast.ClassDef) else parameters(function)
        if function in covered or len(names) != 2 or names[1] != "start_response":
            continue
        environ = names[0]
        for wrapper in functions_in(function):
            if wrapper is function or not writes_cors(module, wrapper):
                continue
            header_list = _header_list(wrapper)
            if header_list is None or not _hands_on(wrapper, function, environ):
                continue
            phase = Phase(
                module,
                _with_options_list(function, wrapper, environ, header_list),
                requests=frozenset({environ}),
                header_lists=frozenset({header_list}),
                owner=owner if isinstance(owner, ast.ClassDef) else None,
                preludes=_closure_locals(function, wrapper),
            )
            where = owner if isinstance(owner, ast.ClassDef) else function
            label = f"WSGI middleware {where.name}"
            status = _options_answer(function, wrapper, environ)
            units.append(Unit("wsgi", "middleware", module.location(where), [phase], status, label))
            covered.update([function, wrapper])
            break
    return units


def _closure_locals(function: Function, wrapper: Function) -> tuple[Function, ...]:
    """The plain assignments of the outer callable before the wrapper's `def`, which the
    wrapper reads as a closure (`origin = environ.get("HTTP_ORIGIN", "")`, then `if origin
    in self.allowed: headers.append(...)` inside it): run first, as a prelude."""
    if wrapper not in function.body:
        return ()
    before = function.body[: function.body.index(wrapper)]
    statements: list[ast.stmt] = [s for s in before if isinstance(s, (ast.Assign, ast.AnnAssign))]
    if not statements:
        return ()
    prelude = ast.FunctionDef(
        name=function.name, args=function.args, body=statements, decorator_list=[], returns=None
    )
    return (ast.copy_location(prelude, function),)


def _with_options_list(function: Function, wrapper: Function, environ: str, header_list: str) -> Function:
    """The wrapper, read as starting from the header list the `OPTIONS` branch hands it
    (`wrapper("200 OK", [("Access-Control-Allow-Methods", ...)])`): those pairs written
    under that branch's test, before the wrapper's own writes."""
    branch = _options_branch(function, wrapper, environ)
    if branch is None:
        return wrapper
    test, listed = branch
    extend = ast.Attribute(ast.Name(header_list, ast.Load()), "extend", ast.Load())
    written = ast.fix_missing_locations(ast.copy_location(ast.Expr(ast.Call(extend, [listed], [])), listed))
    opening = ast.copy_location(ast.If(test, [written], []), test)
    read = ast.FunctionDef(
        name=wrapper.name, args=wrapper.args, body=[opening, *wrapper.body], decorator_list=[], returns=None
    )
    return ast.copy_location(read, wrapper)


def _options_branch(function: Function, wrapper: Function, environ: str) -> tuple[ast.expr, ast.expr] | None:
    """(the OPTIONS test, the literal header list) of `if ... == "OPTIONS": wrapper(status,
    [...])` (the list written in the call, or bound to a name just before it in the branch)."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.If) and _is_options_test(node.test, environ)):
            continue
        bound: dict[str, ast.expr] = {}
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
            ):
                bound[statement.targets[0].id] = statement.value
            call = statement.value if isinstance(statement, (ast.Expr, ast.Return)) else None
            if isinstance(call, ast.Call) and dotted(call.func) == wrapper.name and len(call.args) >= 2:
                listed = call.args[1]
                if isinstance(listed, ast.Name):
                    listed = bound.get(listed.id, listed)
                return (node.test, listed) if isinstance(listed, (ast.List, ast.Tuple)) else None
    return None


def wsgi_app_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    """A WSGI app that answers with `start_response(status, [(name, value), ...])` itself,
    Access-Control-* among the pairs (0-1lh/qwen-unified-api app.py): each call is an
    answer with those headers; what is not answered so is not known."""
    units: list[Unit] = []
    owners = {f: node for node in ast.walk(module.tree) if isinstance(node, ast.ClassDef) for f in node.body}
    helpers = {f.name: f for f in module.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for function in functions_in(module.tree):
        owner = owners.get(function)
        names = method_parameters(function) if isinstance(owner, ast.ClassDef) else parameters(function)
        if function in covered or len(names) != 2 or names[1] != "start_response":
            continue
        called = {dotted(n.func) for n in ast.walk(function) if isinstance(n, ast.Call)}
        if names[1] not in called:
            continue
        if not writes_cors(module, function) and not any(
            writes_cors(module, helpers[name]) for name in called if name in helpers
        ):
            continue
        phase = Phase(
            module,
            function,
            requests=frozenset(names[:1]),
            owner=owner if isinstance(owner, ast.ClassDef) else None,
            wsgi_start=names[1],
        )
        where = owner if isinstance(owner, ast.ClassDef) else function
        # an OPTIONS request its calls do not answer is not known (`"inner"`: only then)
        units.append(
            Unit("wsgi", "app", module.location(where), [phase], INNER_APP, f"WSGI app {where.name}")
        )
        covered.add(function)
    return units


def returned_parts(
    frame: Frame, target: ast.expr, value: ast.expr
) -> list[tuple[str, list[ast.expr] | None]] | None:
    """`status, headers, body = reply("200 OK", payload)` in a WSGI app, where the module's
    `reply` returns `status, headers, [body]` (or what another such helper returns, as
    0-1lh/qwen-unified-api's `_dispatch` returns `_json_resp(...)`): each name and the
    expressions it may receive (None: one is not known); None for any other assignment."""
    if not (frame.kind == "wsgi" and isinstance(target, ast.Tuple) and isinstance(value, ast.Call)):
        return None
    names = [t.id if isinstance(t, ast.Name) else "" for t in target.elts]
    columns = _returned_columns(frame.module, value, len(names), 0)
    if columns is None:
        return None
    return [(name, column) for name, column in zip(names, columns, strict=True) if name]


def _returned_columns(
    module: PythonModule, call: ast.Call, arity: int, depth: int
) -> list[list[ast.expr] | None] | None:
    helper = next(
        (
            f
            for f in module.tree.body
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == dotted(call.func)
        ),
        None,
    )
    if helper is None or depth > 3 or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    # in source order: the first answer a helper writes is usually its success
    returns = sorted((n for n in own_nodes(helper) if isinstance(n, ast.Return)), key=lambda n: n.lineno)
    if not returns:
        return None
    # the app's own arguments are read where it calls; deeper down, literals only
    names = parameters(helper)
    defaults = dict(zip(names[len(names) - len(helper.args.defaults) :], helper.args.defaults, strict=True))
    passed: dict[str, ast.expr] = {
        name: node for name, node in defaults.items() if isinstance(node, _LITERALS)
    }
    for name, arg in zip(names, call.args, strict=False):
        passed.pop(name, None)
        if depth == 0 or isinstance(arg, _LITERALS):
            passed[name] = arg
    bound: dict[str, list[ast.expr]] = {}
    for node in own_nodes(helper):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound.setdefault(node.targets[0].id, []).append(node.value)
    columns: list[list[ast.expr] | None] = [[] for _ in range(arity)]
    for returned in returns:
        if isinstance(returned.value, ast.Call):
            inner = _returned_columns(module, returned.value, arity, depth + 1)
            if inner is None:
                return None
        elif isinstance(returned.value, ast.Tuple) and len(returned.value.elts) == arity:
            inner = [_part(element, passed, bound) for element in returned.value.elts]
        else:
            return None
        for index, found in enumerate(inner):
            column = columns[index]
            if column is not None and found is not None:
                column.extend(found)
            else:
                columns[index] = None
    return columns


_LITERALS = (ast.List, ast.Tuple, ast.Dict, ast.Constant)


def _part(
    element: ast.expr, passed: dict[str, ast.expr], bound: dict[str, list[ast.expr]]
) -> list[ast.expr] | None:
    if isinstance(element, ast.Name) and element.id in passed:
        return [passed[element.id]]
    if isinstance(element, ast.Name) and len(bound.get(element.id, [])) == 1:
        literal = bound[element.id][0]
        return [literal] if isinstance(literal, _LITERALS) else None
    return [element] if isinstance(element, _LITERALS) else None


def wsgi_status(frame: Frame, node: ast.expr, when: tuple[str, ...], location: Location) -> Value:
    """`"204 No Content"` -> 204. A local that holds one of several literal statuses
    (`st, h, b = dispatch(...)`) gives the first where the answer is not a preflight's:
    browsers check the headers of other answers whatever their status."""
    status = frame.resolve(node)
    if status.known and isinstance(status.raw, str) and status.raw[:3].isdigit():
        return Value(int(status.raw[:3]), status.location)
    alternatives = frame.values.get(node.id, []) if isinstance(node, ast.Name) else []
    known = [a.value for a in alternatives if isinstance(a.value, Value) and a.value.known]
    texts = [t for t in known if isinstance(t.raw, str) and t.raw[:3].isdigit()]
    # (an `int` status, which servers refuse, is one of the answers, not the one judged)
    others = [
        t for t in known if t not in texts and not (isinstance(t.raw, int) and not isinstance(t.raw, bool))
    ]
    if "!OPTIONS" in when and texts and len(known) == len(alternatives) and not others:
        return Value(int(texts[0].raw[:3]), texts[0].location)
    return Value(None, location, Provenance.UNKNOWN, description="the status passed to start_response")


def _header_list(wrapper: Function) -> str | None:
    """The wrapper's header list parameter: `(status, headers, exc_info=None)`."""
    names = parameters(wrapper)
    if len(names) < 2 or not any(
        isinstance(node, ast.Call) and dotted(node.func) == "start_response" for node in ast.walk(wrapper)
    ):
        return None
    return names[1]


def _hands_on(wrapper: Function, function: Function, environ: str) -> bool:
    """The wrapper is handed to the wrapped app: `self.app(environ, wrapper)`."""
    return any(
        isinstance(node, ast.Call)
        and len(node.args) == 2
        and dotted(node.args[0]) == environ
        and dotted(node.args[1]) == wrapper.name
        for node in ast.walk(function)
    )


def _options_answer(function: Function, wrapper: Function, environ: str) -> int | str:
    """`if environ["REQUEST_METHOD"] == "OPTIONS": wrapper("200 OK", [...]); return [...]`:
    preflights answered with that status; otherwise the wrapped app answers them."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.If) and _is_options_test(node.test, environ)):
            continue
        for statement in node.body:
            call = statement.value if isinstance(statement, (ast.Expr, ast.Return)) else None
            if (
                isinstance(call, ast.Call)
                and dotted(call.func) == wrapper.name
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)
                and call.args[0].value[:3].isdigit()
            ):
                returns = any(isinstance(s, ast.Return) for s in node.body)
                return int(call.args[0].value[:3]) if returns else INNER_APP
    return INNER_APP


def _is_options_test(test: ast.expr, environ: str) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    literal = any(isinstance(s, ast.Constant) and s.value == "OPTIONS" for s in sides)
    return literal and any(_reads_method(s, environ) for s in sides)


def _reads_method(node: ast.expr, environ: str) -> bool:
    if isinstance(node, ast.Subscript) and dotted(node.value) == environ:
        key = node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and dotted(node.func.value) == environ
        and node.args
    ):
        key = node.args[0]
    else:
        return False
    return isinstance(key, ast.Constant) and key.value == "REQUEST_METHOD"
