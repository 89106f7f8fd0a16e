"""Calls of the project's own functions, evaluated: `**cors_options()`, `get_settings()`,
`env_bool("OPEN_CORS", default=True)`, same-file helpers that return `"*"`.

A call is followed into the function it names (here, or imported from the project) with
its arguments bound to the parameters; the value is what its `return` gives on the path
the code takes, with `if`s decided as anywhere else. Only certain paths are followed: a
function that may raise, loops or catches on the way to its return, is async, or wears a
decorator other than a cache, gives an unknown value that says why. A parameter read
where no call is being evaluated takes what the function's callers in the project pass,
when they all pass the same.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

from corslint.extractors.python.flow import FUNCTIONS
from corslint.extractors.python.helper_fills import filled
from corslint.extractors.python.loader_syntax import reraises_only
from corslint.extractors.python.mutations import MutationResolver
from corslint.extractors.python.scope import EMPTY_SCOPE, MAX_DEPTH, Argument, Frame, Scope
from corslint.extractors.python.served_factories import served_default
from corslint.extractors.python.syntax import dotted_name
from corslint.extractors.python.values import ListItems, is_unset_read, under_condition
from corslint.model import Provenance, UnresolvedValueError, Value

# decorators that leave what a call returns as it is
TRANSPARENT_DECORATORS = frozenset(
    {
        "functools.lru_cache",
        "functools.cache",
        "functools.cached_property",
        "lru_cache",
        "cache",
        "cached_property",
        "staticmethod",
        "classmethod",
        "property",
        "pydantic.computed_field",
        "computed_field",
        "typing.override",
        "typing_extensions.override",
        "override",
        "typing.no_type_check",  # private-gpt's load_yaml_with_envvars: marks, returns the function
    }
)
# distutils' strtobool (also vendored by setuptools), which projects still import
_STRTOBOOL = frozenset({"distutils.util.strtobool", "setuptools._distutils.util.strtobool", "strtobool"})
_TRUE_WORDS = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE_WORDS = frozenset({"n", "no", "f", "false", "off", "0"})
_BUILTIN_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "bool": (bool,),
    "int": (int,),
    "float": (float,),
    "dict": (dict,),
}
_SEQUENCE_TYPES = frozenset({"list", "tuple", "set", "frozenset"})
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Callee:
    """A project function to evaluate: where it is defined, and what its first parameter
    receives when it is called on an object (`self`, `cls`)."""

    module: CallResolver
    function: FunctionNode
    bound: object | None = None


class CallResolver(MutationResolver):
    """Evaluates calls of project functions, and reads parameters."""

    _functions: dict[str, FunctionNode] | None = None

    # -- supplied by the module, which knows the project --------------------------------
    def import_target(self, qualified: str) -> tuple[CallResolver, str] | None:
        """The in-tree module and name a qualified import names."""
        raise NotImplementedError

    def call_sites(self, function: FunctionNode) -> list[tuple[CallResolver, ast.Call]]:
        """The project's calls of a module-level function defined here."""
        raise NotImplementedError

    def star_modules(self) -> Sequence[CallResolver]:
        """The in-tree modules this one star-imports, last import first (it wins)."""
        raise NotImplementedError

    # -- which function a call names --------------------------------------------------
    @property
    def functions(self) -> dict[str, FunctionNode]:
        """Module-level functions bound once, unconditionally."""
        if self._functions is None:
            counts: dict[str, int] = {}
            found: dict[str, FunctionNode] = {}
            for statement in self.tree.body:
                if isinstance(statement, FUNCTIONS) and not _is_overload(statement):
                    counts[statement.name] = counts.get(statement.name, 0) + 1
                    found[statement.name] = statement
            self._functions = {
                name: node
                for name, node in found.items()
                if counts[name] == 1 and name not in self.assignments and name not in self.imports
            }
        return self._functions

    def function_named(self, name: str, depth: int = 0) -> Callee | None:
        """The module-level function `name` of this module, or the one it imports as `name`."""
        if name in self.functions:
            return Callee(self, self.functions[name])
        qualified = self.imports.get(name) or self.nested_imports.get(name)
        if qualified is None and depth <= MAX_DEPTH and not name.startswith("_"):
            # `from helpers import *`, whose `__init__` star-imports the module defining it
            for exporter in self.star_modules():
                found = exporter.function_named(name, depth + 1)
                if found is not None:
                    return found
            return None
        if qualified is None or depth > MAX_DEPTH:
            return None
        target = self.import_target(qualified)
        if target is None or target[0] is self:
            return None
        return target[0].function_named(target[1], depth + 1)

    def callee(self, func: ast.expr, scope: Scope) -> Callee | None:
        if isinstance(func, ast.Name):
            found = self.lookup(func.id, func, scope)
            if found.kind == "definition" and isinstance(found.node, FUNCTIONS):
                return Callee(self, found.node)
            if found.kind == "import":
                target = self.import_target(found.qualified)
                return target[0].function_named(target[1]) if target is not None else None
            if found.kind == "module":
                return self.function_named(func.id)
            return None
        if isinstance(func, ast.Attribute):
            qualified = self.qualified_name(func)
            root = func.value
            while isinstance(root, ast.Attribute):
                root = root.value
            # `cors.origins()` after `from config import cors` (a module of the project)
            imported = isinstance(root, ast.Name) and root.id in self.imports
            if qualified is not None and "." in qualified and imported:
                target = self.import_target(qualified)
                if target is not None and target[0] is not self:
                    return target[0].function_named(target[1])
        return None

    def helper_change(self, value: Value, name: str, call: ast.Call, scope: Scope) -> Value:
        return filled(self, value, name, call, scope, opaque)

    # -- evaluation -------------------------------------------------------------------
    def evaluate_call(self, call: ast.Call, scope: Scope) -> Value | None:
        """What a call of a project function returns; None when it names none."""
        callee = self.callee(call.func, scope)
        if callee is None:
            return None
        return self.evaluate(callee, call, scope)

    def evaluate(self, callee: Callee, call: ast.Call, scope: Scope) -> Value:
        why = opaque(callee)
        if why:
            return self.unknown(call, f"{self.source(call)} ({why})")
        if scope.depth > MAX_DEPTH:
            return self.unknown(call)
        frame = self.bind_arguments(callee, call, scope)
        value = callee.module.returned(callee.function, scope.entering(callee.function, frame))
        return _env_defaults_at_call(value, callee, call, self)

    def returned(self, function: FunctionNode, scope: Scope) -> Value:
        """The value `function`'s body returns, evaluated in `scope` (its frame)."""
        reached = self._reached_return(function.body, scope)
        if isinstance(reached, str):
            return self.unknown(function, f"{function.name}() {reached}")
        statement, condition = reached
        if statement is None or statement.value is None:
            return Value(None, self.location(statement or function))
        value = self.resolve(statement.value, scope)
        return under_condition(value, condition) if condition is not None else value

    def closure_product(self, call: ast.Call, scope: Scope) -> Value | None:
        """What the function a call returns gives when called in turn: `default_factory=
        from_env("CORS_ORIGINS", ["*"], list)` where `from_env` returns `lambda: read(name,
        fallback, kind)` (the litestar-fullstack template's `get_env`); None otherwise."""
        callee = self.callee(call.func, scope)
        if callee is None or opaque(callee) or scope.depth > MAX_DEPTH:
            return None
        inner = scope.entering(callee.function, self.bind_arguments(callee, call, scope))
        reached = callee.module._reached_return(callee.function.body, inner)
        if isinstance(reached, str) or reached[0] is None or reached[1] is not None:
            return None
        returned = reached[0].value
        if not isinstance(returned, ast.Lambda) or returned.args.args or returned.args.vararg:
            return None
        value = callee.module.resolve(returned.body, inner)
        return _env_defaults_at_call(value, callee, call, self)

    def returned_expression(self, callee: Callee, call: ast.Call) -> tuple[CallResolver, ast.expr] | None:
        """The expression of the `return` a call of `callee` reaches (`return
        ProductionConfig` after an `if` on an environment default), with the module that
        holds it; None when that cannot be told. For what is not a value: a class."""
        if opaque(callee):
            return None
        scope = EMPTY_SCOPE.entering(callee.function, self.bind_arguments(callee, call, EMPTY_SCOPE))
        reached = callee.module._reached_return(callee.function.body, scope)
        if isinstance(reached, str) or reached[0] is None or reached[0].value is None:
            return None
        return callee.module, reached[0].value

    def _reached_return(
        self, block: list[ast.stmt], scope: Scope
    ) -> tuple[ast.Return | None, Value | None] | str:
        """The `return` the code reaches (None: it runs off the end), and the condition that
        chose it when that rests on a default; a string says why it cannot be known."""
        for statement in block:
            if isinstance(statement, ast.Return):
                return statement, None
            if isinstance(statement, ast.Raise):
                return "may raise"
            if isinstance(statement, (*FUNCTIONS, ast.ClassDef)) or not _exits(statement):
                continue  # a nested `def` returns for itself
            if isinstance(statement, ast.If):
                decided = self.decide(statement.test, scope)
                if decided is None and _only_raises(statement):
                    continue  # a guard that stops the program: what is returned comes after it
                if decided is None:
                    return f"returns under `if {self.source(statement.test)}`"
                inner = self._reached_return(statement.body if decided.raw else statement.orelse, scope)
                if isinstance(inner, str) or inner[0] is not None:
                    if isinstance(inner, str) or inner[1] is not None or decided.env_var is None:
                        return inner
                    return inner[0], decided
                continue
            if isinstance(statement, (ast.With, ast.AsyncWith)) or _finally_only(statement):
                inner = self._reached_return(statement.body, scope)
                if isinstance(inner, str) or inner[0] is not None:
                    return inner
                continue
            if reraises_only(statement):
                continue  # a call that returns ran the `try` body through
            if isinstance(statement, ast.Try):
                handler = self._caught_first(statement, scope)
                if handler is not None:  # the body's first statement raises: the handler runs
                    inner = self._reached_return(handler.body, scope)
                    if isinstance(inner, str) or inner[0] is not None:
                        return inner
                    continue
            return "returns or raises inside a loop, `try` or `match`"
        return None, None

    def _caught_first(self, statement: ast.Try, scope: Scope) -> ast.ExceptHandler | None:
        """The handler that runs when a `try` body's first statement is `x = json.loads(T)`
        of a known text that is not JSON (a `JSONDecodeError`, a `ValueError`), with no
        `finally` to run after it."""
        first = statement.body[0]
        if statement.finalbody or not (
            isinstance(first, ast.Assign)
            and isinstance(first.value, ast.Call)
            and self.qualified_name(first.value.func) == "json.loads"
            and len(first.value.args) == 1
            and not first.value.keywords
        ):
            return None
        text = self.resolve(first.value.args[0], scope)
        if not (text.known and isinstance(text.raw, str)) or _is_json(text.raw):
            return None
        for handler in statement.handlers:
            caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            names = {(dotted_name(c).split(".")[-1] if c is not None else "") for c in caught}
            if names & _JSON_ERRORS:
                return handler
        return None

    def bind_arguments(self, callee: Callee, call: ast.Call, scope: Scope) -> Frame:
        """The parameters of `callee.function` as the call `call` (in this module) fills
        them: arguments stay unresolved until read; a parameter nothing fills is unknown."""
        arguments = callee.function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        names = [a.arg for a in positional]
        bound: dict[str, object] = {}
        if callee.bound is not None and names:
            bound[names[0]] = callee.bound
            names = names[1:]
        extra: list[Value] = []
        spread = ""
        for index, argument in enumerate(call.args):
            if isinstance(argument, ast.Starred):
                spread = f"*{self.source(argument.value)}"
                break
            if index < len(names):
                bound[names[index]] = Argument(self, argument, scope)
            else:
                extra.append(self.resolve(argument, scope))
        accepted = {*names, *(a.arg for a in arguments.kwonlyargs)}
        extra_keywords: dict[str, Value] = {}
        for keyword in call.keywords:
            if keyword.arg is None:
                expanded = self.resolve(keyword.value, scope)
                if not (expanded.known and isinstance(expanded.raw, dict)):
                    spread = spread or f"**{self.source(keyword.value)}"
                    continue
                for key, item in expanded.raw.items():
                    if key in accepted:
                        bound[str(key)] = item
                    else:
                        extra_keywords[str(key)] = item
            elif keyword.arg in accepted:
                bound[keyword.arg] = Argument(self, keyword.value, scope)
            else:
                extra_keywords[keyword.arg] = self.resolve(keyword.value, scope)
        defaults = list(
            zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True)
        )
        defaults += [
            (a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is not None
        ]
        location = self.location(call)
        for parameter, default in defaults:
            if parameter.arg not in bound and not spread:
                bound[parameter.arg] = Argument(callee.module, default, EMPTY_SCOPE.deeper())
        if arguments.vararg is not None:
            bound[arguments.vararg.arg] = Value(tuple(extra), location)
        if arguments.kwarg is not None:
            bound[arguments.kwarg.arg] = Value(extra_keywords, location)
        for name in accepted:
            if name not in bound:
                why = f"passed through `{spread}`" if spread else "no argument given"
                bound[name] = Value(None, location, Provenance.UNKNOWN, description=f"`{name}` ({why})")
        return Frame(bound)

    # -- parameters -------------------------------------------------------------------
    def parameter_value(self, function: ast.AST, name: str, node: ast.expr, scope: Scope) -> Value:
        frame = scope.frame(function)
        if frame is not None:
            bound = frame.arguments.get(name)
            if isinstance(bound, Argument):
                return bound.value()
            if isinstance(bound, Value):
                return bound
            return self.unknown(node)
        if isinstance(function, FUNCTIONS) and function in self.tree.body and scope.depth < MAX_DEPTH:
            return self._from_callers(function, name, node, scope)
        return self.unknown(node, f"parameter `{name}`")

    def _from_callers(self, function: FunctionNode, name: str, node: ast.expr, scope: Scope) -> Value:
        """A parameter of a function read outside any evaluated call: what every call of it
        in the project passes, when they agree. Worked out once per parameter: each caller
        may itself read parameters from its own callers, and without the memo the work grew
        with the number of callers to the power of the depth (11 s for one 600-line file)."""
        key = (id(function), name)
        memo = self.__dict__.setdefault("_caller_values", {})
        if key in memo:
            found: Value | None = memo[key]
            return found if found is not None else self.unknown(node, f"parameter `{name}` (read in a cycle)")
        memo[key] = None  # while it is worked out: a call cycle reads it as unknown
        value = self._callers_agree(function, name, node, scope)
        memo[key] = value
        return value

    def _callers_agree(self, function: FunctionNode, name: str, node: ast.expr, scope: Scope) -> Value:
        sites = self.call_sites(function)
        if not sites:  # an app factory a server calls with no arguments: its default
            served = served_default(self, function, name)
            if served is not None:
                return served
            return self.unknown(node, f"parameter `{name}` of {function.name}() (no caller found)")
        values: list[Value] = []
        for module, call in sites:
            frame = module.bind_arguments(Callee(self, function), call, Scope({}, scope.depth + 1))
            bound = frame.arguments.get(name)
            if isinstance(bound, Argument):
                values.append(bound.value())
            elif isinstance(bound, Value):
                values.append(bound)
            else:
                return self.unknown(node)
        first = values[0]
        if len(values) > 1 and not all(_same(first, other) for other in values[1:]):
            return self.unknown(
                node, f"parameter `{name}` of {function.name}() (its callers pass different values)"
            )
        return first

    # -- library functions corslint knows ----------------------------------------------
    def known_call(self, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
        args = [a for a in call.args if not isinstance(a, ast.Starred)]
        if len(args) != len(call.args) or call.keywords:
            return None
        if (
            qualified in _STRTOBOOL
            and len(args) == 1
            and (qualified != "strtobool" or "strtobool" in self.imports)
        ):
            text = self.resolve(args[0], scope)
            if not (text.known and isinstance(text.raw, str)):
                return self.unknown(call)
            word = text.raw.lower()
            if word not in _TRUE_WORDS | _FALSE_WORDS:
                return self.unknown(call, f"{self.source(call)} (raises ValueError for {text.raw!r})")
            return Value(
                int(word in _TRUE_WORDS),
                self.location(call),
                text.provenance,
                text.env_var,
                related=text.related,
            )
        if qualified == "isinstance" and len(args) == 2:
            return self._isinstance(call, args[0], args[1], scope)
        if qualified == "len" and len(args) == 1:
            sized = self.resolve(args[0], scope)
            if not (sized.known and isinstance(sized.raw, (str, tuple, dict))):
                return None
            return Value(len(sized.raw), self.location(call), sized.provenance, sized.env_var)
        if qualified in {"any", "all"} and len(args) == 1:
            # `any(o == "*" for o in settings.CORS_ORIGINS)` (census 6 P10)
            items = self.resolve(args[0], scope)
            if not (items.known and isinstance(items.raw, tuple) and all(i.known for i in items.raw)):
                return None
            test = any if qualified == "any" else all
            env_var = items.env_var or next((i.env_var for i in items.raw if i.env_var), None)
            found = test(bool(item.raw) for item in items.raw)
            return Value(found, self.location(call), items.provenance, env_var, related=items.related)
        return None

    def _isinstance(self, call: ast.Call, subject: ast.expr, kinds: ast.expr, scope: Scope) -> Value | None:
        written = kinds.elts if isinstance(kinds, ast.Tuple) else _union_members(kinds)
        names = [e.id for e in written if isinstance(e, ast.Name)]
        if len(names) != len(written) or not all(n in _BUILTIN_TYPES or n in _SEQUENCE_TYPES for n in names):
            return None
        value = self.resolve(subject, scope)
        location = self.location(call)
        if is_unset_read(value):
            return Value(False, location, Provenance.ENV_DEFAULT, value.env_var)
        if not value.known:
            return self.unknown(call)
        raw = value.raw
        if isinstance(raw, tuple):
            # a list, tuple or set literal all read as a tuple: only a test that covers all
            # three, or none of them, is certain
            covered = _SEQUENCE_TYPES & set(names)
            if isinstance(raw, ListItems):
                result = "list" in covered  # `x if isinstance(x, list) else [x]` over a known list
            elif covered and not {"list", "tuple", "set"} <= covered:
                return self.unknown(call)
            else:
                result = bool(covered)
        else:
            types = tuple(t for n in names for t in _BUILTIN_TYPES.get(n, ()))
            result = isinstance(raw, types)
        return Value(result, location, value.provenance, value.env_var, related=value.related)


def _env_defaults_at_call(value: Value, callee: Callee, call: ast.Call, module: CallResolver) -> Value:
    """An env helper's default that the call passes (`env_list("CORS_ORIGINS",
    "http://localhost:3000")`, the helper reading `os.getenv(name, default)`) is reported
    where the call writes it, with the helper's line kept as related: each call passes
    its own default. A default the helper decides itself stays where the helper writes it."""
    function = callee.function
    passed = _passed_default(function, call)
    if passed is None:
        return value
    to = module.location(passed)
    first, last = function.lineno, getattr(function, "end_lineno", None) or function.lineno
    path = callee.module.location(function).path

    def relocate(found: Value) -> Value:
        raw = found.raw
        if isinstance(raw, tuple):
            raw = tuple(relocate(item) if isinstance(item, Value) else item for item in raw)
        elif isinstance(raw, dict):
            raw = {k: relocate(v) if isinstance(v, Value) else v for k, v in raw.items()}
        where = found.location
        inside = where.path == path and first <= where.line <= last
        if found.provenance is not Provenance.ENV_DEFAULT or not inside:
            if raw is found.raw:
                return found
            return Value(raw, where, found.provenance, found.env_var, found.description, found.related)
        related = (where, *(r for r in found.related if r != where))
        return Value(raw, to, found.provenance, found.env_var, found.description, related)

    return relocate(value)


def _passed_default(function: FunctionNode, call: ast.Call) -> ast.expr | None:
    """What `call` passes for the parameter `function` hands to an environment read as
    its default (`os.getenv(name, default)`, `os.environ.get(name, default)`)."""
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Name) and func.id == "getenv") or (
            isinstance(func, ast.Attribute)
            and (
                func.attr == "getenv" or (func.attr == "get" and ast.unparse(func.value).endswith("environ"))
            )
        )
        if not reads_env:
            continue
        default = (
            node.args[1]
            if len(node.args) > 1
            else next((k.value for k in node.keywords if k.arg == "default"), None)
        )
        if not isinstance(default, ast.Name) or default.id not in names:
            continue
        for keyword in call.keywords:
            if keyword.arg == default.id:
                return keyword.value
        if not any(isinstance(a, ast.Starred) for a in call.args):
            index = names.index(default.id)
            if index < len(call.args):
                return call.args[index]
    return None


def _is_overload(function: FunctionNode) -> bool:
    """A `@typing.overload` stub: the implementation after it is the function."""
    return any(dotted_name(d).rpartition(".")[2] == "overload" for d in function.decorator_list)


def opaque(callee: Callee) -> str:
    """Why a call of the function cannot be followed ("" when it can)."""
    function = callee.function
    if isinstance(function, ast.AsyncFunctionDef):
        return "an async function returns a coroutine"
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = callee.module.qualified_name(target) or ""
        if name not in TRANSPARENT_DECORATORS:
            return f"decorated with @{callee.module.source(decorator)}"
    return ""


def _union_members(kinds: ast.expr) -> list[ast.expr]:
    """`list | str` (a union as isinstance's second argument) -> [list, str]."""
    if isinstance(kinds, ast.BinOp) and isinstance(kinds.op, ast.BitOr):
        return [*_union_members(kinds.left), *_union_members(kinds.right)]
    return [kinds]


def _only_raises(statement: ast.If) -> bool:
    """An `if` that leaves the function only by `raise` (alerta/alerta alerta/utils/config.py:
    `if config['CUSTOMER_VIEWS'] and not config['AUTH_REQUIRED']: raise RuntimeError(...)`)."""
    return not _exits(statement, (ast.Return,))


def _finally_only(statement: ast.stmt) -> TypeGuard[ast.Try]:
    """`try: ... finally: loader.dispose()`: the body's `return` stands (the `finally` neither returns nor raises)."""
    return isinstance(statement, ast.Try) and not (
        statement.handlers or statement.orelse or any(map(_exits, statement.finalbody))
    )


def _exits(statement: ast.stmt, kinds: tuple[type[ast.stmt], ...] = (ast.Return, ast.Raise)) -> bool:
    """Whether a `return` or `raise` stands in the statement (not in a nested function)."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, kinds):
            return True
        stack.extend(
            c
            for c in ast.iter_child_nodes(node)
            if isinstance(c, ast.stmt) and not isinstance(c, (*FUNCTIONS, ast.ClassDef))
        )
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                stack.extend(handler.body)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                stack.extend(case.body)
    return False


def _same(one: Value, other: Value) -> bool:
    try:
        return bool(one.plain() == other.plain())
    except UnresolvedValueError:
        return False


_JSON_ERRORS = frozenset({"JSONDecodeError", "ValueError", "Exception", "BaseException", ""})


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
