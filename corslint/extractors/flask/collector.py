"""The walk of the file being linted: its Flask-CORS calls, config writes, views, locals
and apps, each with the function, branch and guard around it."""

from __future__ import annotations

import ast
import re
import weakref

from corslint.extractors.flask.app_config import config_call, config_receiver, dynaconf_write, subscript_write
from corslint.extractors.flask.calls import (
    CORS_CLASS,
    CROSS_ORIGIN,
    app_argument,
    app_kind,
    is_cross_origin,
    is_init_app,
)
from corslint.extractors.flask.collected import Collected, Function, Site
from corslint.extractors.flask.imports import function_imports, module_imports, qualified_name
from corslint.extractors.flask.module_index import Step, Walker, child_steps
from corslint.extractors.flask.parameter_defaults import caller_chosen, decided, parameter_defaults
from corslint.extractors.flask.sanic_port import attribute_write
from corslint.extractors.python import UNCERTAIN_BLOCKS, PythonModule

_DEBUG_GUARD = re.compile(r"debug|development|\bdev\b|\blocal\b|testing", re.IGNORECASE)
_NONE = ast.Constant(None)  # a parameter's stand-in binding: never resolved
_GUARDED_BLOCKS: tuple[type[ast.AST], ...] = (ast.Try, *UNCERTAIN_BLOCKS)


class _Collector(Walker):
    """The walk of the file being linted: also what Flask-CORS configuration it holds."""

    def __init__(self, module: PythonModule) -> None:
        super().__init__(module)
        self.found = Collected()
        self.functions: list[str] = []
        self.guards: list[bool] = []  # one per enclosing conditional: is it a debug guard?
        self.branches: list[str] = []
        self.tests: list[tuple[ast.expr, bool]] = []
        self.classes: list[str] = []
        self.decorators: set[int] = set()
        self.tables: list[dict[str, str]] = [module_imports(module)]
        self.defaults: list[dict[str, object]] = [{}]  # the enclosing function's parameter defaults
        self.found.imports[""] = self.tables[0]
        self.handlers.update(
            {
                ast.If: self.enter_if,
                ast.Match: self.enter_match,
                ast.Assign: self.enter_assign,
                # `try` and the other blocks whose body may not run (a `with` body runs)
                **dict.fromkeys(_GUARDED_BLOCKS, self.enter_guarded),
            }
        )

    def site(self, node: ast.AST) -> Site:
        where = self.module.location(node)
        return Site(
            self.functions[-1] if self.functions else "",
            "/".join(self.branches),
            bool(self.guards),
            any(self.guards),
            (where.line, where.column),
            tuple(self.tests),
        )

    def own_locals(self) -> dict[str, list[ast.expr]] | None:
        """The bindings seen so far in the function being walked."""
        return self.found.locals.get(self.functions[-1]) if self.functions else None

    def qualify(self, node: ast.expr) -> str | None:
        return qualified_name(node, self.tables[-1])

    def is_cors_call(self, call: ast.Call) -> bool:
        """`CORS(app, ...)`, `cors.init_app(app, ...)` or `cross_origin(...)`."""
        return self.qualify(call.func) in (CORS_CLASS, CROSS_ORIGIN) or is_init_app(
            self.module, call, self.tables[-1], self.own_locals()
        )

    def enter_function(self, node: Function) -> list[Step]:
        module, found = self.module, self.found
        if any(is_cross_origin(module, d, self.tables[-1]) for d in node.decorator_list):
            found.views.append((node, self.site(node)))
            self.decorators.update(id(d) for d in node.decorator_list)
        # its decorators and defaults are walked inside it (their calls belong to its scope)
        self.functions.append(f"def {node.name}@{module.location(node).line}")
        own = function_imports(node)
        self.tables.append({**self.tables[-1], **own} if own else self.tables[-1])
        found.imports[self.functions[-1]] = self.tables[-1]
        found.functions[self.functions[-1]] = node
        self.defaults.append(parameter_defaults(node))
        outer_guards, outer_tests = list(self.guards), list(self.tests)
        self.guards.clear()
        self.tests.clear()
        bound = found.locals.setdefault(self.functions[-1], {})
        for parameter in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
            # a parameter is whatever the caller passes: never a constant
            bound.setdefault(parameter.arg, []).extend([_NONE, _NONE])

        def leave() -> None:
            self.functions.pop()
            self.tables.pop()
            self.defaults.pop()
            self.guards[:] = outer_guards
            self.tests[:] = outer_tests

        return [*super().enter_function(node), leave]

    def enter_class(self, node: ast.ClassDef) -> list[Step]:
        self.classes.append(node.name)
        return [*super().enter_class(node), self.leave_class]

    def enter_if(self, node: ast.If) -> list[Step]:
        verdict = decided(node.test, self.defaults[-1])
        if verdict is not None and caller_chosen(node, verdict, self.defaults[-1], self.is_cors_call):
            verdict = None  # the callers pick the arm that configures CORS: both arms are live
        if verdict is not None:  # `if test_config is None:` in `create_app(test_config=None)`
            return [node.test, *(node.body if verdict else node.orelse)]
        guard = bool(_DEBUG_GUARD.search(self.module.source(node.test)))
        line = self.module.location(node).line

        def enter() -> None:
            self.guards.append(guard)
            self.branches.append(f"if@{line}")
            self.tests.append((node.test, True))

        def otherwise() -> None:
            self.branches[-1] = f"else@{line}"
            self.guards[-1] = False  # the else of `if DEBUG:` is no debug guard
            self.tests[-1] = (node.test, False)

        def leave() -> None:
            self.tests.pop()
            self.leave_arm()

        # the test is walked outside the branch it decides
        return [node.test, enter, *node.body, otherwise, *node.orelse, leave]

    def enter_match(self, node: ast.Match) -> list[Step]:
        """Each `case` is an arm, as `if` and `else` are: arms exclude one another."""
        subject = self.module.source(node.subject)
        line = self.module.location(node).line
        steps: list[Step] = [node.subject]
        for number, case in enumerate(node.cases):
            guard = bool(_DEBUG_GUARD.search(f"{subject} {self.module.source(case.pattern)}"))

            def enter(guard: bool = guard, arm: str = f"case{number}@{line}") -> None:
                self.guards.append(guard)
                self.branches.append(arm)

            steps += [enter, case.pattern, *([case.guard] if case.guard else []), *case.body, self.leave_arm]
        return steps

    def leave_arm(self) -> None:
        self.branches.pop()
        self.guards.pop()

    def enter_guarded(self, node: ast.stmt) -> list[Step]:
        self.guards.append(False)
        return [*child_steps(node), self.leave_guarded]

    def leave_class(self) -> None:
        self.classes.pop()

    def leave_guarded(self) -> None:
        self.guards.pop()

    def enter_assign(self, node: ast.Assign) -> list[Step]:
        module, found = self.module, self.found
        scope = self.functions[-1] if self.functions else ""
        for target in node.targets:
            if isinstance(target, ast.Name):
                name = target.id
                if scope:
                    entry = found.locals.setdefault(scope, {}).setdefault(name, [])
                    entry.append(node.value)
                    if self.guards:
                        entry.append(node.value)  # two candidate bindings: never a constant
                kind = app_kind(module, node.value, self.tables[-1])
                if kind is not None:
                    found.apps[(scope, name)] = kind
                    if kind == "blueprint" and not scope and isinstance(node.value, ast.Call):
                        found.blueprints[name] = node.value
            elif isinstance(target, ast.Subscript):
                write = subscript_write(module, target, node.value, self.site(node))
                if write is not None:
                    found.config.append(write)
            elif isinstance(target, ast.Attribute):
                write = attribute_write(module, target, node.value, self.site(node))
                if write is not None:
                    found.config.append(write)
        return child_steps(node)

    def note_call(self, node: ast.Call, qualified: str) -> None:
        module, found = self.module, self.found
        if isinstance(node.func, ast.Attribute) and node.func.attr == "register_blueprint":
            found.registrations.append((node, self.site(node)))
        elif isinstance(node.func, (ast.Name, ast.Attribute)) and any(
            isinstance(arg, (ast.Name, ast.Attribute))
            for arg in [*node.args, *(k.value for k in node.keywords)]
        ):
            found.handoffs.append((node, self.site(node)))
        if qualified == CROSS_ORIGIN:
            if id(node) not in self.decorators:
                here = self.site(node)
                enclosing = self.classes[-1] if self.classes and not here.scope else None
                found.wrappers.append((node, here, enclosing))
        elif (dynaconf := dynaconf_write(module, node, qualified, self.site(node))) is not None:
            found.config.append(dynaconf)
        elif isinstance(node.func, ast.Attribute) and config_receiver(node.func.value) is not None:
            absent = frozenset(name for name, value in self.defaults[-1].items() if value is None)
            write = config_call(module, node, self.site(node), absent)
            if write is not None:
                found.config.append(write)
        # `CORS(app, ...)`; a `CORS(...)` without an app is configured by its `init_app`
        elif (qualified == CORS_CLASS and app_argument(node) is not None) or is_init_app(
            module, node, self.tables[-1], self.own_locals()
        ):
            found.calls.append((node, self.site(node)))


_COLLECTED: weakref.WeakKeyDictionary[PythonModule, Collected] = weakref.WeakKeyDictionary()


def collect(module: PythonModule) -> Collected:
    """What `module` says about Flask-CORS and its apps' config (walked once)."""
    found = _COLLECTED.get(module)
    if found is None:
        collector = _Collector(module)
        collector.run()
        found = _COLLECTED[module] = collector.found
    return found
