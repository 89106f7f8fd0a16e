"""The switch a library CORS layer waits for: a layer added only under an `if` whose test
is false while a variable (or an env-backed settings field) keeps its default,

    if settings.cors_enabled:          # `cors_enabled: bool = False`
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)

    if not settings.cors.enabled:      # or an early exit before it
        return

    if os.getenv("ENABLE_CORS", "false").lower() == "true":
        CORS(app, supports_credentials=True)

runs only once the deployment sets that variable. The layer is still judged (the arm is
live code, and a deployment that turns it on gets exactly that policy), and its findings
say under which condition it holds ("when CORS_ENABLED is set", 'when APP_ENV is
"production"'): an `enabled-when` `Evidence` whose detail is that phrase, the variable
first. A test that the defaults cannot decide, one
that holds by default, or one joined with `and`/`or` (the variable named would not be the
whole condition) gives nothing; so does a helper's layer whose callers are not all under
the same switch.
"""

from __future__ import annotations

import ast

from corslint.extractors.python.flow import FUNCTIONS
from corslint.extractors.python.module import PythonModule
from corslint.extractors.python.scope import EMPTY_SCOPE
from corslint.model import Evidence, Location

ENABLED_WHEN = "enabled-when"
_MAX_DEPTH = 3  # helpers that hand the app on to helpers, followed


def enabling_switches(module: PythonModule, node: ast.AST) -> tuple[Evidence, ...]:
    """One `enabled-when` evidence per variable that must be set for `node` to run."""
    return tuple(
        Evidence(ENABLED_WHEN, name, location) for name, location in _switches(module, node, 0).items()
    )


def _switches(module: PythonModule, node: ast.AST, depth: int) -> dict[str, Location]:
    found: dict[str, Location] = {}
    steps = module.steps(node)
    for step in steps:
        owner = step.owner
        if isinstance(owner, ast.If) and step.block is owner.body:
            switch = _off_by_default(module, owner.test)
            if switch is not None:
                found.setdefault(*switch)
        # `if not settings.cors_enabled: return` before it
        for earlier in step.block[: step.index]:
            if (
                isinstance(earlier, ast.If)
                and not earlier.orelse
                and isinstance(earlier.body[-1], (ast.Return, ast.Raise))
            ):
                switch = _skipped_by_default(module, earlier.test)
                if switch is not None:
                    found.setdefault(*switch)
    function = next((s.owner for s in reversed(steps) if isinstance(s.owner, (*FUNCTIONS, ast.Lambda))), None)
    if depth >= _MAX_DEPTH or not isinstance(function, FUNCTIONS) or function not in module.tree.body:
        return found
    sites = module.call_sites(function)
    callers = [
        _switches(caller, call, depth + 1) for caller, call in sites if isinstance(caller, PythonModule)
    ]
    if not callers or len(callers) != len(sites):
        return found
    shared = set(callers[0]).intersection(*callers[1:])
    for name in sorted(shared, key=lambda n: (callers[0][n].line, n)):
        found.setdefault(name, callers[0][name])
    return found


def _off_by_default(module: PythonModule, test: ast.expr) -> tuple[str, Location] | None:
    """("CORS_ENABLED is set", where) for a test that is false on the defaults; a comparison
    with a value other than a flag word names that value ('APP_ENV is "production"')."""
    return _switch(module, test, holds_by_default=False)


def _skipped_by_default(module: PythonModule, test: ast.expr) -> tuple[str, Location] | None:
    """The same for the test of an early exit: `not X` and `X != "production"` are true on
    the defaults, so what follows runs once X is set (is "production")."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _off_by_default(module, test.operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotEq):
        return _switch(module, test, holds_by_default=True)
    return None


def _switch(module: PythonModule, test: ast.expr, holds_by_default: bool) -> tuple[str, Location] | None:
    if any(isinstance(part, ast.BoolOp) for part in ast.walk(test)):
        return None
    decided = module.decide(test, EMPTY_SCOPE)
    if decided is None or not decided.known or bool(decided.raw) is not holds_by_default:
        return None
    if not decided.env_var:
        return None
    where = module.location(test)
    compared = [part for part in ast.walk(test) if isinstance(part, ast.Compare)]
    if not compared:
        return f"{decided.env_var} is set", where
    if len(compared) > 1 or len(compared[0].ops) != 1:
        return None
    compare = compared[0]
    words = _constants(compare.comparators[0]) or _constants(compare.left)
    # `==` / `in` on the body arm, `!=` before an early exit: the value that turns it on
    turning_on = (ast.NotEq,) if holds_by_default else (ast.Eq, ast.In)
    if not words or not isinstance(compare.ops[0], turning_on):
        return None
    if all(word.lower() in _FLAG_WORDS for word in words):
        return f"{decided.env_var} is set", where
    if len(words) == 1 and not isinstance(compare.ops[0], ast.In):
        return f'{decided.env_var} is "{words[0]}"', where
    return None


_FLAG_WORDS = frozenset({"1", "true", "yes", "on", "y", "t", "enable", "enabled"})


def _constants(node: ast.expr) -> list[str]:
    """The strings of a string constant or a tuple/list/set of them; [] otherwise."""
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    words = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return words if len(words) == len(items) else []
