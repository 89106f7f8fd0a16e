"""Which application a CORS layer is attached to, on which code path, and whether that
path is for development only.

Two layers share an app key when they apply to the same app: the same receiver of
`add_middleware` (or the same `middleware=[...]` list) in the same function. A layer
added by a helper that receives the app (`def enable_public_cors(application):
application.add_middleware(...)`) belongs to the app its callers pass
(`enable_public_cors(app)`, here or in another module): the key is the caller's, and the
arms of the `if`s around the call come before the helper's own. Keys name files by their
real path, so layers found from different files meet. Shared by the Starlette extractor and
the hand-written readers (python_headers), which must find the same app.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from corslint.extractors.python import PythonModule
from corslint.extractors.python.callers import passed_argument
from corslint.extractors.python.flow import FUNCTIONS, Step, parameter_names
from corslint.model import Location, Value

_DEVELOPMENT = re.compile(r"\b(debug|development|dev|local)\b", re.IGNORECASE)
# the `else` of `if ENV == "production":` / `if settings.IS_PRODUCTION:` is development code
_PRODUCTION = re.compile(
    r"(==\s*['\"](prod|production)['\"])|\b(is_prod|is_production|production)\b", re.IGNORECASE
)
# `if not settings.PRODUCTION:`, `if ENV != "production":` guard development code too
_NOT_PRODUCTION = re.compile(
    r"(\bnot\b[^=]*\b(prod|production|is_prod|is_production)\b)|(!=\s*['\"](prod|production)['\"])",
    re.IGNORECASE,
)
DEVELOPMENT_TEST, PRODUCTION_TEST, NOT_PRODUCTION_TEST = _DEVELOPMENT, _PRODUCTION, _NOT_PRODUCTION
MAX_HELPERS = 4  # helpers that hand the app on to helpers, followed before giving up


@dataclass(frozen=True)
class Layer:
    """Where a CORS layer sits: its app key, its code path, and whether a development
    guard surrounds it (here or around the call of the helper that adds it)."""

    app: str
    branch: str
    development_only: bool


def layer_of(module: PythonModule, call: ast.Call, receiver: str, receiver_node: ast.expr | None) -> Layer:
    """The layer made by `call`; `receiver` names what it is attached to (the source of
    `X` in `X.add_middleware`, or a made-up name for a middleware list)."""
    return _layer(module, call, receiver, receiver_node, 0)


def _layer(
    module: PythonModule, node: ast.AST, receiver: str, receiver_node: ast.expr | None, depth: int
) -> Layer:
    steps = module.steps(node)
    own = _arms(module, steps, depth > 0)
    development = _guarded(module, steps, node)
    function = _helper_around(module, steps, receiver_node) if depth < MAX_HELPERS else None
    if function is not None and isinstance(receiver_node, ast.Name):
        caller = _caller_layer(module, function, receiver_node.id, depth)
        if caller is not None:
            branch = "/".join(part for part in (caller.branch, own) if part)
            return Layer(caller.app, branch, development or caller.development_only)
    functions = [f"def {s.owner.name}@{s.owner.lineno}" for s in steps if isinstance(s.owner, FUNCTIONS)]
    app = "::".join([module.real_path(), *functions, receiver])
    return Layer(app, own, development)


def helper_app(module: PythonModule, call: ast.Call, receiver_node: ast.expr) -> str | None:
    """The app key of `layer_of` when `receiver_node` is a parameter of the module-level
    helper around `call` that a caller passes (the app its callers pass); None when it is
    not, or no caller passes it. The hand-written Starlette middleware reader
    (python_headers/server_units.py) keys its layer so, to meet the CORSMiddleware layer."""
    function = _helper_around(module, module.steps(call), receiver_node)
    if function is None or not isinstance(receiver_node, ast.Name):
        return None
    caller = _caller_layer(module, function, receiver_node.id, 0)
    return caller.app if caller is not None else None


def _helper_around(
    module: PythonModule, steps: list[Step], receiver_node: ast.expr | None
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level function around a node when the receiver is one of its parameters."""
    function = next((s.owner for s in reversed(steps) if isinstance(s.owner, (*FUNCTIONS, ast.Lambda))), None)
    if (
        isinstance(receiver_node, ast.Name)
        and isinstance(function, FUNCTIONS)
        and function in module.tree.body
        and receiver_node.id in parameter_names(function)
    ):
        return function
    return None


def _caller_layer(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str, depth: int
) -> Layer | None:
    """The layer seen from the first call of the helper that passes the app."""
    sites = sorted(
        module.call_sites(function), key=lambda site: (site[0].path, site[1].lineno, site[1].col_offset)
    )
    index = parameter_names(function).index(parameter)
    for caller, call in sites:
        passed = passed_argument(call, parameter, index)
        if passed is not None and isinstance(caller, PythonModule):
            return _layer(caller, call, caller.source(passed), passed, depth + 1)
    return None


def _arms(module: PythonModule, steps: list[Step], helper: bool) -> str:
    """The arms of `if`s and `match`es around a node, outermost first (`model.exclusive_arms`);
    inside a helper they also name the file, since lines of two files can meet."""
    where = f"{module.path}:" if helper else ""
    arms: list[str] = []
    for step in steps:
        owner = step.owner
        if isinstance(owner, ast.If):
            arms.append(f"{'if' if step.block is owner.body else 'else'}@{where}{owner.lineno}")
        elif isinstance(owner, ast.Match):
            number = next(i for i, case in enumerate(owner.cases) if case.body is step.block)
            arms.append(f"case{number}@{where}{owner.lineno}")
        # `if flag: add_middleware(A); return` then `add_middleware(B)`: B is that if's else
        arms += [
            f"else@{where}{earlier.lineno}"
            for earlier in step.block[: step.index]
            if isinstance(earlier, ast.If)
            and not earlier.orelse
            and isinstance(earlier.body[-1], (ast.Return, ast.Raise))
        ]
    return "/".join(arms)


def value_in_development_arm(module: PythonModule, value: Value | None) -> bool:
    """Whether an option's value is bound in a development arm of this module (`origins =
    [localhost ...]` in the `else` of `if os.getenv("APP_ENV", "development") == "production":`,
    004Saichaithanya/ayursutra-panchakarma-app backend/main.py:24-39)."""
    if value is None or not value.known:
        return False
    entries = value.raw if isinstance(value.raw, tuple) else ()
    if entries and all(isinstance(entry, Value) for entry in entries):
        return all(_located_in_development_arm(module, entry.location) for entry in entries)
    return _located_in_development_arm(module, value.location)


def _located_in_development_arm(module: PythonModule, location: Location) -> bool:
    if location.path != module.path:
        return False
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.expr)
            and getattr(node, "lineno", None) == location.line
            and module.location(node) == location
        ):
            return _guarded(module, module.steps(node), node) or _constant_used_only_in_development(
                module, node
            )
    return False


def _constant_used_only_in_development(module: PythonModule, node: ast.expr) -> bool:
    """Whether the node is in a module-level constant (`_LOCAL = ("http://localhost:3000",)`)
    that every read of adds only under a development switch (`if settings.app_env == "dev":
    origins.extend(_LOCAL)`, 123ewk/AI-Career-Copilot backend/app/api/middleware/cors.py:82-107)."""
    constant = next(
        (
            statement
            for statement in module.tree.body
            if isinstance(statement, (ast.Assign, ast.AnnAssign))
            and statement.value is not None
            and any(inner is node for inner in ast.walk(statement.value))
        ),
        None,
    )
    if constant is None:
        return False
    targets = constant.targets if isinstance(constant, ast.Assign) else [constant.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        return False
    name = targets[0].id
    reads = [
        read
        for read in ast.walk(module.tree)
        if isinstance(read, ast.Name) and read.id == name and isinstance(read.ctx, ast.Load)
    ]
    return bool(reads) and all(_guarded(module, module.steps(read), read) for read in reads)


def _guarded(module: PythonModule, steps: list[Step], node: ast.AST) -> bool:
    """Whether an `if` (or `match` arm) around the node tests a development switch, or the
    node is in the `else` of a production test."""
    for step in steps:
        owner = step.owner
        if isinstance(owner, ast.If) and step.block is owner.orelse and owner.orelse:
            test = module.source(owner.test)
            if _PRODUCTION.search(test) and not _NOT_PRODUCTION.search(test):
                return True
        if isinstance(owner, ast.If) and step.block is owner.body:
            test = module.source(owner.test)
            if _DEVELOPMENT.search(test) or _NOT_PRODUCTION.search(test):
                return True
        elif isinstance(owner, ast.Match):
            case = next(c for c in owner.cases if c.body is step.block)
            if _DEVELOPMENT.search(f"{module.source(owner.subject)} {module.source(case.pattern)}"):
                return True
    return False
