"""A yes/no helper of the same module that the Origin is handed to, read as the test it
makes: `if self.allow(origin):` where `allow` is

    def allow(self, origin):
        if ALL_ORIGINS in self.allowed_origins:
            return True
        return origin in self.allowed_origins

is the test `ALL_ORIGINS in self.allowed_origins or origin in self.allowed_origins`.
Seen in hand-written Falcon middleware configured through its constructor (`CorsMiddleware
(allowed_origins)` with `allow()` / `process_request`, the "Simple CORS provider for
Falcon" module), and in Starlette, Flask and Django layers with `_is_origin_allowed(self,
origin)` (`if "*" in self.config.allow_origins: return True`, `if not origin: return
False`). Before, such a call was an allow-list that could not be read (CORS305).

Only a helper whose body is early `if <test>: return <value>` statements (no `else`),
locals bound once (`allowed = CORS_SETTINGS["origins"]`) and one last `return <value>`
is read, its parameters and locals replaced by what they hold; anything else (loops,
`try`, a rebound name, a helper of another module, a name the caller also binds) leaves
the call as it was. The result only decides a test, so truthiness is what counts:
`if T: return True` then R is `T or R`; `if T: return False` then R is `not T and R`."""

from __future__ import annotations

import ast
import copy

from corslint.extractors.python_headers.callees import Callee, callee_of
from corslint.extractors.python_headers.frame import Frame, Steps, dotted
from corslint.extractors.python_headers.requests import Decided, condition

MAX_DEPTH = 3
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "functools.lru_cache", "functools.cache"})


def decided_with_predicates(
    frame: Frame, steps: Steps, test: ast.expr, owner: ast.ClassDef | None
) -> Decided:
    """`condition(frame, steps, test)`, with the project's yes/no helpers read inline
    where that decides the test; else the test as it was."""
    inlined = inline_predicates(frame, test, owner)
    if inlined is not test:
        kept = (steps.guard, steps.guard_match, steps.guard_source)
        found = condition(frame, steps, inlined)
        if found is not None:
            return found
        steps.guard, steps.guard_match, steps.guard_source = kept
    return condition(frame, steps, test)


def inline_predicates(frame: Frame, test: ast.expr, owner: ast.ClassDef | None, depth: int = 0) -> ast.expr:
    """`test` with each call of a readable helper replaced by the test it makes (the
    same node when there is none)."""
    if depth >= MAX_DEPTH or not any(isinstance(n, ast.Call) for n in ast.walk(test)):
        return test
    changed = False

    class Inline(ast.NodeTransformer):
        def visit_Call(self, call: ast.Call) -> ast.expr:
            nonlocal changed
            found = _inlined(frame, call, owner, depth)
            if found is None:
                self.generic_visit(call)
                return call
            changed = True
            return found

    replaced = Inline().visit(copy.deepcopy(test))
    if not changed or not isinstance(replaced, ast.expr):
        return test
    return ast.fix_missing_locations(replaced)


def _inlined(frame: Frame, call: ast.Call, owner: ast.ClassDef | None, depth: int) -> ast.expr | None:
    callee = callee_of(frame.module, call, owner)
    if callee is None or callee.module.path != frame.module.path:
        return None
    function = callee.function
    if isinstance(function, ast.AsyncFunctionDef) or not _plain(frame, function):
        return None
    bound = _arguments(frame, call, callee)
    if bound is None:
        return None
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return None
    last = body[-1]
    if isinstance(last, ast.Return):
        if last.value is None:
            return None
        result: ast.expr = last.value
        body = body[:-1]
    else:
        result = ast.Constant(value=None)  # falling off the end returns None
    early: list[tuple[ast.expr, ast.expr]] = []
    names = dict(bound)  # parameters, then locals bound once (`allowed = self.config["origins"]`)
    raw: list[ast.expr] = [result]
    later = {t.id for st in body for t in _local_targets(st)}  # read before bound: an error
    for statement in body:
        targets = _local_targets(statement)
        if targets:
            value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
            if value is None or targets[0].id in names or _reads(value, later - names.keys()):
                return None
            raw.append(value)
            names[targets[0].id] = _substituted(value, names)
            continue
        if not (
            isinstance(statement, ast.If)
            and not statement.orelse
            and len(statement.body) == 1
            and isinstance(statement.body[0], ast.Return)
            and statement.body[0].value is not None
        ):
            return None
        raw += [statement.test, statement.body[0].value]
        if _reads(statement.test, later - names.keys()) or _reads(
            statement.body[0].value, later - names.keys()
        ):
            return None
        early.append((_substituted(statement.test, names), _substituted(statement.body[0].value, names)))
    if not _names_free(frame, raw, names):
        return None
    expression = _substituted(result, names)
    for test, value in reversed(early):
        if isinstance(value, ast.Constant) and value.value is True:
            expression = ast.BoolOp(op=ast.Or(), values=[test, expression])
        elif isinstance(value, ast.Constant) and value.value in (False, None):
            expression = ast.BoolOp(
                op=ast.And(), values=[ast.UnaryOp(op=ast.Not(), operand=test), expression]
            )
        else:  # `if T: return V`: V's truth where T holds, the rest's elsewhere
            expression = ast.BoolOp(
                op=ast.Or(),
                values=[
                    ast.BoolOp(op=ast.And(), values=[test, value]),
                    ast.BoolOp(
                        op=ast.And(),
                        values=[ast.UnaryOp(op=ast.Not(), operand=copy.deepcopy(test)), expression],
                    ),
                ],
            )
    expression = ast.copy_location(expression, call)
    expression = ast.fix_missing_locations(expression)
    return inline_predicates(frame, expression, callee.owner, depth + 1)


def _local_targets(statement: ast.stmt) -> list[ast.Name]:
    """The name a `name = value` (or `name: T = value`) statement binds."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return [target] if isinstance(target, ast.Name) else []
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target]
    return []


def _reads(node: ast.expr, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _plain(frame: Frame, function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = frame.module.qualified_name(target) or dotted(target)
        if name not in _PLAIN_DECORATORS:
            return False
    return True


def _static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(dotted(d) == "staticmethod" for d in function.decorator_list)


def _arguments(frame: Frame, call: ast.Call, callee: Callee) -> dict[str, ast.expr] | None:
    """The callee's parameters, each bound to the call's argument or its default."""
    function = callee.function
    arguments = function.args
    if arguments.vararg or arguments.kwarg or arguments.kwonlyargs:
        return None
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    through_self = isinstance(call.func, ast.Attribute) and dotted(call.func.value) in {"self", "cls"}
    if through_self and not _static(function):
        if not names:
            return None
        names = names[1:]  # `self`: the caller's own
    elif callee.owner is not None and not _static(function):
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    if len(call.args) > len(names):
        return None
    bound: dict[str, ast.expr] = dict(zip(names, call.args, strict=False))
    for keyword in call.keywords:
        if keyword.arg not in names or keyword.arg in bound:
            return None
        bound[str(keyword.arg)] = keyword.value
    defaults = dict(zip(names[len(names) - len(arguments.defaults) :], arguments.defaults, strict=False))
    for name in names:
        if name not in bound:
            if name not in defaults:
                return None
            bound[name] = defaults[name]
    return bound


def _names_free(frame: Frame, parts: list[ast.expr], bound: dict[str, ast.expr]) -> bool:
    """No name the helper reads (other than its parameters and `self`) is one the
    caller binds locally, where it would stand for something else."""
    caller = set(frame.values) | set(frame.conditions) | set(frame.parsed) | set(frame.local_functions)
    for part in parts:
        for node in ast.walk(part):
            if isinstance(node, ast.NamedExpr):
                return False
            if isinstance(node, ast.Name) and node.id in caller and node.id not in bound:
                return False
    return True


def _substituted(node: ast.expr, bound: dict[str, ast.expr]) -> ast.expr:
    class Replace(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.expr:
            if name.id in bound and isinstance(name.ctx, ast.Load):
                return copy.deepcopy(bound[name.id])
            return name

    result = Replace().visit(copy.deepcopy(node))
    assert isinstance(result, ast.expr)
    return result
