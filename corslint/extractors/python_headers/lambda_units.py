"""AWS Lambda handlers in Python that return an API Gateway proxy result,
``{"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}, "body": ...}``,
judged as the JavaScript ones are (framework ``lambda_headers``,
docs/semantics/serverless.md): the proxy integration sends the result's headers as
written, the Python runtime serialising the dict as JSON (``True`` -> ``true``, ``None``
-> no header).

A handler is a module-level ``def name(event, context)``. What it returns: a result dict
literal, a local name bound to one, or a call of a module function that returns one
(``return response(200, item)``). An ``if`` testing the request's method against
``"OPTIONS"`` (``event["httpMethod"]``, ``event["requestContext"]["http"]["method"]``)
answers the preflight; without one, what answers OPTIONS is left unknown, as API Gateway
may answer it before the function runs. The first handler with such results speaks for
the module (its helpers are shared)."""

from __future__ import annotations

import ast
import dataclasses
import os
import re

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import LEVELS, modules_mentioning
from corslint.extractors.python_headers.tree_index import own_nodes
from corslint.extractors.serverless_framework.gateway_options import gateway_preflight
from corslint.model import CorsPolicy, Evidence, Extraction, HeaderReflection, Location, Value

Function = ast.FunctionDef | ast.AsyncFunctionDef
EVENT_NAMES = frozenset({"event", "evt", "_event", "e"})
CONTEXT_NAMES = frozenset({"context", "ctx", "_context", "_ctx", "_"})
_ORIGIN_READ = re.compile(
    r"""^\w+(?:\.get\(\s*['"]headers['"][^)]*\)|\[\s*['"]headers['"]\s*\])\s*"""
    r"""(?:or\s*\{\}\s*)?\)?\s*(?:\.get\(\s*['"]origin['"]|\[\s*['"]origin['"]\s*\])""",
    re.IGNORECASE,
)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if "statusCode" not in text or "access-control-" not in text.lower():
        return Extraction()
    module = context.python.parse(path, text)
    functions = {
        f.name: f for f in module.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    for function in functions.values():
        if not _is_handler(function):
            continue
        policy = _policy(module, function, functions)
        if policy is not None:
            policy = _gateway_options(module, policy, context)
            return Extraction(policies=(_with_authorizer(module, policy, context),))
    policies = _imported_by_handlers(module, functions, context)
    return Extraction(policies=tuple(_with_authorizer(module, policy, context) for policy in policies))


def _gateway_options(module: PythonModule, policy: CorsPolicy, context: ProjectContext) -> CorsPolicy:
    """A handler without an OPTIONS answer of its own, deployed by a serverless.yml without
    CORS: API Gateway's own 404/403 answers its preflights (serverless_framework/gateway_options.py)."""
    for name, step in policy.options.items():
        when = step.raw.get("when") if name.startswith("end") and isinstance(step.raw, dict) else None
        if when is not None and [w.raw for w in when.raw] == ["OPTIONS"]:
            return policy
    gateway = gateway_preflight(module.real_path(), policy.location, context.memo)
    if gateway is None:
        return policy
    status, evidence = gateway
    at = policy.location
    options = dict(policy.options)
    _add(options, "end", Value({"status": status, "when": Value((Value("OPTIONS", at),), at)}, at))
    return dataclasses.replace(policy, options=options, evidence=(*policy.evidence, evidence))


# a Lambda authorizer reading the bearer token: `event['headers']['Authorization']`,
# `event["authorizationToken"]` (Altostra-Labs/multi-tenant-saas
# functions/Resources/shared_service_authorizer.py)
_AUTHORIZER_READ = re.compile(
    r"""\bevent\s*\[\s*['"]headers['"]\s*\]\s*(?:\[\s*|\.get\(\s*)['"]authorization['"]"""
    r"""|\bevent\s*(?:\[\s*|\.get\(\s*)['"]authorizationToken['"]""",
    re.IGNORECASE,
)


def _with_authorizer(module: PythonModule, policy: CorsPolicy, context: ProjectContext) -> CorsPolicy:
    """The API behind the handlers takes bearer tokens: its authorizer reads them."""
    for other in [module, *modules_mentioning(module, context, b"uthorization")]:
        found = _AUTHORIZER_READ.search(other.text)
        if found is None:
            continue
        line = other.text.count("\n", 0, found.start()) + 1
        evidence = Evidence(
            "bearer-auth",
            "the Authorization request header (Lambda authorizer)",
            Location.point(other.path, line),
        )
        return dataclasses.replace(policy, evidence=(*policy.evidence, evidence))
    return policy


def _imported_by_handlers(
    module: PythonModule, functions: dict[str, Function], context: ProjectContext
) -> tuple[CorsPolicy, ...]:
    """A result helper in a module of its own (`from common.response import
    json_response`), which handlers in other modules return: the first such handler
    speaks for it. A handler module that names the result keys itself is read on its own."""
    for name, helper in functions.items():
        if _is_handler(helper):
            continue
        for other in _users(module, context, name):
            if "statusCode" in other.text or other.project is None or not _imports(other, module, name):
                continue
            # `utils.create_success_response(...)`: the helpers as the handler module names them
            aliases = {
                dotted(call.func.value)
                for call in other.calls
                if isinstance(call.func, ast.Attribute) and call.func.attr == name and dotted(call.func.value)
            }
            known = {**functions, name: helper}
            known.update({f"{alias}.{key}": value for alias in aliases for key, value in functions.items()})
            for handler in other.tree.body:
                if isinstance(handler, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_handler(handler):
                    policy = _policy(module, handler, known)
                    if policy is not None:
                        return (policy,)
    return ()


_REPOSITORY_MARKERS = (".git", "README.md", "README.rst", "LICENSE", "serverless.yml", "template.yaml")


def _users(module: PythonModule, context: ProjectContext, name: str) -> list[PythonModule]:
    """Modules that mention the helper: in its project, and beside it, where the handlers
    of a Lambda layer's helpers live (`src/` with its own requirements.txt, handlers in
    `functions/`, Altostra-Labs/multi-tenant-saas)."""
    found = modules_mentioning(module, context, name.encode())
    above = project_root(module.path, LEVELS).parent
    if not any((above / marker).exists() for marker in _REPOSITORY_MARKERS):
        return found  # not the top of a repository: the folders beside are other projects'
    for other in modules_mentioning(module, context, name.encode(), root=above):
        if all(other.path != known.path for known in found):
            found.append(other)
    return found


def _imports(other: PythonModule, module: PythonModule, name: str) -> bool:
    """`from utils import name`, or `import utils` and a call of `utils.name(...)`."""
    assert other.project is not None
    if name in other.imports:
        found = other.project.lookup(other, other.imports[name])
        return found is not None and found[0] is module and found[1] == name
    for call in other.calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr == name:
            qualified = other.qualified_name(call.func) or ""
            found = other.project.lookup(other, qualified) if "." in qualified else None
            if found is not None and found[0] is module and found[1] == name:
                return True
            # a Lambda layer's module (`src/utils.py` deployed as `utils`), which the
            # project's folders do not place beside the handler: matched by its name
            stem = os.path.splitext(os.path.basename(module.path))[0]
            if found is None and qualified == f"{stem}.{name}" and stem != "__init__":
                return True
    return False


def _is_handler(function: Function) -> bool:
    names = [a.arg for a in function.args.args]
    return len(names) == 2 and names[0] in EVENT_NAMES and names[1] in CONTEXT_NAMES


def _result_dict(
    function: Function, node: ast.expr | None, functions: dict[str, Function], depth: int = 0
) -> ast.Dict | None:
    """The result dict literal `node` returns: itself, a local name bound to one, or the
    result of a module function called here."""
    if node is None or depth > 5:  # helpers that return helpers' results, a few deep
        return None
    if isinstance(node, ast.Dict):
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        return node if "statusCode" in keys and "headers" in keys else None
    if isinstance(node, ast.Tuple) and len(node.elts) == 3 and _is_route(function):
        # pylambdarest: `return 200, body, CORS_HEADERS` is the proxy result's fields
        fields: list[ast.expr | None] = [
            ast.copy_location(ast.Constant(field), item)
            for field, item in zip(("statusCode", "body", "headers"), node.elts, strict=True)
        ]
        return ast.copy_location(ast.Dict(keys=fields, values=list(node.elts)), node)
    if isinstance(node, ast.Name):
        bound = [
            n.value
            for n in own_nodes(function)
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
            and isinstance(n.value, (ast.Dict, ast.Call))
        ]
        # `response = build_response(200, ...)` in each branch, then `return response`:
        # one result dict whichever branch ran (a branch with no result dict is skipped,
        # as a `return` of one is)
        dicts = [d for value in bound if (d := _result_dict(function, value, functions, depth + 1))]
        first = dicts[0] if dicts else None
        return first if first is not None and all(other is first for other in dicts) else None
    called = dotted(node.func) if isinstance(node, ast.Call) else ""
    if isinstance(node, ast.Call) and called in functions:
        helper = functions[called]
        results = [
            found
            for n in own_nodes(helper)
            if isinstance(n, ast.Return) and (found := _result_dict(helper, n.value, functions, depth + 1))
        ]
        return results[0] if len(results) == 1 else None
    return None


def _method_test(test: ast.expr) -> str | None:
    """`OPTIONS` / `!OPTIONS` for a comparison of the request's method with "OPTIONS"."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    sides = [test.left, *test.comparators]
    if not any(isinstance(s, ast.Constant) and s.value == "OPTIONS" for s in sides):
        return None
    if "method" not in ast.unparse(test).lower():
        return None
    if isinstance(test.ops[0], (ast.Eq, ast.Is)):
        return "OPTIONS"
    if isinstance(test.ops[0], (ast.NotEq, ast.IsNot)):
        return "!OPTIONS"
    return None


def _sites(function: Function, functions: dict[str, Function]) -> list[tuple[str, ast.Dict]]:
    """(method condition, result dict) of each return: "OPTIONS" inside a method test."""
    sites: list[tuple[str, ast.Dict]] = []

    def visit(statements: list[ast.stmt], when: str) -> None:
        for statement in statements:
            if isinstance(statement, ast.If):
                test = _method_test(statement.test)
                inner = test or when
                visit(statement.body, inner)
                other = {"OPTIONS": "!OPTIONS", "!OPTIONS": "OPTIONS"}.get(test or "", when)
                visit(statement.orelse, other)
                continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(statement, ast.Return):
                result = _result_dict(function, statement.value, functions)
                if result is not None:
                    sites.append((when, result))
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(statement, field, None)
                if isinstance(block, list):
                    nested = [
                        s
                        for item in block
                        for s in (item.body if isinstance(item, ast.ExceptHandler) else [item])
                    ]
                    visit([s for s in nested if isinstance(s, ast.stmt)], when)

    visit(function.body, "")
    return sites


def _entry(result: ast.Dict, key: str) -> ast.expr | None:
    for k, v in zip(result.keys, result.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == key:
            return v
    return None


def _headers(module: PythonModule, result: ast.Dict) -> list[tuple[str, Value]]:
    node = _entry(result, "headers")
    if isinstance(node, ast.Dict):
        pairs: list[tuple[str, Value]] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                continue  # `**other`: not followed
            name = module.resolve(key)
            if name.known and isinstance(name.raw, str):
                pairs.append((name.raw, _header_value(module, value)))
        return pairs
    if node is None:
        return []
    resolved = module.resolve(node)
    if resolved.known and isinstance(resolved.raw, dict):
        return list(resolved.raw.items())
    return []


def _header_value(module: PythonModule, node: ast.expr) -> Value:
    if _ORIGIN_READ.match(ast.unparse(node)):
        return Value(HeaderReflection("reflect-all", source="origin"), module.location(node))
    resolved = module.resolve(node)
    if (
        isinstance(node, ast.Name)
        and not resolved.known
        and _ORIGIN_READ.match(resolved.description or "")
        and not _tested(module, node.id)
    ):
        # `origin = event["headers"].get("origin")`, then `"Access-Control-Allow-Origin": origin`
        return Value(HeaderReflection("reflect-all", source="origin"), module.location(node))
    return resolved


def _tested(module: PythonModule, name: str) -> bool:
    """Whether some test reads `name` (`if origin in ALLOWED:`): the result's conditions are
    not read here, so an echo it may guard is left unknown."""
    return any(
        isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert))
        and any(isinstance(inner, ast.Name) and inner.id == name for inner in ast.walk(node.test))
        for node in ast.walk(module.tree)
    )


def _status(module: PythonModule, result: ast.Dict) -> Value:
    node = _entry(result, "statusCode")
    return module.resolve(node) if node is not None else Value(200, module.location(result))


def _step(value: Value, when: tuple[str, ...], location: Location) -> Value:
    return Value(
        {
            "value": value,
            "writer": Value("lambda", location),
            "when": Value(tuple(Value(w, location) for w in when), location),
        },
        location,
    )


def _add(options: dict[str, Value], name: str, value: Value) -> None:
    key, number = name, 2
    while key in options:
        key = f"{name} #{number}"
        number += 1
    options[key] = value


def _carries_origin(module: PythonModule, result: ast.Dict) -> bool:
    return any(name.lower() == "access-control-allow-origin" for name, _ in _headers(module, result))


def _policy(module: PythonModule, handler: Function, functions: dict[str, Function]) -> CorsPolicy | None:
    sites = [(when, result) for when, result in _sites(handler, functions) if _carries_origin(module, result)]
    if not sites:
        return None
    preflight = next((result for when, result in sites if when == "OPTIONS"), None)
    others = [result for when, result in sites if when != "OPTIONS"]

    def success(result: ast.Dict) -> bool:
        status = _status(module, result)
        return status.known and isinstance(status.raw, int) and 200 <= status.raw < 300

    other = next((r for r in others if success(r)), others[0] if others else None)
    options: dict[str, Value] = {}
    for result, when in ((preflight, ("OPTIONS",)), (other, ("!OPTIONS",) if preflight is not None else ())):
        if result is None:
            continue
        for name, value in _headers(module, result):
            if name.lower().startswith("access-control-") or name.lower() == "vary":
                canonical = "-".join(part.capitalize() for part in name.split("-"))
                _add(options, canonical, _step(value, when, value.location))
        status = _status(module, result)
        if when != ("OPTIONS",) and not (status.known and isinstance(status.raw, int)):
            status = Value(200, status.location)
        end_when = when if when else ("!OPTIONS",)
        location = module.location(result)
        _add(
            options,
            "end",
            Value(
                {"status": status, "when": Value(tuple(Value(w, location) for w in end_when), location)},
                location,
            ),
        )
    _further_returns(module, options, [r for r in others if r is not other])
    origin = next(value for name, value in options.items() if name.startswith("Access-Control-Allow-Origin"))
    location = origin.location
    return CorsPolicy(
        framework="lambda_headers",
        location=location,
        options=options,
        development_only=is_development_path(module.path),
        label=f"AWS Lambda result ({os.path.basename(module.path)})",
        app=f"{module.path}::lambda_headers@{location.line}:{location.column}",
    )


def _further_returns(module: PythonModule, options: dict[str, Value], results: list[ast.Dict]) -> None:
    """The other returns writing an Allow-Origin already read (the `except` answer, early
    errors): each is a place the rules report (`PolicyProbe.write_sites`), added after the
    end of the judged answer, under its conditions, so they never change an answer
    (extractors/express/further_returns.py does the same for JS results)."""
    read = [v for name, v in options.items() if name.startswith("Access-Control-Allow-Origin")]
    known = {repr(v.raw["value"].raw) for v in read if v.raw["value"].known}
    seen = {v.location for v in read}
    for result in results:
        for name, value in _headers(module, result):
            if name.lower() != "access-control-allow-origin" or not value.known or value.location in seen:
                continue
            if repr(value.raw) in known:
                seen.add(value.location)
                _add(options, "Access-Control-Allow-Origin", _step(value, ("!OPTIONS",), value.location))


def _is_route(function: Function) -> bool:
    """A pylambdarest handler: `@route()`, `@route(body_schema=...)`."""
    return any(
        dotted(node.func if isinstance(node, ast.Call) else node).rsplit(".", 1)[-1] == "route"
        for node in function.decorator_list
    )


def pylambdarest_policies(module: PythonModule, context: ProjectContext) -> tuple[CorsPolicy, ...]:
    """A headers constant (`CORS_HEADERS = {...}` in commons/constants.py) that pylambdarest
    handlers in other modules return as their third field (VsheeKhan/lingo-api-new
    functions/books/app.py): the first such handler speaks for the constant. Asked by
    the python_headers extractor, which reads the constant's module (no `statusCode` in it)."""
    constants = [
        node.targets[0].id
        for node in module.tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Dict)
        and "access-control-" in module.source(node.value).lower()
    ]
    for name in constants:
        for other in _users(module, context, name):
            if "pylambdarest" not in other.text or other.project is None or name not in other.imports:
                continue
            found = other.project.lookup(other, other.imports[name])
            if found is None or found[0] is not module:
                continue
            functions = {
                f.name: f for f in other.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
            for handler in functions.values():
                if _is_route(handler):
                    policy = _policy(other, handler, functions)
                    if policy is not None:
                        return (policy,)
    return ()
