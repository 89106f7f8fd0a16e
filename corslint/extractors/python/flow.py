"""Names read where they are used: the binding a use sees in its function or block.

`app.add_middleware(CORSMiddleware, **options)` inside `create_app()` reads the `options`
bound a few lines earlier in the same function, perhaps completed by `options["x"] = ...`
under an `if`. The lookup walks back from the use through the statements that run before
it, as Python would: the last binding in the same block wins; a binding under an `if`
whose test can be decided (with environment defaults) is followed into the arm that
runs; one under an undecidable condition, in a loop or in a `try` is uncertain, and so
unknown. Parameters, imports inside functions, and names of the enclosing scopes are told
apart, so the module can resolve each its own way.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass

from corslint.extractors.python.expressions import ExpressionResolver
from corslint.extractors.python.loader_syntax import reraises_only
from corslint.extractors.python.missing_key_fallbacks import missing_key_fallback
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.source import imported_names, statement_blocks
from corslint.extractors.python.syntax import TRY_STATEMENTS
from corslint.model import Provenance, Value

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
LIST_MUTATORS = frozenset({"append", "extend", "insert", "remove", "clear", "pop", "sort", "reverse"})
DICT_MUTATORS = frozenset({"update", "setdefault", "pop", "clear", "popitem"})
_MUTATORS = LIST_MUTATORS | DICT_MUTATORS | {"add", "discard"}
# builtins called for their effect that never change what they are handed
_EFFECT_BUILTINS = frozenset(
    {"print", "len", "repr", "str", "sorted", "list", "set", "tuple", "iter", "next", "id"}
)


@dataclass(frozen=True)
class Found:
    """What a name refers to at one place. `kind`:

    - ``value``: bound by `node` (an assignment's value) in this module; `mutations` are the
      statements between that binding and the use that change it in place;
    - ``augmented``: `statement` is an `X += ...` (the value of X before it, combined);
    - ``import``: an import statement's `qualified` name;
    - ``definition``: `node` is the `def` or `class` statement that binds it;
    - ``parameter``: a parameter of `function`;
    - ``module``: not bound where it is used; the module's own binding, import or builtin;
    - ``unknown``: bound in a way that cannot be followed (`why` says which).
    """

    kind: str
    node: ast.AST | None = None
    statement: ast.stmt | None = None
    function: ast.AST | None = None
    qualified: str = ""
    why: str = ""
    mutations: tuple[ast.stmt, ...] = ()
    condition: Value | None = None  # the decided `if` that chose the binding, if any


MODULE_LEVEL = Found("module")


@dataclass(frozen=True)
class Step:
    """One level of the statements around a node: `block[index]` holds it, and `owner`
    (the module, or a compound statement) holds `block`."""

    owner: ast.AST
    block: list[ast.stmt]
    index: int


def _start(statement: ast.stmt) -> tuple[int, int]:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([(statement.lineno, statement.col_offset), *((d.lineno, d.col_offset) for d in decorators)])


def _contains(statement: ast.stmt, position: tuple[int, int]) -> bool:
    end = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
    return _start(statement) <= position < end


def bound_here(block: list[ast.stmt], name: str) -> bool:
    """Whether a statement of `block`, or of a block inside it (not in a nested scope),
    binds `name`."""
    stack = list(block)
    while stack:
        statement = stack.pop()
        if name in _binds(statement):
            return True
        if not isinstance(statement, _SCOPES):
            for inner in statement_blocks(statement):
                stack.extend(inner)
    return False


def _binds(statement: ast.stmt) -> set[str]:
    """Names the statement itself binds (not those of the blocks inside it)."""
    names: set[str] = set()
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            names.update(_target_names(target))
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        if isinstance(statement.target, ast.Name) and (
            isinstance(statement, ast.AugAssign) or statement.value is not None
        ):
            names.add(statement.target.id)
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        names.update(local for local, _ in imported_names(statement))
    elif isinstance(statement, (*FUNCTIONS, ast.ClassDef)):
        names.add(statement.name)
    elif isinstance(statement, (ast.For, ast.AsyncFor)):
        names.update(_target_names(statement.target))
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            names.update(_target_names(item.optional_vars))
    elif isinstance(statement, TRY_STATEMENTS):
        names.update(h.name for h in statement.handlers if h.name)  # type: ignore[attr-defined]
    elif isinstance(statement, ast.Delete):
        for target in statement.targets:
            names.update(_target_names(target))
    elif isinstance(statement, (ast.Global, ast.Nonlocal)):
        names.update(statement.names)  # declares where the name lives
    return names


def _target_names(target: ast.AST | None) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    return []


def parameter_names(function: ast.AST) -> list[str]:
    arguments: ast.arguments | None = getattr(function, "args", None)
    if arguments is None:
        return []
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return names


def parameter_annotation(function: ast.AST, name: str) -> ast.expr | None:
    """The annotation of the parameter `name` (`settings: Settings`), if it has one."""
    arguments: ast.arguments | None = getattr(function, "args", None)
    if arguments is None:
        return None
    every = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    return next((a.annotation for a in every if a.arg == name), None)


def mutates(statement: ast.stmt, name: str) -> bool:
    """Whether the statement changes the object `name` holds in place (`name.append(x)`,
    `name["k"] = v`, `del name["k"]`), here or in a block inside it."""
    return name in mutated_names(statement)


def mutated_names(statement: ast.stmt) -> frozenset[str]:
    """The names whose objects the statement changes in place."""
    found: set[str] = set()
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES) and node is not statement:
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.attr in _MUTATORS
        ):
            found.add(node.func.value.id)
        found.update(helper_filled(node))
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                found.add(target.value.id)
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(found)


def helper_filled(node: ast.AST) -> list[str]:
    """The names a statement `fill(origins, port)` hands to a function called for its
    effect alone: a project helper may add to the list or set it receives (census5 sample
    179: `_add_dev_host(origins, port)` doing `origins.add(f"http://localhost:{port}")`)."""
    if not (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id not in _EFFECT_BUILTINS
        and not node.value.func.id[:1].isupper()  # `CORS(app, ...)`: a class, not a filler
    ):
        return []
    return [argument.id for argument in node.value.args if isinstance(argument, ast.Name)]


def deep_bound_names(statement: ast.stmt) -> frozenset[str]:
    """What the statement binds, with the blocks inside it (not nested scopes)."""
    names = set(_binds(statement))
    if not isinstance(statement, _SCOPES):
        for block in statement_blocks(statement):
            for inner in block:
                names |= deep_bound_names(inner)
    return frozenset(names)


class FlowResolver(ExpressionResolver):
    """Finds the binding a name sees where it is used."""

    _bound_cache: dict[int, frozenset[str]] | None = None
    _mutated_cache: dict[int, frozenset[str]] | None = None
    _starts_cache: dict[int, list[tuple[int, int]]] | None = None
    _declared_cache: dict[int, frozenset[str]] | None = None

    # -- facts of statements, worked out once each (lookups ask them again and again) ----
    def declared_outside(self, function: ast.AST) -> frozenset[str]:
        """The names `global` and `nonlocal` statements anywhere in `function` declare."""
        cache = self._declared_cache
        if cache is None:
            cache = self._declared_cache = {}
        found = cache.get(id(function))
        if found is None:
            found = cache[id(function)] = frozenset(
                name
                for s in ast.walk(function)
                if isinstance(s, (ast.Global, ast.Nonlocal))
                for name in s.names
            )
        return found

    def binds_within(self, statement: ast.stmt) -> frozenset[str]:
        cache = self._bound_cache
        if cache is None:
            cache = self._bound_cache = {}
        found = cache.get(id(statement))
        if found is None:
            found = cache[id(statement)] = deep_bound_names(statement)
        return found

    def changes_within(self, statement: ast.stmt) -> frozenset[str]:
        cache = self._mutated_cache
        if cache is None:
            cache = self._mutated_cache = {}
        found = cache.get(id(statement))
        if found is None:
            found = cache[id(statement)] = mutated_names(statement)
        return found

    def bound_in(self, block: list[ast.stmt], name: str) -> bool:
        return any(name in self.binds_within(statement) for statement in block)

    def _holding(self, block: list[ast.stmt], position: tuple[int, int]) -> int | None:
        """The index of the statement of `block` that holds `position`."""
        cache = self._starts_cache
        if cache is None:
            cache = self._starts_cache = {}
        starts = cache.get(id(block))
        if starts is None:
            starts = cache[id(block)] = [_start(statement) for statement in block]
        index = bisect.bisect_right(starts, position) - 1
        if index >= 0 and _contains(block[index], position):
            return index
        return None

    def steps(self, node: ast.AST) -> list[Step]:
        """The statements around `node`, outermost first; [] for a node without a position
        (made up by the resolver), which is read at module level."""
        line = getattr(node, "lineno", None)
        if line is None:
            return []
        position = (line, getattr(node, "col_offset", 0))
        found: list[Step] = []
        owner: ast.AST = self.tree
        block: list[ast.stmt] = self.tree.body
        while True:
            index = self._holding(block, position)
            if index is None:
                return found
            found.append(Step(owner, block, index))
            statement = block[index]
            inner = next(
                (b for b in statement_blocks(statement) if b and self._holding(b, position) is not None), None
            )
            if inner is None:
                return found
            owner, block = statement, inner

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for step in reversed(self.steps(node)):
            if isinstance(step.owner, FUNCTIONS):
                return step.owner
        return None

    def final_binding(self, name: str) -> Found | None:
        """The module-level binding `name` has once the module has run: the last one, an
        `if` on an environment default followed into the arm that runs."""
        return self._scan(self.tree.body, name, Scope({}), [])

    def lookup(self, name: str, node: ast.AST, scope: Scope) -> Found:
        """The binding `name` has where `node` reads it."""
        path = self.steps(node)
        mutations: list[ast.stmt] = []
        level = len(path) - 1
        while level >= 0:
            step = path[level]
            found = self._scan(step.block[: step.index], name, scope, mutations)
            if found is not None:
                return found
            owner = step.owner
            if isinstance(owner, (ast.With, ast.AsyncWith)) and name in _binds(owner):
                return _with_mutations(self._managed(owner, name), mutations)
            if isinstance(owner, (ast.For, ast.AsyncFor)) and name in _binds(owner):
                return Found("unknown", why=f"`{name}` is a loop variable")
            if isinstance(owner, _LOOPS) and (
                self.bound_in(owner.body, name) or self.bound_in(owner.orelse, name)
            ):
                return Found("unknown", why=f"`{name}` is rebound in a loop")
            tried: list[ast.stmt] = getattr(owner, "body", []) if isinstance(owner, TRY_STATEMENTS) else []
            if step.block is not tried and self.bound_in(tried, name):
                return Found("unknown", why=f"`{name}` is bound in a `try` that may have failed")
            if isinstance(owner, (*FUNCTIONS, ast.Lambda)):
                return self._leaving_function(owner, name, path[:level], mutations, scope)
            level -= 1
        return MODULE_LEVEL if not mutations else Found("module", mutations=tuple(mutations))

    def _leaving_function(
        self, function: ast.AST, name: str, outer: list[Step], mutations: list[ast.stmt], scope: Scope
    ) -> Found:
        """A name not bound before its use in `function`: a parameter, a global, or a free
        variable of an enclosing function (whose last binding a closure sees)."""
        if name in parameter_names(function):
            return Found("parameter", function=function, mutations=tuple(mutations))
        body: list[ast.stmt] = getattr(function, "body", [])
        if isinstance(body, list) and name in self.declared_outside(function):
            return MODULE_LEVEL
        if isinstance(body, list) and self.bound_in(body, name):
            return Found("unknown", why=f"`{name}` is read before it is bound")
        for step in reversed(outer):
            if isinstance(step.owner, (*FUNCTIONS, ast.Lambda)):
                rebound = self._rebound_parameter(step, name)
                if rebound is not None:
                    return self.lookup(name, rebound, scope)
                return self._closure(step.owner, name)
        return MODULE_LEVEL

    def _rebound_parameter(self, step: Step, name: str) -> ast.stmt | None:
        """The statement of the enclosing function that holds a nested function reading its
        parameter `name`, when the parameter is rebound before it and never after: the
        closure sees the value there (`if origins is None: origins = ["*"]` then
        `@app.after_request def add_headers(...)`, MyJin520/aio utils/cors.py:1-25)."""
        body: list[ast.stmt] = getattr(step.owner, "body", [])
        if step.block is not body or name not in parameter_names(step.owner):
            return None
        if not self.bound_in(body[: step.index], name) or self.bound_in(body[step.index :], name):
            return None
        return body[step.index]

    def _closure(self, function: ast.AST, name: str) -> Found:
        """What a nested function sees of a name of the enclosing `function`: its parameter,
        or its one binding when that binding is certain (at the function's top level)."""
        if name in parameter_names(function):
            return Found("parameter", function=function)
        body: list[ast.stmt] = getattr(function, "body", [])
        top = [s for s in body if name in _binds(s)]
        nested = [s for s in body if name not in _binds(s) and self.bound_in([s], name)]
        if not top and not nested:
            return MODULE_LEVEL
        if len(top) == 1 and not nested and isinstance(top[0], (ast.Assign, ast.AnnAssign)):
            statement = top[0]
            value = statement.value
            if value is not None and (
                isinstance(statement, ast.AnnAssign)
                or any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
            ):
                return Found("value", node=value, statement=statement)
        return Found("unknown", why=f"`{name}` is bound more than once in the enclosing function")

    def _bound_by(self, statement: ast.stmt, name: str, scope: Scope) -> Found | None:
        """The binding of `name` that `statement` leaves for what follows it, None if it
        binds none."""
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return Found("value", node=statement.value, statement=statement)
                if name in _target_names(target):
                    return self._unpacked(target, statement.value, name, statement)
            return None
        if isinstance(statement, ast.AnnAssign):
            if (
                isinstance(statement.target, ast.Name)
                and statement.target.id == name
                and statement.value is not None
            ):
                return Found("value", node=statement.value, statement=statement)
            return None
        if isinstance(statement, ast.AugAssign):
            if isinstance(statement.target, ast.Name) and statement.target.id == name:
                return Found("augmented", statement=statement)
            return None
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for local, qualified in imported_names(statement):
                if local == name:
                    return Found("import", statement=statement, qualified=qualified)
            return None
        if isinstance(statement, (*FUNCTIONS, ast.ClassDef)):
            return (
                Found("definition", node=statement, statement=statement) if statement.name == name else None
            )
        if isinstance(statement, (ast.Global, ast.Nonlocal)):
            return MODULE_LEVEL if name in statement.names else None
        if isinstance(statement, ast.If):
            return self._bound_in_if(statement, name, scope)
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            inner = self._bound_in_block(statement.body, name, scope)
            if inner is not None or name not in _binds(statement):
                return inner
            return self._managed(statement, name)
        if reraises_only(statement) and not any(
            self.bound_in(block, name) for block in (statement.orelse, statement.finalbody)
        ):
            return self._bound_in_block(statement.body, name, scope)  # its handlers re-raise
        fallback = missing_key_fallback(statement, name, lambda e: self.resolve(e, scope), self.location)
        if fallback is not None:  # `try: x = config["K"]` / `except KeyError: x = "*"`
            return Found("value", node=fallback[0], statement=fallback[1], condition=fallback[2])
        if name in _binds(statement) or any(self.bound_in(b, name) for b in statement_blocks(statement)):
            return Found("unknown", why=f"`{name}` is bound in a loop, `try` or `match`")
        return None

    def _scan(
        self, block: list[ast.stmt], name: str, scope: Scope, mutations: list[ast.stmt]
    ) -> Found | None:
        """The binding the statements of `block` leave at their end, read backwards;
        `mutations` collects (in run order) those that change it in place after it."""
        for statement in reversed(block):
            if name not in self.binds_within(statement) and name not in self.changes_within(statement):
                continue
            found = self._bound_by(statement, name, scope)
            if found is not None and found.kind == "continued":
                mutations[:0] = found.mutations
                continue
            if found is not None:
                return _with_mutations(found, mutations)
            if name in self.changes_within(statement):
                mutations.insert(0, statement)
        return None

    def _bound_in_block(self, block: list[ast.stmt], name: str, scope: Scope) -> Found | None:
        mutations: list[ast.stmt] = []
        found = self._scan(block, name, scope, mutations)
        if found is None and mutations:
            return Found("continued", mutations=tuple(mutations))
        return found

    def _managed(self, statement: ast.With | ast.AsyncWith, name: str) -> Found:
        """`with open(path) as name:` binds the file; another manager, what it returns."""
        for item in statement.items:
            if (
                isinstance(item.optional_vars, ast.Name)
                and item.optional_vars.id == name
                and _opens(item.context_expr)
            ):
                return Found("value", node=item.context_expr, statement=statement)
        return Found("unknown", why=f"`{name}` is what a context manager returns")

    def _bound_in_if(self, statement: ast.If, name: str, scope: Scope) -> Found | None:
        if not (self.bound_in(statement.body, name) or self.bound_in(statement.orelse, name)):
            return None
        condition = self.decide(statement.test, scope)
        if condition is None:
            return Found("unknown", why=f"`{name}` is bound under `if {self.source(statement.test)}`")
        found = self._bound_in_block(statement.body if condition.raw else statement.orelse, name, scope)
        if found is None or found.kind == "continued":
            # the arm that runs does not bind it: the binding before the `if` holds
            return found
        return Found(
            found.kind,
            found.node,
            found.statement,
            found.function,
            found.qualified,
            found.why,
            found.mutations,
            found.condition or condition,
        )

    def _unpacked(self, target: ast.expr, value: ast.expr, name: str, statement: ast.stmt) -> Found:
        if (
            isinstance(target, (ast.Tuple, ast.List))
            and isinstance(value, (ast.Tuple, ast.List))
            and len(target.elts) == len(value.elts)
            and not any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
        ):
            for element, expression in zip(target.elts, value.elts, strict=True):
                if isinstance(element, ast.Name) and element.id == name:
                    return Found("value", node=expression, statement=statement)
        return Found("unknown", why=f"`{name}` is unpacked from {self.source(value)}")


def _with_mutations(found: Found, later: list[ast.stmt]) -> Found:
    if not later:
        return found
    return Found(
        found.kind,
        found.node,
        found.statement,
        found.function,
        found.qualified,
        found.why,
        (*found.mutations, *later),
        found.condition,
    )


def unresolved_mutation(value: Value, why: str) -> Value:
    return Value(None, value.location, Provenance.UNKNOWN, value.env_var, why, value.related)


def _opens(node: ast.expr) -> bool:
    """`open(...)` / `path.open(...)`: a context manager that returns the file itself."""
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id == "open")
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "open")
    )
